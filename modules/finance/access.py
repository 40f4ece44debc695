"""Who may see or change which finance record: core/access.py's rule (its table), one function a
record. Payables and receivables follow it as CRM records do (`assigned_to`, `created_by`).
Categories and bank accounts are the workspace's set-up: every member reads them, managers and
admins change them (the API's and pages' IsTenantManager), so their access functions only find
and lock the record."""

from modules.core.access import record_access

from .models import Account, BankAccount, Category, Transaction


def access_account(actor, account_id, *, for_write: bool = False, for_delete: bool = False) -> Account:
    queryset = Account.objects.select_related("category", "customer", "assigned_to")
    return record_access(actor, queryset, account_id, for_write=for_write, for_delete=for_delete)


def access_category(actor, category_id, *, for_write: bool = False, for_delete: bool = False) -> Category:
    return record_access(None, Category.objects.all(), category_id, for_write=for_write, for_delete=for_delete)


def access_bank_account(actor, bank_account_id, *, for_write: bool = False, for_delete: bool = False) -> BankAccount:
    return record_access(
        None, BankAccount.objects.all(), bank_account_id, for_write=for_write, for_delete=for_delete
    )


def access_transaction(actor, transaction_id, *, for_write: bool = False) -> Transaction:
    """A statement line is the bank's record: members reconcile it, nobody edits its figures."""
    queryset = Transaction.objects.select_related("bank_account", "category")
    return record_access(None, queryset, transaction_id, for_write=for_write, for_delete=False)

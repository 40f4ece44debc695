"""Finance's domain events and their payloads (the records as the API shows them, minus what
depends on the reader: amounts carry their currency's digits, no `formatted`). Services record
them in the transaction that made the change; `*.updated` events carry the changed fields.
"""

from modules.core.formats import amount_json, iso_date, iso_datetime, user_json

from .models import Account, BankAccount, Category, Payment, Transaction

ACCOUNT_CREATED = "account.created"
ACCOUNT_UPDATED = "account.updated"
ACCOUNT_PAID = "account.paid"  # paid in full (by hand or by statement lines)
ACCOUNT_PARTIALLY_PAID = "account.partially_paid"
ACCOUNT_REOPENED = "account.reopened"  # a payment was taken back (a line unreconciled)
ACCOUNT_OVERDUE = "account.overdue"
ACCOUNT_CANCELLED = "account.cancelled"
ACCOUNT_DELETED = "account.deleted"
CATEGORY_CREATED = "category.created"
CATEGORY_UPDATED = "category.updated"
CATEGORY_DELETED = "category.deleted"
BANK_ACCOUNT_CREATED = "bank_account.created"
BANK_ACCOUNT_UPDATED = "bank_account.updated"
BANK_ACCOUNT_DELETED = "bank_account.deleted"
BANK_ACCOUNT_SYNCED = "bank_account.synced"
TRANSACTIONS_IMPORTED = "bank_account.statement_imported"  # one event per file or sync, not per line
TRANSACTION_RECONCILED = "transaction.reconciled"
TRANSACTION_UNRECONCILED = "transaction.unreconciled"
TRANSACTION_UPDATED = "transaction.updated"  # its category: a line's figures are the bank's
TRANSACTION_DELETED = "transaction.deleted"
BANK_FEED_CONNECTED = "bank_account.feed_connected"
BANK_FEED_DISCONNECTED = "bank_account.feed_disconnected"


def category_json(category: Category | None) -> dict | None:
    if category is None:
        return None
    return {
        "id": category.pk,
        "name": category.name,
        "type": category.type,
        "parent_id": category.parent_id,
        "color": category.color,
    }


def account_json(account: Account) -> dict:
    return {
        "id": account.pk,
        "name": account.name,
        "type": account.type,
        "category": category_json(account.category),
        "description": account.description,
        "reference": account.reference,
        "amount": amount_json(account.amount, account.currency),
        "paid_amount": amount_json(account.paid_amount, account.currency),
        "currency": account.currency,
        "due_date": iso_date(account.due_date),
        "status": account.status,
        "paid_at": iso_datetime(account.paid_at),
        "payment_method": account.payment_method or None,
        "customer_id": account.customer_id,
        "vendor": account.vendor,
        "invoice_id": account.invoice_id,
        "notes": account.notes,
        "assigned_to": user_json(account.assigned_to),
        "created_at": iso_datetime(account.created_at),
        "updated_at": iso_datetime(account.updated_at),
    }


def bank_account_json(bank_account: BankAccount) -> dict:
    return {
        "id": bank_account.pk,
        "name": bank_account.name,
        "bank": bank_account.bank,
        "bank_code": bank_account.bank_code,
        "agency": bank_account.agency,
        "account_number": bank_account.account_number,
        "currency": bank_account.currency,
        "is_active": bank_account.is_active,
        "opening_balance": amount_json(bank_account.opening_balance, bank_account.currency),
        "plaid_account_id": bank_account.plaid_account_id or None,
        "last_sync": iso_datetime(bank_account.last_sync),
    }


def transaction_json(transaction: Transaction) -> dict:
    currency = transaction.bank_account.currency
    return {
        "id": transaction.pk,
        "bank_account_id": transaction.bank_account_id,
        "date": iso_date(transaction.date),
        "description": transaction.description,
        "amount": amount_json(transaction.amount, currency),
        "type": transaction.type,
        "currency": currency,
        "matched_account_id": transaction.matched_account_id,
        "reconciled_amount": amount_json(transaction.reconciled_amount, currency),
        "reconciled": transaction.reconciled,
    }


def payment_json(payment: Payment) -> dict:
    return {
        "account_id": payment.account_id,
        "transaction_id": payment.transaction_id,
        "amount": amount_json(payment.amount, payment.account.currency),
        "paid_at": iso_datetime(payment.paid_at),
        "method": payment.method or None,
    }

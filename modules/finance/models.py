"""Finance tables: payables and receivables (accounts), their categories, bank accounts with their
statement lines (transactions) and bank feeds, and the payments that settle accounts.

An account's money comes in through payments (`Payment`): marking it paid records one for what
was left, reconciling a statement line records one for the part of the line given to it. One line
may pay several accounts and one account may be paid by several lines (instalments, a partial
payment); `paid_amount` is the sum of the account's payments, so the remainder is always
`amount - paid_amount`.

Amounts are positive; a line's `type` says which way the money went (credit: into the bank
account; debit: out of it).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from modules.core.models import user_link
from modules.core.money import AmountField, Currency
from modules.core.search import SearchableManager, search_document
from modules.core.secrets import EncryptedTextField


class CategoryType(models.TextChoices):
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


class AccountType(models.TextChoices):
    RECEIVABLE = "receivable", _("Receivable")
    PAYABLE = "payable", _("Payable")


class AccountStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (AccountStatus.PENDING, AccountStatus.OVERDUE)


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CREDIT_CARD = "credit_card", _("Credit card")
    PIX = "pix", _("PIX")
    BOLETO = "boleto", _("Boleto")


class TransactionType(models.TextChoices):
    DEBIT = "debit", _("Debit")
    CREDIT = "credit", _("Credit")


class TransactionSource(models.TextChoices):
    MANUAL = "manual", _("Typed in")
    FILE = "file", _("Statement file")
    FEED = "feed", _("Bank feed")


# An income category's accounts are receivable, an expense category's payable.
ACCOUNT_TYPE_OF_CATEGORY = {CategoryType.INCOME: AccountType.RECEIVABLE, CategoryType.EXPENSE: AccountType.PAYABLE}
# A receivable is settled by money coming in (a credit), a payable by money going out.
TRANSACTION_TYPE_OF_ACCOUNT = {
    AccountType.RECEIVABLE: TransactionType.CREDIT, AccountType.PAYABLE: TransactionType.DEBIT,
}

hex_color = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb, for example #10b981."))


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    type = models.CharField(_("type"), max_length=16, choices=CategoryType.choices)
    # Services keep a parent of the same type and no cycles.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    color = models.CharField(_("colour"), max_length=7, default="#64748b", validators=[hex_color])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["type", "name", "id"]
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                "type", Lower("name"), models.F("parent"), name="finance_category_name_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="finance_category_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class BankAccount(models.Model):
    name = models.CharField(_("name"), max_length=100)
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    # COMPE code in Brazil (001 Banco do Brasil, 341 Itaú, 237 Bradesco, 748 Sicredi).
    bank_code = models.CharField(_("bank code"), max_length=3, blank=True)
    agency = models.CharField(_("agency"), max_length=10, blank=True)
    account_number = models.CharField(_("account number"), max_length=30)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # The balance before the first statement line we hold; the balance is this plus every line.
    opening_balance = AmountField(_("opening balance"), default=0)
    # Invoicing draws boletos on this account with the bank's agreement (convênio) and wallet (carteira).
    boleto_agreement = models.CharField(_("boleto agreement"), max_length=20, blank=True)
    boleto_wallet = models.CharField(_("boleto wallet"), max_length=5, blank=True)
    # The bank feed's id for this account (Plaid's account_id), and when lines last came in.
    plaid_account_id = models.CharField(_("feed account id"), max_length=100, blank=True)
    last_sync = models.DateTimeField(_("last sync"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class BankFeed(models.Model):
    """A bank account's connection to a feed provider (Plaid, or the sandbox): the credentials
    and the cursor of what has been pulled. The access token is encrypted and never shown."""

    bank_account = models.OneToOneField(BankAccount, on_delete=models.CASCADE, related_name="feed")
    provider = models.CharField(max_length=20)  # "plaid", "sandbox"
    item_id = models.CharField(max_length=100, blank=True)
    access_token = EncryptedTextField(blank=True)
    cursor = models.TextField(blank=True)  # /transactions/sync's next_cursor
    # Why the last sync failed (an expired login asks the person to connect again); empty when fine.
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    connected_at = models.DateTimeField(auto_now_add=True)
    connected_by = user_link()

    def __str__(self) -> str:
        return f"{self.provider}: {self.bank_account}"


class Account(models.Model):
    """A payable or a receivable. `status` is stored as pending, paid or cancelled, and overdue
    once the daily task has passed its due date; readers compute overdue themselves
    (`selectors.status_expression`), so a list is right before the task has run."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=16, choices=AccountType.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts", verbose_name=_("category")
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    # A document number (a bill's, an invoice's) that statement lines may quote.
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    amount = AmountField(_("amount"))
    paid_amount = AmountField(_("amount paid"), default=0)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.PENDING)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_method = models.CharField(
        _("payment method"), max_length=16, choices=PaymentMethod.choices, blank=True
    )
    customer = models.ForeignKey(
        "crm.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="finance_accounts",
        verbose_name=_("customer"),
    )
    vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    # The invoice that raised this receivable (invoicing links it).
    invoice_id = models.PositiveBigIntegerField(_("invoice"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    assigned_to = user_link(verbose_name=_("assigned to"))
    created_by = user_link()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    search_document = models.GeneratedField(
        expression=search_document("name", "description", "reference", "vendor"),
        output_field=SearchVectorField(), db_persist=True,
    )

    objects = SearchableManager()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_account_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=models.F("amount")),
                name="finance_account_paid_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["type", "status", "due_date"], name="finance_account_due_idx"),
            models.Index(
                fields=["amount", "currency"], name="finance_account_open_idx",
                condition=Q(status__in=["pending", "overdue"]),
            ),
            models.Index(fields=["customer", "due_date"], name="finance_account_customer_idx"),
            GinIndex(fields=["search_document"], name="finance_account_search_idx"),
        ]

    def __str__(self) -> str:
        return self.name or self.description or f"#{self.pk}"

    @property
    def remaining(self):
        return self.amount - self.paid_amount


class Transaction(models.Model):
    """A statement line of a bank account: imported from a file, pulled from a feed, or typed."""

    bank_account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, related_name="transactions", verbose_name=_("bank account")
    )
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=500)
    amount = AmountField(_("amount"))
    type = models.CharField(_("type"), max_length=8, choices=TransactionType.choices)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="transactions",
        verbose_name=_("category"),
    )
    # The account it settles (the first, when it settles several: `payments` has them all).
    matched_account = models.ForeignKey(
        Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("account")
    )
    # How much of the line is given to accounts; it is reconciled once all of it is.
    reconciled_amount = AmountField(default=0)
    reconciled = models.BooleanField(_("reconciled"), default=False)
    source = models.CharField(max_length=8, choices=TransactionSource.choices, default=TransactionSource.MANUAL)
    # The bank's own id of the line (OFX FITID, Plaid transaction_id), when it has one.
    external_id = models.CharField(max_length=255, blank=True)
    # What makes a line the same line when it comes again: the bank's id, or a hash of date,
    # amount, description and its rank among identical lines of its file (services.dedupe_key).
    dedupe_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["bank_account", "dedupe_key"], name="finance_transaction_dedupe_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_transaction_amount_positive"),
            models.CheckConstraint(
                condition=Q(reconciled_amount__gte=0) & Q(reconciled_amount__lte=models.F("amount")),
                name="finance_transaction_reconciled_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["bank_account", "date"], name="finance_transaction_date_idx"),
            models.Index(fields=["date"], name="finance_tx_unreconciled_idx", condition=Q(reconciled=False)),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.description}"

    @property
    def unreconciled_amount(self):
        return self.amount - self.reconciled_amount


class Payment(models.Model):
    """Money that settled (part of) an account: from a statement line, or marked paid by hand."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="payments")
    transaction = models.ForeignKey(
        Transaction, on_delete=models.CASCADE, null=True, blank=True, related_name="payments"
    )
    amount = AmountField(_("amount"))
    paid_at = models.DateTimeField(_("paid at"))
    method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod.choices, blank=True)
    created_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_payment_amount_positive"),
            models.UniqueConstraint(
                fields=["account", "transaction"], name="finance_payment_once_per_line",
                condition=Q(transaction__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} → {self.account_id}"

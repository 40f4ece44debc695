"""The finance lists, on the kit's RecordTable (core/tables.py)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from modules.core.money import format_money
from modules.core.tables import RecordTable, record_link

from .models import Account, AccountStatus, BankAccount, Category
from .selectors import account_status

STATUS_BADGES = {
    AccountStatus.PENDING: "badge-primary",
    AccountStatus.OVERDUE: "badge-warn",
    AccountStatus.PAID: "badge-ok",
    AccountStatus.CANCELLED: "badge-muted",
}


def status_badge(account: Account) -> str:
    status = AccountStatus(account_status(account))
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES[status], status.label)


def swatch(category: Category | None) -> str:
    """A category's colour as a small square: an SVG fill, since the pages allow no inline style."""
    if category is None:
        return ""
    return format_html(
        '<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
        '<rect width="12" height="12" rx="3" fill="{}"/></svg>',
        category.color,
    )


def category_label(category: Category | None) -> str:
    if category is None:
        return "—"
    return format_html("{} {}", swatch(category), category.name)


class AccountTable(RecordTable):
    due_date = tables.DateColumn(verbose_name=_("Due"), short=True, order_by=("due_date", "id"))
    name = tables.Column(verbose_name=_("Account"), accessor="pk", order_by=("name", "id"))
    type = tables.Column(verbose_name=_("Type"), orderable=False)
    category = tables.Column(verbose_name=_("Category"), orderable=False, empty_values=())
    party = tables.Column(verbose_name=_("Customer or vendor"), accessor="vendor", orderable=False, empty_values=())
    amount = tables.Column(verbose_name=_("Amount"), order_by=("amount", "id"), attrs={"td": {"class": "numeric"}})
    remaining = tables.Column(
        verbose_name=_("Remaining"), accessor="paid_amount", orderable=False, attrs={"td": {"class": "numeric"}}
    )
    status = tables.Column(verbose_name=_("Status"), orderable=False)

    class Meta(RecordTable.Meta):
        model = Account
        sequence = ("due_date", "name", "type", "category", "party", "amount", "remaining", "status")
        order_by = ("due_date",)
        row_attrs = {"id": lambda record: f"account-{record.pk}"}

    def render_name(self, record: Account) -> str:
        return record_link("finance:account", record, str(record))

    def render_type(self, record: Account) -> str:
        return record.get_type_display()

    def render_category(self, record: Account) -> str:
        return category_label(record.category)

    def render_party(self, record: Account) -> str:
        return record.customer.name if record.customer_id else record.vendor or "—"

    def render_amount(self, record: Account) -> str:
        return format_money(record.amount, record.currency)

    def render_remaining(self, record: Account) -> str:
        if record.status not in (AccountStatus.PENDING, AccountStatus.OVERDUE):
            return "—"
        return format_money(record.remaining, record.currency)

    def render_status(self, record: Account) -> str:
        return status_badge(record)


class BankAccountTable(RecordTable):
    name = tables.Column(verbose_name=_("Name"), order_by=("name", "id"))
    bank = tables.Column(verbose_name=_("Bank"), orderable=False, empty_values=())
    account_number = tables.Column(verbose_name=_("Account"), orderable=False)
    currency = tables.Column(verbose_name=_("Currency"), orderable=False)
    balance = tables.Column(verbose_name=_("Balance"), orderable=False, attrs={"td": {"class": "numeric"}})
    is_active = tables.Column(verbose_name=_("Status"), orderable=False)

    class Meta(RecordTable.Meta):
        model = BankAccount
        sequence = ("name", "bank", "account_number", "currency", "balance", "is_active")
        order_by = ("name",)
        row_attrs = {"id": lambda record: f"bank-account-{record.pk}"}

    def render_name(self, record: BankAccount) -> str:
        return record_link("finance:bank_account", record, record.name)

    def render_bank(self, record: BankAccount) -> str:
        if record.bank_code:
            return format_html("{} <small class=\"muted\">{}</small>", record.bank or "—", record.bank_code)
        return record.bank or "—"

    def render_account_number(self, record: BankAccount) -> str:
        return f"{record.agency} / {record.account_number}" if record.agency else record.account_number

    def render_balance(self, record: BankAccount) -> str:
        return format_money(record.balance, record.currency)

    def render_is_active(self, record: BankAccount) -> str:
        if record.is_active:
            return format_html('<span class="badge badge-ok">{}</span>', _("Active"))
        return format_html('<span class="badge badge-muted">{}</span>', _("Inactive"))


"""The statement page's list of lines, on the kit's RecordTable (core/tables.py)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from modules.core.money import format_money
from modules.core.tables import RecordTable

from .models import Transaction, TransactionType


class StatementTable(RecordTable):
    date = tables.DateColumn(verbose_name=_("Date"), short=True, order_by=("date", "id"))
    description = tables.Column(verbose_name=_("Description"), orderable=False)
    bank_account = tables.Column(verbose_name=_("Bank account"), accessor="bank_account__name", orderable=False)
    category = tables.Column(verbose_name=_("Category"), accessor="category__name", orderable=False, default="—")
    amount = tables.Column(verbose_name=_("Amount"), order_by=("amount", "id"), attrs={"td": {"class": "numeric"}})
    reconciled = tables.Column(verbose_name=_("Reconciled"), orderable=False)

    class Meta(RecordTable.Meta):
        model = Transaction
        sequence = ("date", "description", "bank_account", "category", "amount", "reconciled")
        order_by = ("-date",)
        row_attrs = {"id": lambda record: f"transaction-{record.pk}"}

    def render_amount(self, record: Transaction) -> str:
        """Money out with a minus, as the bank's statement shows it."""
        amount = record.amount if record.type == TransactionType.CREDIT else -record.amount
        css = "amount-credit" if record.type == TransactionType.CREDIT else "amount-debit"
        return format_html('<span class="{}">{}</span>', css, format_money(amount, record.bank_account.currency))

    def render_reconciled(self, record: Transaction) -> str:
        if record.reconciled:
            return format_html('<span class="badge badge-ok">{}</span>', _("Reconciled"))
        if record.reconciled_amount:
            return format_html('<span class="badge badge-warn">{}</span>', _("In part"))
        return format_html('<span class="badge badge-muted">{}</span>', _("Open"))

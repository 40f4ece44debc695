"""The boletos list, on the kit's RecordTable (core/tables.py)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from modules.core.l10n import date_text
from modules.core.money import format_money
from modules.core.tables import RecordTable, record_link

from .charges import CHARGE_CURRENCY
from .models import Boleto, ChargeStatus

STATUS_BADGES = {
    ChargeStatus.PENDING: "badge-primary",
    ChargeStatus.PAID: "badge-ok",
    ChargeStatus.CANCELLED: "badge-muted",
    ChargeStatus.EXPIRED: "badge-warn",
}


def charge_status_badge(status: str) -> str:
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES[status], ChargeStatus(status).label)


class BoletoTable(RecordTable):
    our_number = tables.Column(verbose_name=_("Our number"), orderable=False)
    invoice = tables.Column(verbose_name=_("Invoice"), accessor="invoice__number", orderable=False)
    customer = tables.Column(verbose_name=_("Customer"), accessor="invoice__customer__name", orderable=False)
    bank_account = tables.Column(verbose_name=_("Bank account"), accessor="bank_account__name", orderable=False)
    due_date = tables.Column(verbose_name=_("Due"), order_by=("due_date", "id"))
    amount = tables.Column(verbose_name=_("Amount"), order_by=("amount", "id"))
    status = tables.Column(verbose_name=_("Status"), orderable=False)
    remittance_number = tables.Column(verbose_name=_("Remittance"), orderable=False, default="—")

    class Meta(RecordTable.Meta):
        model = Boleto
        sequence = ("our_number", "invoice", "customer", "bank_account", "due_date", "amount", "status",
                    "remittance_number")
        order_by = ("-due_date",)
        row_attrs = {"id": lambda record: f"boleto-{record.pk}"}

    def render_our_number(self, record: Boleto) -> str:
        return record_link("invoicing:boleto", record, record.our_number)

    def render_due_date(self, value) -> str:
        return date_text(value, "SHORT_DATE_FORMAT")

    def render_amount(self, value) -> str:
        return format_money(value, CHARGE_CURRENCY)

    def render_status(self, record: Boleto) -> str:
        return charge_status_badge(record.status)

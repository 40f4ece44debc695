"""The invoice list, on the kit's RecordTable (core/tables.py)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from modules.core.money import format_money
from modules.core.tables import RecordTable, record_link

from .models import Invoice, InvoiceStatus
from .selectors import invoice_status

STATUS_BADGES = {
    InvoiceStatus.DRAFT: "badge-muted",
    InvoiceStatus.ISSUED: "badge-primary",
    InvoiceStatus.OVERDUE: "badge-warn",
    InvoiceStatus.PAID: "badge-ok",
    InvoiceStatus.CANCELLED: "badge-muted",
}


def status_badge(invoice: Invoice) -> str:
    status = InvoiceStatus(invoice_status(invoice))
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES[status], status.label)


class InvoiceTable(RecordTable):
    number = tables.Column(verbose_name=_("Number"), order_by=("number", "id"))
    customer = tables.Column(verbose_name=_("Customer"), accessor="customer__name", orderable=False)
    issue_date = tables.DateColumn(verbose_name=_("Issued"), short=True, order_by=("issue_date", "id"))
    due_date = tables.DateColumn(verbose_name=_("Due"), short=True, order_by=("due_date", "id"))
    total = tables.Column(verbose_name=_("Total"), order_by=("total", "id"), attrs={"td": {"class": "numeric"}})
    status = tables.Column(verbose_name=_("Status"), orderable=False)

    class Meta(RecordTable.Meta):
        model = Invoice
        sequence = ("number", "customer", "issue_date", "due_date", "total", "status")
        order_by = ("-issue_date",)
        row_attrs = {"id": lambda record: f"invoice-{record.pk}"}

    def render_number(self, record: Invoice) -> str:
        return record_link("invoicing:invoice", record, record.number)

    def render_total(self, record: Invoice) -> str:
        return format_money(record.total, record.currency)

    def render_status(self, record: Invoice) -> str:
        return status_badge(record)

"""Invoice reads that are more than a `.get()`: the list's base queryset with each invoice's status
as of today, a list's totals per currency and the dashboard's figures."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from modules.core.due import status_as_of, status_as_of_today

from .models import OPEN_STATUSES, Invoice, InvoiceItem, InvoiceStatus


def status_expression():
    """An invoice's status as of today in the company's time zone (core.due): an issued one past
    its due date is overdue, whether or not the daily task has stored it yet."""
    return status_as_of_today(open_statuses=OPEN_STATUSES, overdue=InvoiceStatus.OVERDUE, on_time=InvoiceStatus.ISSUED)


def invoice_status(invoice: Invoice) -> str:
    """What an invoice reads as: the list's SQL answer when it came from `invoice_list`, else the
    same rule for the one invoice in hand."""
    current = getattr(invoice, "current_status", None)
    if current is not None:
        return current
    return status_as_of(
        invoice.status, invoice.due_date, open_statuses=OPEN_STATUSES, overdue=InvoiceStatus.OVERDUE,
        on_time=InvoiceStatus.ISSUED,
    )


def invoice_list() -> QuerySet[Invoice]:
    """Invoices with their customer, items, fiscal events and status as of today (one query for the
    rows, one for every row's items, one for their fiscal events)."""
    return (
        Invoice.objects.select_related("customer")
        .prefetch_related(Prefetch("items", queryset=InvoiceItem.objects.order_by("position", "id")), "fiscal_events")
        .annotate(current_status=status_expression())
    )


@dataclass(frozen=True)
class ListTotal:
    currency: str
    total: Decimal  # every invoice shown but the cancelled ones
    open: Decimal  # what is still to receive: issued, overdue or not


def invoice_totals(invoices: QuerySet[Invoice]) -> list[ListTotal]:
    """A list's totals per currency (never added together), for the invoices its filters keep. One query."""
    rows = (
        invoices.order_by().values("currency")
        .annotate(
            all=Sum("total", filter=~Q(status=InvoiceStatus.CANCELLED)),
            open=Sum("total", filter=Q(status__in=OPEN_STATUSES)),
        )
        .order_by("currency")
    )
    return [
        ListTotal(row["currency"], row["all"], row["open"] or Decimal(0)) for row in rows if row["all"] is not None
    ]


@dataclass(frozen=True)
class CurrencyFigures:
    open_total: Decimal  # issued and not paid, overdue included
    overdue_total: Decimal


@dataclass(frozen=True)
class DashboardFigures:
    by_currency: dict[str, CurrencyFigures]  # currencies with an open invoice
    open_count: int
    overdue_count: int
    today: date

    @property
    def has_data(self) -> bool:
        return bool(self.open_count)


def dashboard_figures(*, user) -> DashboardFigures:
    """Open invoices and the overdue among them, per currency, as of today in the company's time
    zone. One aggregate query whatever the number of invoices."""
    today = timezone.localdate()
    overdue = Q(due_date__lt=today)
    rows = (
        Invoice.objects.filter(status__in=OPEN_STATUSES).values("currency")
        .annotate(
            open_total=Sum("total"), overdue_total=Sum("total", filter=overdue),
            open_count=Count("id"), overdue_count=Count("id", filter=overdue),
        )
        .order_by("currency")
    )
    by_currency = {
        row["currency"]: CurrencyFigures(row["open_total"], row["overdue_total"] or Decimal(0)) for row in rows
    }
    return DashboardFigures(
        by_currency=by_currency,
        open_count=sum(row["open_count"] for row in rows),
        overdue_count=sum(row["overdue_count"] for row in rows),
        today=today,
    )

"""The analytics dashboard's figures (`GET /api/v1/analytics/dashboard/` and the /analytics/ page):
sales, leads and receivables of a period, every figure an SQL aggregate.

Periods, in the company's time zone: `7d`, `30d`, `90d` are the last 7, 30, 90 days, today
included; `year` is the year to date (1 January to today); `custom` is `start`..`end`, both
included. The previous period, for `change_percent`, is the same number of days ending the day
before the period starts.

- Sales: the totals of issued, overdue and paid invoices (not drafts, not cancelled) by issue
  date. One currency: only invoices in the company's main currency are added; the others are
  listed apart, per currency (`other_currencies`), never converted. `change_percent` is null when
  the previous period sold nothing (no percentage of zero). The chart has every day of the period
  (zero-filled) up to 31 days, every week (from Monday, the first cut to the period) up to 180
  days, else every month.
- Leads: created in the period (their creation instant's local day), `new_today` created today,
  `conversion_rate` the percentage of the period's leads that are converted now.
- Receivable: what is left to receive now on open receivables in the main currency, and the part
  past its due date; a picture of today whatever the period.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.exceptions import DomainError
from modules.core.filters import FILTER_YEARS
from modules.crm.models import LeadStatus
from modules.finance.models import OPEN_STATUSES as OPEN_ACCOUNT_STATUSES
from modules.finance.models import AccountType
from modules.invoicing.models import InvoiceStatus
from modules.tenancy.selectors import tenant_currency

PERIODS = ("7d", "30d", "90d", "year", "custom")
PERIOD_DAYS = {"7d": 7, "30d": 30, "90d": 90}
# Invoices that were sold: issued (overdue is issued past its due date) or paid.
SOLD_STATUSES = [str(InvoiceStatus.ISSUED), str(InvoiceStatus.OVERDUE), str(InvoiceStatus.PAID)]
# The longest custom range (a chart by month of it stays readable).
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> "Period":
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @property
    def granularity(self) -> str:
        """The chart's step: a day, a week or a month, as the range grows."""
        if self.days <= 31:
            return "day"
        return "week" if self.days <= 180 else "month"


def period_resolve(*, period: str, start: date | None = None, end: date | None = None,
                   today: date | None = None) -> Period:
    """The days a period names; raises DomainError naming the parameter at fault."""
    today = today or timezone.localdate()
    if period in PERIOD_DAYS:
        return Period(today - timedelta(days=PERIOD_DAYS[period] - 1), today)
    if period == "year":
        return Period(date(today.year, 1, 1), today)
    if period != "custom":
        raise DomainError(_("Choose 7d, 30d, 90d, year or custom."), field="period")
    return custom_period_check(start=start, end=end)


def custom_period_check(*, start: date | None, end: date | None) -> Period:
    for field, day in (("start_date", start), ("end_date", end)):
        if day is None:
            raise DomainError(_("A custom period needs a start date and an end date."), field=field)
        first, last = FILTER_YEARS
        if not first <= day.year <= last:
            raise DomainError(
                _("Enter a date between the years %(first)d and %(last)d.") % {"first": first, "last": last},
                field=field,
            )
    if end < start:
        raise DomainError(_("The end date must be on or after the start date."), field="end_date")
    if (end - start).days + 1 > MAX_DAYS:
        raise DomainError(_("A period covers at most 3 years: shorten it."), field="end_date")
    return Period(start, end)


@dataclass(frozen=True)
class Dashboard:
    currency: str
    period: Period
    sales_total: Decimal
    previous_total: Decimal
    other_currencies: list[tuple[str, Decimal]]
    chart: list[tuple[date, Decimal]]
    granularity: str
    leads_total: int
    leads_new_today: int
    leads_converted: int
    receivable_total: Decimal
    receivable_overdue: Decimal

    @property
    def change_percent(self) -> float | None:
        if not self.previous_total:
            return None
        return round(float((self.sales_total - self.previous_total) * 100 / self.previous_total), 1)

    @property
    def conversion_rate(self) -> float:
        return round(self.leads_converted * 100 / self.leads_total, 1) if self.leads_total else 0.0


SALES = """
    SELECT currency,
           COALESCE(SUM(total) FILTER (WHERE issue_date BETWEEN %(start)s AND %(end)s), 0),
           COALESCE(SUM(total) FILTER (WHERE issue_date < %(start)s), 0)
    FROM invoicing_invoice
    WHERE status = ANY(%(sold)s) AND issue_date BETWEEN %(previous)s AND %(end)s
    GROUP BY currency
"""

# Every step of the period, zero-filled; a week or month that began before the period is labelled
# with the period's first day.
CHART = """
    SELECT GREATEST(steps.starts::date, %(start)s), COALESCE(sold.total, 0)
    FROM generate_series(date_trunc(%(unit)s, %(start)s::timestamp), %(end)s::timestamp, %(step)s::interval)
         AS steps(starts)
    LEFT JOIN (
        SELECT date_trunc(%(unit)s, issue_date::timestamp) AS starts, SUM(total) AS total
        FROM invoicing_invoice
        WHERE status = ANY(%(sold)s) AND currency = %(currency)s AND issue_date BETWEEN %(start)s AND %(end)s
        GROUP BY 1
    ) sold ON sold.starts = steps.starts
    ORDER BY steps.starts
"""

# A lead's day is its creation instant's date in the company's time zone; `new_today` counts
# today's leads whether or not the period holds today.
LEADS = """
    WITH days AS (
        SELECT (created_at AT TIME ZONE %(zone)s)::date AS day, status FROM crm_lead
        WHERE created_at >= (LEAST(%(start)s, %(today)s)::timestamp AT TIME ZONE %(zone)s)
          AND created_at < ((GREATEST(%(end)s, %(today)s) + 1)::timestamp AT TIME ZONE %(zone)s)
    )
    SELECT COUNT(*) FILTER (WHERE day BETWEEN %(start)s AND %(end)s),
           COUNT(*) FILTER (WHERE day = %(today)s),
           COUNT(*) FILTER (WHERE day BETWEEN %(start)s AND %(end)s AND status = %(converted)s)
    FROM days
"""

RECEIVABLE = """
    SELECT COALESCE(SUM(amount - paid_amount), 0),
           COALESCE(SUM(amount - paid_amount) FILTER (WHERE due_date < %(today)s), 0)
    FROM finance_account
    WHERE type = %(receivable)s AND status = ANY(%(open)s) AND currency = %(currency)s
"""


def dashboard(*, period: Period) -> Dashboard:
    currency = tenant_currency(connection.tenant)
    today = timezone.localdate()
    params = {
        "start": period.start, "end": period.end, "previous": period.previous.start, "sold": SOLD_STATUSES,
        "currency": currency, "unit": period.granularity, "step": f"1 {period.granularity}",
        "zone": timezone.get_current_timezone_name(), "today": today, "converted": str(LeadStatus.CONVERTED),
        "receivable": str(AccountType.RECEIVABLE), "open": [str(status) for status in OPEN_ACCOUNT_STATUSES],
    }
    with connection.cursor() as cursor:
        cursor.execute(SALES, params)
        sales = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
        cursor.execute(CHART, params)
        chart = cursor.fetchall()
        cursor.execute(LEADS, params)
        leads_total, new_today, converted = cursor.fetchone()
        cursor.execute(RECEIVABLE, params)
        receivable_total, overdue = cursor.fetchone()
    current, previous = sales.pop(currency, (Decimal(0), Decimal(0)))
    return Dashboard(
        currency=currency, period=period, sales_total=current, previous_total=previous,
        other_currencies=sorted((code, totals[0]) for code, totals in sales.items() if totals[0]),
        chart=chart, granularity=period.granularity, leads_total=leads_total, leads_new_today=new_today,
        leads_converted=converted, receivable_total=receivable_total, receivable_overdue=overdue,
    )

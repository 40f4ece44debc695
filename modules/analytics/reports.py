"""What each report holds: its columns and its rows, read in SQL (finance's cash flow through its
own selector). The files are written by files.py; services.py keeps the Report records.

Money in a report is in the company's main currency only: records in other currencies are left
out, never converted (the dashboard's rule). Reports over a range take records of the range
(an invoice's issue date, a lead's or deal's creation day in the company's time zone, a time
entry's date); `receivables_aging` and `stock_valuation` are pictures of the moment the report
runs, whatever the range.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modules.crm.models import LeadStatus, Source, Stage
from modules.finance import cashflow
from modules.finance.models import OPEN_STATUSES as OPEN_ACCOUNT_STATUSES
from modules.finance.models import AccountType
from modules.invoicing.models import InvoiceStatus
from modules.tenancy.selectors import tenant_currency

from .dashboard import SOLD_STATUSES, Period


class Kind:
    TEXT = "text"
    MONEY = "money"  # in the report's currency
    INTEGER = "integer"
    NUMBER = "number"  # a quantity or hours
    PERCENT = "percent"  # 23.5 for 23.5 %
    DATE = "date"


@dataclass(frozen=True)
class Column:
    label: Promise
    kind: str


@dataclass(frozen=True)
class ReportType:
    key: str
    title: Promise
    columns: tuple[Column, ...]
    rows: Callable[[dict], list[tuple]]  # params → rows, in the columns' order
    size: Callable[[dict], int]  # params → how many rows, cheaply
    chart: tuple[int, int]  # the columns the PDF's bar chart draws: label, value
    snapshot: bool = False  # the moment it runs, not the range


def _params(period: Period) -> dict:
    return {
        "start": period.start, "end": period.end, "currency": tenant_currency(connection.tenant),
        "zone": timezone.get_current_timezone_name(), "today": timezone.localdate(), "sold": SOLD_STATUSES,
        "receivable": str(AccountType.RECEIVABLE), "open": [str(status) for status in OPEN_ACCOUNT_STATUSES],
        "converted": str(LeadStatus.CONVERTED), "paid": str(InvoiceStatus.PAID),
        "stages": [str(stage) for stage in Stage.values],
    }


def _sql_rows(sql: str) -> Callable[[dict], list[tuple]]:
    def rows(params: dict) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    return rows


def _sql_size(sql: str) -> Callable[[dict], int]:
    def size(params: dict) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS report", params)  # noqa: S608 -- one of our constants
            return cursor.fetchone()[0]
    return size


def _choice_labels(sql: str, column: int, choices) -> Callable[[dict], list[tuple]]:
    """Rows whose `column` holds a choice's value, written as its label in the reader's language."""
    read = _sql_rows(sql)

    def rows(params: dict) -> list[tuple]:
        labels = dict(choices.choices)
        return [(*row[:column], str(labels.get(row[column], row[column])), *row[column + 1:]) for row in read(params)]
    return rows


SALES_BY_PRODUCT = """
    SELECT product.sku, product.name, SUM(item.quantity), SUM(item.total), COUNT(DISTINCT item.invoice_id)
    FROM invoicing_invoiceitem item
    JOIN invoicing_invoice invoice ON invoice.id = item.invoice_id
    JOIN inventory_product product ON product.id = item.product_id
    WHERE invoice.status = ANY(%(sold)s) AND invoice.currency = %(currency)s
      AND invoice.issue_date BETWEEN %(start)s AND %(end)s
    GROUP BY product.id, product.sku, product.name
    ORDER BY SUM(item.total) DESC, product.sku
"""

SALES_BY_CUSTOMER = """
    SELECT customer.name, customer.email, COUNT(*), SUM(invoice.total),
           COALESCE(SUM(invoice.total) FILTER (WHERE invoice.status = %(paid)s), 0), MAX(invoice.issue_date)
    FROM invoicing_invoice invoice
    JOIN crm_contact customer ON customer.id = invoice.customer_id
    WHERE invoice.status = ANY(%(sold)s) AND invoice.currency = %(currency)s
      AND invoice.issue_date BETWEEN %(start)s AND %(end)s
    GROUP BY customer.id, customer.name, customer.email
    ORDER BY SUM(invoice.total) DESC, customer.name, customer.id
"""

# What is left to receive on each customer's open receivables, by days past the due date today.
RECEIVABLES_AGING = """
    SELECT COALESCE(customer.name, '') AS customer,
           COALESCE(SUM(left_over) FILTER (WHERE late <= 0), 0),
           COALESCE(SUM(left_over) FILTER (WHERE late BETWEEN 1 AND 30), 0),
           COALESCE(SUM(left_over) FILTER (WHERE late BETWEEN 31 AND 60), 0),
           COALESCE(SUM(left_over) FILTER (WHERE late BETWEEN 61 AND 90), 0),
           COALESCE(SUM(left_over) FILTER (WHERE late > 90), 0),
           SUM(left_over)
    FROM (
        SELECT customer_id, amount - paid_amount AS left_over, %(today)s - due_date AS late
        FROM finance_account
        WHERE type = %(receivable)s AND status = ANY(%(open)s) AND currency = %(currency)s
    ) account
    LEFT JOIN crm_contact customer ON customer.id = account.customer_id
    GROUP BY customer.id, customer.name
    ORDER BY SUM(left_over) DESC, customer.name
"""

LEADS_BY_SOURCE = """
    SELECT source, COUNT(*), COUNT(*) FILTER (WHERE status = %(converted)s),
           ROUND(COUNT(*) FILTER (WHERE status = %(converted)s) * 100.0 / COUNT(*), 1)
    FROM crm_lead
    WHERE created_at >= (%(start)s::timestamp AT TIME ZONE %(zone)s)
      AND created_at < ((%(end)s::date + 1)::timestamp AT TIME ZONE %(zone)s)
    GROUP BY source
    ORDER BY COUNT(*) DESC, source
"""

# Deals created in the range, by the stage they are in now; the weighted value counts each deal's
# value at its probability.
PIPELINE = """
    SELECT stage, COUNT(*), SUM(value), ROUND(SUM(value * probability / 100.0), 2)
    FROM crm_deal
    WHERE currency = %(currency)s
      AND created_at >= (%(start)s::timestamp AT TIME ZONE %(zone)s)
      AND created_at < ((%(end)s::date + 1)::timestamp AT TIME ZONE %(zone)s)
    GROUP BY stage
    ORDER BY array_position(%(stages)s::text[], stage::text)
"""

TIME_BY_PROJECT = """
    SELECT project.name, SUM(entry.hours), COUNT(*), COUNT(DISTINCT entry.user_id)
    FROM projects_timeentry entry
    JOIN projects_task task ON task.id = entry.task_id
    JOIN projects_project project ON project.id = task.project_id
    WHERE entry.date BETWEEN %(start)s AND %(end)s
    GROUP BY project.id, project.name
    ORDER BY SUM(entry.hours) DESC, project.name
"""

STOCK_VALUATION = """
    SELECT sku, name, stock, average_cost, ROUND(stock * average_cost, 2)
    FROM inventory_product
    WHERE is_active
    ORDER BY ROUND(stock * average_cost, 2) DESC, sku
"""


def _cash_flow_rows(params: dict) -> list[tuple]:
    period = Period(params["start"], params["end"])
    flow = cashflow.cash_flow(
        start=period.start, end=period.end, granularity=period.granularity, currency=params["currency"]
    )
    return [(row.date, row.inflow, row.outflow, row.balance) for row in flow.data]


def _cash_flow_size(params: dict) -> int:
    period = Period(params["start"], params["end"])
    return {"day": period.days, "week": period.days // 7 + 2, "month": period.days // 28 + 2}[period.granularity]


def _sql_report(key, title, columns, sql, chart, *, choices=None, snapshot=False) -> ReportType:
    rows = _choice_labels(sql, 0, choices) if choices else _sql_rows(sql)
    return ReportType(key, title, columns, rows, _sql_size(sql), chart, snapshot)


MONEY_IN = _("Revenue")
REPORT_TYPES: dict[str, ReportType] = {report.key: report for report in (
    _sql_report("sales_by_product", _("Sales by product"), (
        Column(_("SKU"), Kind.TEXT), Column(_("Product"), Kind.TEXT), Column(_("Quantity sold"), Kind.NUMBER),
        Column(MONEY_IN, Kind.MONEY), Column(_("Invoices"), Kind.INTEGER),
    ), SALES_BY_PRODUCT, (1, 3)),
    _sql_report("sales_by_customer", _("Sales by customer"), (
        Column(_("Customer"), Kind.TEXT), Column(_("Email"), Kind.TEXT), Column(_("Invoices"), Kind.INTEGER),
        Column(_("Invoiced"), Kind.MONEY), Column(_("Paid"), Kind.MONEY), Column(_("Last invoice"), Kind.DATE),
    ), SALES_BY_CUSTOMER, (0, 3)),
    _sql_report("receivables_aging", _("Receivables aging"), (
        Column(_("Customer"), Kind.TEXT), Column(_("Not yet due"), Kind.MONEY), Column(_("1–30 days late"), Kind.MONEY),
        Column(_("31–60 days late"), Kind.MONEY), Column(_("61–90 days late"), Kind.MONEY),
        Column(_("Over 90 days late"), Kind.MONEY), Column(_("Total"), Kind.MONEY),
    ), RECEIVABLES_AGING, (0, 6), snapshot=True),
    ReportType("cash_flow", pgettext_lazy("cash flow", "Cash flow"), (
        Column(pgettext_lazy("report", "Period from"), Kind.DATE),
        Column(pgettext_lazy("cash flow", "Money in"), Kind.MONEY),
        Column(pgettext_lazy("cash flow", "Money out"), Kind.MONEY),
        Column(pgettext_lazy("cash flow", "Balance"), Kind.MONEY),
    ), _cash_flow_rows, _cash_flow_size, (0, 1)),
    _sql_report("leads_by_source", _("Leads by source"), (
        Column(_("Source"), Kind.TEXT), Column(_("Leads"), Kind.INTEGER), Column(_("Converted"), Kind.INTEGER),
        Column(_("Conversion rate (%)"), Kind.PERCENT),
    ), LEADS_BY_SOURCE, (0, 1), choices=Source),
    _sql_report("pipeline", _("Pipeline by stage"), (
        Column(_("Stage"), Kind.TEXT), Column(_("Deals"), Kind.INTEGER), Column(_("Value"), Kind.MONEY),
        Column(_("Weighted value"), Kind.MONEY),
    ), PIPELINE, (0, 2), choices=Stage),
    _sql_report("time_by_project", _("Time by project"), (
        Column(_("Project"), Kind.TEXT), Column(_("Hours"), Kind.NUMBER), Column(_("Time entries"), Kind.INTEGER),
        Column(_("People"), Kind.INTEGER),
    ), TIME_BY_PROJECT, (0, 1)),
    _sql_report("stock_valuation", _("Stock valuation"), (
        Column(_("SKU"), Kind.TEXT), Column(_("Product"), Kind.TEXT), Column(_("Stock"), Kind.NUMBER),
        Column(_("Average cost"), Kind.MONEY), Column(_("Value"), Kind.MONEY),
    ), STOCK_VALUATION, (1, 4), snapshot=True),
)}


def report_rows(key: str, period: Period) -> list[tuple]:
    return REPORT_TYPES[key].rows(_params(period))


def report_size(key: str, period: Period) -> int:
    return REPORT_TYPES[key].size(_params(period))

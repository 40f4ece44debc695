"""The cash flow: the money that moved through the bank accounts (realised, from their statement
lines) and the money expected to move (projected, from open payables and receivables), by day,
by week (periods start on Monday) or by month (on the 1st). The API's `GET /finance/cash-flow/`
and the cash-flow page both read it here.

One currency an answer: only the bank accounts and the accounts in that currency count, since
amounts of two currencies are never added. Left unsaid, it is a bank account's own (when the
flow is of one bank account) or the company's main currency.

Realised (`data`): every period of the range, zero-filled, with its credits (inflow), debits
(outflow) and the balance at its end: the bank accounts' opening balances plus every line up to
then, lines before the range included, so the first period starts from the right figure. The
first and last periods are cut to the range (a week that began before `start` counts from it).

Projected (`projection`), from today in the company's time zone up to `end`: what is left to
pay or receive on every open account (`amount - paid_amount`, pending or overdue), receivables
as expected inflow and payables as expected outflow, in the period it is expected in, starting
from today's realised balance. The expected day is:

- a payable's due date, and a receivable's when its customer has no paid receivable yet;
- for a customer with paid receivables, its due date shifted by the customer's typical delay:
  the median of (day paid, in the company's time zone, minus due date) over its paid
  receivables, in whole days (a customer who always pays 10 days late is expected 10 days
  after the due date; one who pays early, before it);
- and never before today: what is overdue is expected today.

Accounts are not tied to a bank account, so the projection of one bank account adds every
open account of its currency to that account's balance.

Other modules add what they expect (invoicing: the subscriptions' next invoices) with
`expected_flows_register`, from their AppConfig.ready(): their rows join the open accounts' in
the same query.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from modules.core.exceptions import DomainError
from modules.core.filters import FILTER_YEARS
from modules.tenancy.selectors import tenant_currency

from .models import OPEN_STATUSES, AccountStatus, AccountType, BankAccount, TransactionType


class Granularity(TextChoices):
    DAY = "day", pgettext_lazy("cash flow", "Day")
    WEEK = "week", pgettext_lazy("cash flow", "Week")
    MONTH = "month", pgettext_lazy("cash flow", "Month")


# The longest range each granularity answers (in years): about 1,100 days, 520 weeks, 360 months.
MAX_YEARS = {Granularity.DAY: 3, Granularity.WEEK: 10, Granularity.MONTH: 30}


def _too_long_message(granularity: str) -> str:
    years = MAX_YEARS[granularity]
    return {
        Granularity.DAY: _("A cash flow by day covers at most %(years)d years: shorten the range, or show it by week"
                           " or by month."),
        Granularity.WEEK: _("A cash flow by week covers at most %(years)d years: shorten the range, or show it by"
                            " month."),
        Granularity.MONTH: _("A cash flow by month covers at most %(years)d years: shorten the range."),
    }[granularity] % {"years": years}


class Realised(NamedTuple):
    date: date  # the period's first day
    inflow: Decimal
    outflow: Decimal
    balance: Decimal  # at the period's end (or the range's, if sooner)


class Projected(NamedTuple):
    date: date
    expected_inflow: Decimal
    expected_outflow: Decimal
    projected_balance: Decimal


@dataclass(frozen=True)
class CashFlow:
    currency: str
    granularity: str
    today: date
    data: list[Realised]
    projection: list[Projected]  # empty unless asked for, and when the range ended before today


# --- What other modules expect ---------------------------------------------------------------------

# SQL selecting rows (direction 'in' or 'out', amount, expected_on) of money expected to move in
# the currency %(currency)s; they may also use %(zone)s (the company's time zone), %(today)s and
# %(end)s (the projection's last day: where a source that repeats stops).
# The projection takes a day before today as today and leaves out what comes after its end.
_expected_flows: dict[str, str] = {}


def expected_flows_register(name: str, sql: str) -> None:
    """Add a source of expected money to every projection (once per `name`)."""
    _expected_flows[name] = sql


# Open payables and receivables; receivables shifted by their customer's median delay.
OPEN_ACCOUNTS = """
    SELECT CASE account.type WHEN %(receivable)s THEN 'in' ELSE 'out' END AS direction,
           account.amount - account.paid_amount AS amount,
           account.due_date + COALESCE(lateness.days, 0) AS expected_on
    FROM finance_account account
    LEFT JOIN (
        SELECT customer_id,
               round(percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY (paid_at AT TIME ZONE %(zone)s)::date - due_date
               )::numeric)::integer AS days
        FROM finance_account
        WHERE type = %(receivable)s AND status = %(paid)s AND customer_id IS NOT NULL AND paid_at IS NOT NULL
        GROUP BY customer_id
    ) lateness ON account.type = %(receivable)s AND lateness.customer_id = account.customer_id
    WHERE account.status = ANY(%(open)s) AND account.currency = %(currency)s
"""
expected_flows_register("finance.accounts", OPEN_ACCOUNTS)


# --- Checking a request ----------------------------------------------------------------------------


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def cash_flow_check(*, start: date, end: date, granularity: str) -> None:
    """The range a cash flow answers for: within the years dates are taken in, in order, and no
    longer than its granularity allows. Raises DomainError naming the parameter at fault."""
    if granularity not in Granularity.values:
        raise DomainError(_("Choose day, week or month."), field="granularity")
    first, last = FILTER_YEARS
    for field, day in (("start_date", start), ("end_date", end)):
        if not first <= day.year <= last:
            raise DomainError(
                _("Enter a date between the years %(first)d and %(last)d.") % {"first": first, "last": last},
                field=field,
            )
    if end < start:
        raise DomainError(_("The end date must be on or after the start date."), field="end_date")
    if end > _years_after(start, MAX_YEARS[granularity]):
        raise DomainError(_too_long_message(granularity), field="end_date")


def cash_flow_currency(*, currency: str | None, bank_account: BankAccount | None) -> str:
    """The currency asked for; else the bank account's, or the company's main currency. A bank
    account is shown in its own currency only."""
    if bank_account is not None and currency not in (None, bank_account.currency):
        raise DomainError(
            _("This bank account holds %(currency)s: leave the currency out, or choose %(currency)s.")
            % {"currency": bank_account.currency},
            field="currency",
        )
    if currency:
        return currency
    return bank_account.currency if bank_account is not None else tenant_currency(connection.tenant)


# --- The figures -----------------------------------------------------------------------------------

# The bank accounts whose money counts, and their balance before a day (%(before)s).
_BANKS = """
    banks AS (
        SELECT id, opening_balance FROM finance_bankaccount WHERE currency = %(currency)s {bank_filter}
    ),
    opening AS (
        SELECT (SELECT COALESCE(SUM(opening_balance), 0) FROM banks)
             + COALESCE(SUM(CASE line.type WHEN %(credit)s THEN line.amount ELSE -line.amount END), 0) AS balance
        FROM finance_transaction line
        WHERE line.bank_account_id IN (SELECT id FROM banks) AND line.date < %(before)s
    )
"""

# Every period of the range, the money of each and the running balance from `opening`.
_PERIODS = """
    SELECT periods.starts::date,
           COALESCE(moved.inflow, 0),
           COALESCE(moved.outflow, 0),
           opening.balance {carried}
             + SUM(COALESCE(moved.inflow, 0) - COALESCE(moved.outflow, 0)) OVER (ORDER BY periods.starts)
    FROM generate_series(
        date_trunc(%(unit)s, %(from)s::timestamp), %(end)s::timestamp, %(step)s::interval
    ) AS periods(starts)
    LEFT JOIN moved ON moved.period = periods.starts::date
    CROSS JOIN opening {carried_join}
    ORDER BY periods.starts
"""

REALISED = """
    WITH {banks},
    moved AS (
        SELECT date_trunc(%(unit)s, line.date::timestamp)::date AS period,
               SUM(line.amount) FILTER (WHERE line.type = %(credit)s) AS inflow,
               SUM(line.amount) FILTER (WHERE line.type = %(debit)s) AS outflow
        FROM finance_transaction line
        WHERE line.bank_account_id IN (SELECT id FROM banks) AND line.date BETWEEN %(from)s AND %(end)s
        GROUP BY 1
    )
    {periods}
"""

# From today's balance (`opening`, before tomorrow); what is expected between today and a range
# that starts later is carried into its first period.
PROJECTED = """
    WITH {banks},
    expected AS (
        SELECT flows.direction, flows.amount, GREATEST(flows.expected_on, %(today)s) AS expected_on
        FROM ({flows}) AS flows
    ),
    carried AS (
        SELECT COALESCE(SUM(CASE direction WHEN 'in' THEN amount ELSE -amount END), 0) AS amount
        FROM expected WHERE expected_on < %(from)s
    ),
    moved AS (
        SELECT date_trunc(%(unit)s, expected_on::timestamp)::date AS period,
               SUM(amount) FILTER (WHERE direction = 'in') AS inflow,
               SUM(amount) FILTER (WHERE direction = 'out') AS outflow
        FROM expected
        WHERE expected_on BETWEEN %(from)s AND %(end)s
        GROUP BY 1
    )
    {periods}
"""


def cash_flow(
    *, start: date, end: date, granularity: str = Granularity.DAY, currency: str | None = None,
    bank_account: BankAccount | None = None, projection: bool = False,
) -> CashFlow:
    """The cash flow from `start` to `end` (both included); see the module's docstring.
    Raises DomainError for a range cash_flow_check refuses or a currency the bank account lacks."""
    cash_flow_check(start=start, end=end, granularity=granularity)
    currency = cash_flow_currency(currency=currency, bank_account=bank_account)
    today = timezone.localdate()
    params = {
        "currency": currency, "bank": bank_account.pk if bank_account else None, "unit": str(granularity),
        "step": f"1 {granularity}", "end": end, "credit": TransactionType.CREDIT, "debit": TransactionType.DEBIT,
    }
    banks = _BANKS.format(bank_filter="AND id = %(bank)s" if bank_account else "")
    data = _periods(
        REALISED.format(banks=banks, periods=_PERIODS.format(carried="", carried_join="")),
        {**params, "before": start, "from": start}, Realised,
    )
    projected = []
    if projection and today <= end:
        flows = " UNION ALL ".join(f"({sql})" for sql in _expected_flows.values())
        periods = _PERIODS.format(carried="+ carried.amount", carried_join="CROSS JOIN carried")
        projected = _periods(
            PROJECTED.format(banks=banks, flows=flows, periods=periods),
            {
                **params, "before": date.fromordinal(today.toordinal() + 1), "from": max(today, start),
                "today": today, "zone": timezone.get_current_timezone_name(), "receivable": AccountType.RECEIVABLE,
                "paid": AccountStatus.PAID, "open": [str(status) for status in OPEN_STATUSES],
            },
            Projected,
        )
    return CashFlow(currency=currency, granularity=granularity, today=today, data=data, projection=projected)


def _periods(sql: str, params: dict, row: type[NamedTuple]) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row(*values) for values in cursor.fetchall()]

"""Finance's cash-flow projection counts the charges subscriptions will bill: each at its
invoice's due date (7 days after the billing date), up to the projection's end, none of a paused
one or after a cancel; what was billed already counts once, as its receivable."""

from datetime import date
from decimal import Decimal

from modules.finance.cashflow import cash_flow
from modules.invoicing import subscriptions

from .test_subscriptions_api import stored, subscribe
from .test_subscriptions_billing import at, bill


def projected_inflows(invoicing, start: date, end: date) -> list[tuple[date, Decimal]]:
    flow = invoicing.run(lambda: cash_flow(start=start, end=end, granularity="month", currency="USD", projection=True))
    return [(period.date, period.expected_inflow) for period in flow.projection]


def test_the_projection_counts_each_charge_to_come_once(invoicing_a, clock):
    clock(at(date(2026, 1, 15)))
    subscribe(invoicing_a, started_at=date(2026, 1, 15), billing_day=1, amount=Decimal("79.00"))
    quarterly = subscribe(invoicing_a, started_at=date(2026, 1, 1), billing_day=1, billing_cycle="quarterly",
                          amount=Decimal("300.00"))
    ending = subscribe(invoicing_a, started_at=date(2026, 1, 15), billing_day=10, amount=Decimal("20.00"))
    paused = subscribe(invoicing_a, started_at=date(2026, 1, 15), billing_day=1, amount=Decimal("1000.00"))
    invoicing_a.run(lambda: subscriptions.subscription_pause(actor=None, subscription=stored(invoicing_a, paused)))
    bill(invoicing_a)  # the quarterly one's January is billed: its receivable, due Jan 8, is past and counted today
    invoicing_a.run(lambda: subscriptions.subscription_cancel(
        actor=None, subscription=stored(invoicing_a, ending), cancel_at="end_of_period"
    ))

    assert projected_inflows(invoicing_a, date(2026, 1, 1), date(2026, 5, 31)) == [
        (date(2026, 1, 1), Decimal("300.00")),
        (date(2026, 2, 1), Decimal("79.00")),  # the 20.00 one ends on Feb 10, before its first charge
        (date(2026, 3, 1), Decimal("79.00")),
        (date(2026, 4, 1), Decimal("379.00")),
        (date(2026, 5, 1), Decimal("79.00")),
    ]
    assert stored(invoicing_a, quarterly).next_billing_date == date(2026, 4, 1)

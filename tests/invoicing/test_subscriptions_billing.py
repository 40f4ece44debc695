"""The billing run: every period begun by today (the company's) is one issued invoice, dated the
period's start and due 7 days later, with its receivable; missed periods are caught up one by one;
billing days and cycles keep their day; a trial, a pause or a cancel bills nothing; a rerun, or
two runs at once on their own connections, bill no period twice."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.core.models import Sequence
from modules.crm.models import Contact
from modules.events.models import AuditEntry, Event
from modules.finance.models import Account
from modules.invoicing import subscriptions
from modules.invoicing.models import Invoice, InvoiceItem, Subscription, SubscriptionPeriod
from modules.tenancy.scope import tenant_scope
from tests.conftest import on_own_connection

from .test_subscriptions_api import stored, subscribe


def at(day: date) -> datetime:
    """Mid-day in UTC: that date in every zone a team may be in."""
    return datetime(day.year, day.month, day.day, 15, tzinfo=UTC)


def bill(invoicing) -> int:
    return invoicing.run(subscriptions.subscriptions_bill)


def billed(invoicing, subscription) -> list[tuple]:
    """(period start, period end, invoice issue date, due date, status, total, item, receivable amount)."""
    def read():
        return [
            (period.period_start, period.period_end, period.invoice.issue_date, period.invoice.due_date,
             period.invoice.status, period.invoice.total, period.invoice.items.get().description,
             period.invoice.receivable.amount)
            for period in SubscriptionPeriod.objects.filter(subscription=subscription)
            .select_related("invoice__receivable").order_by("period_start")
        ]
    return invoicing.query(read)


def test_it_bills_each_begun_period_as_an_issued_invoice_catching_up_and_a_rerun_bills_none(invoicing_a, clock):
    subscription = subscribe(invoicing_a, started_at=date(2026, 1, 1), billing_day=1, amount=Decimal("79.00"))
    clock(at(date(2026, 3, 15)))

    assert bill(invoicing_a) == 3
    assert bill(invoicing_a) == 0

    def row(start, end, due):
        return (start, end, start, due, "issued", Decimal("79.00"), f"Professional — {start} – {end}",
                Decimal("79.00"))

    assert billed(invoicing_a, subscription) == [
        row(date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 8)),
        row(date(2026, 2, 1), date(2026, 2, 28), date(2026, 2, 8)),
        row(date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 8)),
    ]
    assert stored(invoicing_a, subscription).next_billing_date == date(2026, 4, 1)
    assert [event.payload["period_start"] for event in invoicing_a.events("subscription.billed")] == [
        "2026-01-01", "2026-02-01", "2026-03-01",
    ]


@pytest.mark.parametrize(("cycle", "started_at", "billing_day", "today", "periods", "next_billing_date"), [
    # Started Jan 31, billed on the 28th: Feb 28, then the 28th of every month.
    ("monthly", date(2026, 1, 31), 28, date(2026, 4, 1), [
        (date(2026, 2, 28), date(2026, 3, 27)), (date(2026, 3, 28), date(2026, 4, 27)),
    ], date(2026, 4, 28)),
    ("quarterly", date(2026, 1, 31), 28, date(2026, 6, 1), [
        (date(2026, 2, 28), date(2026, 5, 27)), (date(2026, 5, 28), date(2026, 8, 27)),
    ], date(2026, 8, 28)),
    ("quarterly", date(2025, 11, 15), 15, date(2026, 2, 15), [
        (date(2025, 11, 15), date(2026, 2, 14)), (date(2026, 2, 15), date(2026, 5, 14)),
    ], date(2026, 5, 15)),
    ("yearly", date(2025, 3, 10), 10, date(2026, 4, 1), [
        (date(2025, 3, 10), date(2026, 3, 9)), (date(2026, 3, 10), date(2027, 3, 9)),
    ], date(2027, 3, 10)),
])
def test_cycles_keep_their_billing_day(
    invoicing_a, clock, cycle, started_at, billing_day, today, periods, next_billing_date
):
    subscription = subscribe(invoicing_a, billing_cycle=cycle, started_at=started_at, billing_day=billing_day)
    clock(at(today))

    bill(invoicing_a)

    assert [(start, end) for start, end, *_ in billed(invoicing_a, subscription)] == periods
    assert stored(invoicing_a, subscription).next_billing_date == next_billing_date


def test_a_trial_is_not_billed(invoicing_a, clock):
    clock(at(date(2026, 1, 31)))
    subscription = subscribe(invoicing_a, trial_days=14, billing_day=1)
    clock(at(date(2026, 2, 28)))

    assert bill(invoicing_a) == 0

    clock(at(date(2026, 3, 1)))
    assert bill(invoicing_a) == 1
    assert billed(invoicing_a, subscription)[0][:2] == (date(2026, 3, 1), date(2026, 3, 31))


def test_cancelled_at_the_end_of_the_period_it_stops_on_its_next_billing_date_unbilled(invoicing_a, clock):
    subscription = subscribe(invoicing_a, started_at=date(2026, 1, 1), billing_day=1)
    clock(at(date(2026, 1, 10)))
    bill(invoicing_a)
    invoicing_a.run(lambda: subscriptions.subscription_cancel(
        actor=None, subscription=stored(invoicing_a, subscription), cancel_at="end_of_period"
    ))
    clock(at(date(2026, 1, 31)))
    assert bill(invoicing_a) == 0
    assert stored(invoicing_a, subscription).status == "past_due"  # January is unpaid: not cancelled yet

    clock(at(date(2026, 3, 5)))
    assert bill(invoicing_a) == 0

    assert [start for start, *_ in billed(invoicing_a, subscription)] == [date(2026, 1, 1)]
    assert (stored(invoicing_a, subscription).status, stored(invoicing_a, subscription).cancel_at) == (
        "cancelled", date(2026, 2, 1)
    )
    assert invoicing_a.events("subscription.cancelled")[-1].changes["status"] == {"old": "past_due", "new": "cancelled"}


def test_cancelled_or_paused_subscriptions_are_not_billed_and_a_resume_skips_the_paused_periods(invoicing_a, clock):
    cancelled = subscribe(invoicing_a, started_at=date(2026, 1, 1))
    paused = subscribe(invoicing_a, started_at=date(2026, 1, 1))
    invoicing_a.run(lambda: subscriptions.subscription_cancel(
        actor=None, subscription=stored(invoicing_a, cancelled), cancel_at="immediate"
    ))
    invoicing_a.run(lambda: subscriptions.subscription_pause(actor=None, subscription=stored(invoicing_a, paused)))
    clock(at(date(2026, 4, 10)))

    assert bill(invoicing_a) == 0

    invoicing_a.run(lambda: subscriptions.subscription_resume(actor=None, subscription=stored(invoicing_a, paused)))
    clock(at(date(2026, 5, 1)))
    assert bill(invoicing_a) == 1
    assert [start for start, *_ in billed(invoicing_a, paused)] == [date(2026, 5, 1)]


# --- Two runs at once, for real ------------------------------------------------------------------

SUBSCRIPTIONS = 6
YEAR = 2033  # a year no other test numbers invoices in


def test_two_runs_at_once_bill_every_period_once(team_a, clock):
    """Each run is a thread on its own connection, committing for real, started together; then a
    rerun. Every period is billed once, whoever got it. What they made is removed after."""
    clock(at(date(YEAR, 3, 15)))
    start = threading.Barrier(2)

    def in_alpha(work):
        def run():
            with tenant_context(team_a.tenant), tenant_scope(team_a.tenant):
                return work()
        return on_own_connection(run)

    last_event = in_alpha(lambda: Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    last_audit = in_alpha(lambda: AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    customer = in_alpha(lambda: Contact.objects.create(name="Concurrent Subscriber", email="sub@example.com"))
    ids = [
        in_alpha(lambda: subscriptions.subscription_create(
            actor=None, customer=customer, plan="Concurrent", amount=Decimal("10.00"), currency="USD",
            billing_cycle="monthly", billing_day=1, started_at=date(YEAR, 1, 1),
        ).pk)
        for _ in range(SUBSCRIPTIONS)
    ]

    def run(_):
        try:
            start.wait(timeout=30)
            with tenant_context(team_a.tenant), tenant_scope(team_a.tenant):
                return subscriptions.subscriptions_bill()
        finally:
            connection.close()

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            counts = list(pool.map(run, range(2)))
        rerun = in_alpha(subscriptions.subscriptions_bill)
        starts = in_alpha(lambda: list(
            SubscriptionPeriod.objects.filter(subscription_id__in=ids).values_list("subscription_id", "period_start")
        ))

        assert sum(counts) == SUBSCRIPTIONS * 3
        assert rerun == 0
        assert sorted(starts) == sorted(
            (pk, date(YEAR, month, 1)) for pk in ids for month in (1, 2, 3)
        )
        assert in_alpha(lambda: Invoice.objects.filter(customer=customer).count()) == SUBSCRIPTIONS * 3
    finally:
        def clean():
            invoices = list(Invoice.objects.filter(customer=customer).values_list("pk", "receivable_id"))
            SubscriptionPeriod.objects.filter(subscription_id__in=ids).delete()
            Subscription.objects.filter(pk__in=ids).delete()
            InvoiceItem.objects.filter(invoice_id__in=[pk for pk, _ in invoices]).delete()
            Invoice.objects.filter(pk__in=[pk for pk, _ in invoices]).delete()
            Account.objects.filter(pk__in=[receivable for _, receivable in invoices]).delete()
            Contact.objects.filter(pk=customer.pk).delete()
            Sequence.objects.filter(key__endswith=str(YEAR)).delete()
            Event.objects.filter(pk__gt=last_event).delete()
            AuditEntry.objects.filter(pk__gt=last_audit).delete()

        in_alpha(clean)

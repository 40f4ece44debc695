"""Dunning: a subscription whose invoice is unpaid past its due date falls past due (its event)
and its customer is reminded, in the invoice's language, every 3 days at most and 3 times at
most; paying what it owes (any rail, through settlement) makes it active again."""

from datetime import date

import pytest

from modules.invoicing import services
from modules.invoicing.models import Invoice, SubscriptionPeriod

from .test_subscriptions_api import stored, subscribe
from .test_subscriptions_billing import at, bill


@pytest.fixture
def run(invoicing_a, clock, django_capture_on_commit_callbacks):
    """`run(day)`: the daily run on that day, the mail it sends sent."""
    def on(day: date) -> None:
        clock(at(day))
        with django_capture_on_commit_callbacks(execute=True):
            bill(invoicing_a)
    return on


def pay(invoicing, subscription, period_start: date) -> None:
    invoice = invoicing.query(lambda: SubscriptionPeriod.objects.get(
        subscription=subscription, period_start=period_start
    ).invoice)
    invoicing.run(lambda: services.invoice_mark_paid(
        actor=invoicing.team.admin, invoice=invoicing.locked(invoice), method="bank_transfer"
    ))


def test_an_unpaid_invoice_past_due_makes_it_past_due_and_reminds_three_times_three_days_apart(
    invoicing_a, run, mailoutbox
):
    customer = invoicing_a.customer(name="Ana Souza", email="ana@example.com", phone="+55 11 91234-5678")
    subscription = subscribe(invoicing_a, customer=customer, started_at=date(2026, 1, 1), billing_day=1)

    run(date(2026, 1, 8))  # billed Jan 1, due Jan 8: not late yet
    assert (stored(invoicing_a, subscription).status, mailoutbox) == ("active", [])

    run(date(2026, 1, 9))
    assert stored(invoicing_a, subscription).status == "past_due"
    assert invoicing_a.events("subscription.past_due")[-1].changes["status"] == {"old": "active", "new": "past_due"}
    # A customer in Brazil: the invoice, and so its reminder, in Portuguese.
    assert [mail.to for mail in mailoutbox] == [["ana@example.com"]]
    number = invoicing_a.query(lambda: Invoice.objects.get(subscription_period__subscription=subscription).number)
    assert mailoutbox[0].subject == f"Lembrete: a fatura {number} de {invoicing_a.team.tenant.name} está vencida"
    assert mailoutbox[0].body.startswith(
        f"Olá, Ana Souza,\n\nA fatura {number} da sua assinatura Professional venceu em 8 de janeiro de 2026"
    )

    for day in (date(2026, 1, 10), date(2026, 1, 11)):  # the same hour's reruns, the next days: none
        run(day)
    assert len(mailoutbox) == 1
    for day in (date(2026, 1, 12), date(2026, 1, 15), date(2026, 1, 18), date(2026, 1, 21)):
        run(day)
    assert len(mailoutbox) == 3
    assert stored(invoicing_a, subscription).reminders_sent == 3


def test_paying_what_it_owes_makes_it_active_again_and_one_debt_left_keeps_it_past_due(invoicing_a, run):
    subscription = subscribe(invoicing_a, started_at=date(2026, 1, 1), billing_day=1)
    run(date(2026, 2, 20))  # Jan and Feb billed, both late
    assert stored(invoicing_a, subscription).status == "past_due"

    pay(invoicing_a, subscription, date(2026, 1, 1))
    assert stored(invoicing_a, subscription).status == "past_due"

    pay(invoicing_a, subscription, date(2026, 2, 1))
    recovered = stored(invoicing_a, subscription)
    assert (recovered.status, recovered.reminders_sent, recovered.last_reminder_at) == ("active", 0, None)
    assert invoicing_a.events("subscription.updated")[-1].changes["status"] == {"old": "past_due", "new": "active"}


def test_a_past_due_subscription_keeps_billing_and_a_paid_one_is_never_reminded(invoicing_a, run, mailoutbox):
    late = subscribe(invoicing_a, started_at=date(2026, 1, 1), billing_day=1)
    punctual = subscribe(invoicing_a, started_at=date(2026, 1, 1), billing_day=1)
    run(date(2026, 1, 2))
    pay(invoicing_a, punctual, date(2026, 1, 1))

    run(date(2026, 2, 1))

    assert [stored(invoicing_a, record).status for record in (late, punctual)] == ["past_due", "active"]
    assert stored(invoicing_a, late).next_billing_date == date(2026, 3, 1)
    assert len(mailoutbox) == 1

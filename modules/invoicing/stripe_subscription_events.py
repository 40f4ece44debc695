"""Stripe's events about the subscriptions that live there (`stripe_subscription_id`), which
stripe_webhooks.py hands over in the workspace's scope and transaction:

- `invoice.paid`: the period Stripe billed is our invoice (made and issued the first time Stripe
  speaks of that period), paid by card, keyed on the Stripe invoice's id (`in_…`);
- `invoice.payment_failed`: the period's invoice as well, unpaid, and the subscription past due
  (our reminders follow); paid later, it is active again (settlement's hook);
- `customer.subscription.updated`: Stripe's status (past due, paused, cancelled, active again),
  its end when set to cancel at the period's end, its next billing date;
- `customer.subscription.deleted`: cancelled.

Each takes the subscription's row lock, so the deliveries Stripe repeats, or sends at once,
take turns; the period's unique start and the payment's unique Stripe id make a repeat record
nothing. An event about a subscription not ours is acknowledged and ignored.
"""

import logging
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from modules.core.money import from_minor_units

from . import events
from .models import Invoice, Subscription, SubscriptionPeriod, SubscriptionStatus
from .settlement import invoice_payment_receive
from .stripe_gateway import StripeEvent
from .subscriptions import _saved, subscription_period_invoice

logger = logging.getLogger(__name__)

# Stripe's subscription statuses as ours; `incomplete` (the first payment under way) and
# `incomplete_expired` (never paid) stay as they are until Stripe says more.
STRIPE_STATUSES = {
    "active": SubscriptionStatus.ACTIVE,
    "trialing": SubscriptionStatus.ACTIVE,
    "past_due": SubscriptionStatus.PAST_DUE,
    "unpaid": SubscriptionStatus.PAST_DUE,
    "paused": SubscriptionStatus.PAUSED,
    "canceled": SubscriptionStatus.CANCELLED,
}

STATUS_EVENTS = {
    SubscriptionStatus.CANCELLED: events.SUBSCRIPTION_CANCELLED,
    SubscriptionStatus.PAST_DUE: events.SUBSCRIPTION_PAST_DUE,
    SubscriptionStatus.PAUSED: events.SUBSCRIPTION_PAUSED,
}


def stripe_invoice_paid(event: StripeEvent, occurred_at: datetime) -> bool:
    """Whether the Stripe invoice was a subscription's of ours (then recorded, and paid)."""
    found = _invoice_subscription(event.object)
    if found is None:
        return False
    subscription, stripe_invoice = found
    invoice = _period_invoice(subscription, stripe_invoice)
    if invoice is not None:
        amount = _money(stripe_invoice.get("amount_paid"), stripe_invoice.get("currency"), subscription.currency)
        invoice_payment_receive(
            invoice_id=invoice.pk, rail="card", external_id=stripe_invoice["id"], amount=amount, paid_at=occurred_at,
        )
    return True


def stripe_invoice_payment_failed(event: StripeEvent, occurred_at: datetime) -> None:
    found = _invoice_subscription(event.object)
    if found is None:
        return
    subscription, stripe_invoice = found
    if _period_invoice(subscription, stripe_invoice) is not None and subscription.status == SubscriptionStatus.ACTIVE:
        _status_set(subscription, SubscriptionStatus.PAST_DUE, events.SUBSCRIPTION_PAST_DUE)


def stripe_subscription_updated(event: StripeEvent, occurred_at: datetime) -> None:
    stripe_subscription = event.object
    subscription = _ours(stripe_subscription.get("id"))
    if subscription is None or subscription.status == SubscriptionStatus.CANCELLED:
        return
    before = events.subscription_json(subscription)
    status = STRIPE_STATUSES.get(str(stripe_subscription.get("status")), subscription.status)
    if stripe_subscription.get("pause_collection"):
        status = SubscriptionStatus.PAUSED
    period_ends = _current_period_end(stripe_subscription)
    if period_ends is not None:
        subscription.next_billing_date = period_ends
    ends_at = _moment(stripe_subscription.get("cancel_at"))
    if stripe_subscription.get("cancel_at_period_end") and period_ends is not None:
        subscription.cancel_at = period_ends
    elif ends_at is not None:
        subscription.cancel_at = ends_at.date()
    else:
        subscription.cancel_at = None
    if status == SubscriptionStatus.CANCELLED:
        subscription.cancelled_at = _moment(stripe_subscription.get("canceled_at")) or occurred_at
    name = events.SUBSCRIPTION_UPDATED
    if status != subscription.status:  # a new state: its own event, and dunning starts afresh
        resumed = subscription.status == SubscriptionStatus.PAUSED and status == SubscriptionStatus.ACTIVE
        name = events.SUBSCRIPTION_RESUMED if resumed else STATUS_EVENTS.get(status, events.SUBSCRIPTION_UPDATED)
        subscription.status, subscription.reminders_sent, subscription.last_reminder_at = status, 0, None
    _saved(subscription, before, None, name)


def stripe_subscription_deleted(event: StripeEvent, occurred_at: datetime) -> None:
    subscription = _ours(event.object.get("id"))
    if subscription is None or subscription.status == SubscriptionStatus.CANCELLED:
        return
    subscription.cancelled_at = _moment(event.object.get("canceled_at")) or occurred_at
    _status_set(subscription, SubscriptionStatus.CANCELLED, events.SUBSCRIPTION_CANCELLED)


# --- Reading Stripe's objects --------------------------------------------------------------------


def _ours(stripe_subscription_id: object) -> Subscription | None:
    if not isinstance(stripe_subscription_id, str) or not stripe_subscription_id:
        return None
    return (
        Subscription.objects.select_for_update(of=("self",)).select_related("customer")
        .filter(stripe_subscription_id=stripe_subscription_id).first()
    )


def _invoice_subscription(stripe_invoice: dict) -> tuple[Subscription, dict] | None:
    """Our subscription a Stripe invoice bills, locked. Stripe names it under
    `parent.subscription_details` since its 2025 API versions, as `subscription` before."""
    parent = stripe_invoice.get("parent") or {}
    details = parent.get("subscription_details") or {} if isinstance(parent, dict) else {}
    named = details.get("subscription") if isinstance(details, dict) else None
    named = named or stripe_invoice.get("subscription")
    if isinstance(named, dict):  # expanded
        named = named.get("id")
    if not isinstance(stripe_invoice.get("id"), str):
        return None
    subscription = _ours(named)
    return None if subscription is None else (subscription, stripe_invoice)


def _period_invoice(subscription: Subscription, stripe_invoice: dict) -> Invoice | None:
    """Our invoice of the period a Stripe invoice bills: the one made before for that period (an
    earlier event of it), else a new one, issued, of what Stripe asks. None for an invoice of
    nothing to pay (a trial's, a proration's zero)."""
    amount_due = stripe_invoice.get("amount_due")
    if not isinstance(amount_due, int) or amount_due <= 0:
        return None
    start, end = _service_period(stripe_invoice)
    earlier = SubscriptionPeriod.objects.filter(subscription=subscription, period_start=start).select_related(
        "invoice"
    ).first()
    if earlier is not None:
        return earlier.invoice
    amount = _money(amount_due, stripe_invoice.get("currency"), subscription.currency)
    return subscription_period_invoice(subscription, start=start, end=end, amount=amount)


def _service_period(stripe_invoice: dict) -> tuple[date, date]:
    """The period a subscription's Stripe invoice charges for, as our dates (its lines' period:
    the invoice's own `period_start` and `period_end` are the period before it). Stripe's end is
    the next period's start; ours is the day before."""
    lines = (stripe_invoice.get("lines") or {}).get("data") or []
    period = next((line["period"] for line in lines if isinstance(line.get("period"), dict)), None)
    if period is None:
        raise ValueError(f"Stripe invoice {stripe_invoice.get('id')} has no line with a period")
    start, end = _moment(period.get("start")), _moment(period.get("end"))
    if start is None or end is None:
        raise ValueError(f"Stripe invoice {stripe_invoice.get('id')} has a line without its period")
    return start.date(), end.date() - timedelta(days=1)


def _current_period_end(stripe_subscription: dict) -> date | None:
    """When the period billed ends (our next billing date): on the subscription's items since
    Stripe's 2025 API versions, on the subscription before."""
    items = (stripe_subscription.get("items") or {}).get("data") or []
    ends = [item.get("current_period_end") for item in items if isinstance(item, dict)]
    moment = _moment(next((end for end in ends if end), None) or stripe_subscription.get("current_period_end"))
    return None if moment is None else moment.date()


def _moment(timestamp: object) -> datetime | None:
    """A Unix time of Stripe's in the company's time zone (our dates are the company's)."""
    if not isinstance(timestamp, int):
        return None
    return timezone.localtime(datetime.fromtimestamp(timestamp, tz=UTC))


def _money(minor: object, currency: object, expected: str):
    """An amount of Stripe's in the subscription's currency; another currency is an error to look
    into, never money to record (the delivery fails and is logged; Stripe retries it)."""
    if not isinstance(minor, int) or not isinstance(currency, str) or currency.upper() != expected:
        raise ValueError(f"Stripe reports {minor!r} {currency!r} for a subscription in {expected}")
    return from_minor_units(minor, expected)


def _status_set(subscription: Subscription, status: str, name: str) -> None:
    before = events.subscription_json(subscription)
    subscription.status = status
    if status == SubscriptionStatus.PAST_DUE:
        subscription.reminders_sent, subscription.last_reminder_at = 0, None
    _saved(subscription, before, None, name)

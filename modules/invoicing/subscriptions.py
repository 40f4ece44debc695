"""Subscriptions: their writes (create, change, cancel, pause, resume), the daily billing run and
the list's read. The API and the workspace pages both come through here.

Dates are the company's: "today" is `timezone.localdate()` in the workspace's zone (requests and
TenantTask activate it). A subscription bills on its `billing_day` (1–28, so every month has it)
every cycle; a period runs from one billing date to the day before the next. Each billed period is
an issued invoice (so finance holds the receivable) recorded in SubscriptionPeriod, whose unique
(subscription, period_start) and the subscription's row lock make a run that repeats, or runs on
two workers at once, bill a period once.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from modules.accounts.models import User
from modules.core.exceptions import DomainError
from modules.core.money import country_override
from modules.crm.models import Contact
from modules.events.services import event_record, events_record_changed, payload_changes
from modules.finance.cashflow import expected_flows_register
from modules.tenancy.scope import tenant_format_country

from . import events
from . import services as invoices
from .invoices_bulk import InvoiceDraft, bulk_issue_possible, invoices_issue_many
from .lifecycle import invoice_reminder_hooks_run
from .models import OPEN_STATUSES, BillingCycle, Invoice, Subscription, SubscriptionPeriod, SubscriptionStatus
from .pdf import company_name
from .stripe_billing import stripe_subscription_cancel, stripe_subscription_open

CYCLE_MONTHS = {BillingCycle.MONTHLY: 1, BillingCycle.QUARTERLY: 3, BillingCycle.YEARLY: 12}
# A subscription's invoice is due this many days after its period starts (its issue date).
DUE_DAYS = 7
# What a PATCH may change; the new amount or plan bills from the next period on.
CHANGEABLE_FIELDS = ("plan", "amount")
# Subscriptions the billing run bills: a past-due one keeps billing while its customer owes.
BILLED_STATUSES = (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)
# Dunning: a past-due customer is reminded at most this often, this many times.
REMINDER_EVERY = timedelta(days=3)
MAX_REMINDERS = 3
# Due subscriptions billed in one transaction by the run.
BILL_CHUNK = 500
# The run bills these; Stripe bills those that live there (stripe_subscription_events.py).
BILLED_HERE = Q(stripe_subscription_id="")


# Finance's cash-flow projection counts each charge still to bill of a subscription that bills,
# up to the projection's end and before its `cancel_at`, as money in on its invoice's due date.
# What was billed already is an open receivable, which finance counts itself.
# (The cycles, the statuses that bill and the 7 days of DUE_DAYS, as SQL.)
UPCOMING_CHARGES = """
    SELECT 'in' AS direction, subscription.amount AS amount, charge.billed_on::date + 7 AS expected_on
    FROM invoicing_subscription subscription
    CROSS JOIN LATERAL generate_series(
        subscription.next_billing_date::timestamp,
        LEAST(%(end)s, subscription.cancel_at - 1)::timestamp,
        CASE subscription.billing_cycle
            WHEN 'monthly' THEN interval '1 month' WHEN 'quarterly' THEN interval '3 months' ELSE interval '1 year'
        END
    ) AS charge(billed_on)
    WHERE subscription.status IN ('active', 'past_due') AND subscription.currency = %(currency)s
"""
expected_flows_register("invoicing.subscriptions", UPCOMING_CHARGES)


# --- Dates ---------------------------------------------------------------------------------------


def months_add(day: date, months: int) -> date:
    """The same day of the month `months` later; the day is at most 28, so every month has it."""
    month_index = day.month - 1 + months
    return day.replace(year=day.year + month_index // 12, month=month_index % 12 + 1)


def billing_date_from(billing_day: int, start: date) -> date:
    """The first `billing_day` on or after `start`: Jan 31 with billing day 28 → Feb 28."""
    candidate = start.replace(day=billing_day)
    return candidate if candidate >= start else months_add(candidate, 1)


def period_end(subscription: Subscription, period_start: date) -> date:
    """The day before the next billing date."""
    return months_add(period_start, CYCLE_MONTHS[subscription.billing_cycle]) - timedelta(days=1)


# --- Reads ---------------------------------------------------------------------------------------


def subscription_list() -> QuerySet[Subscription]:
    return Subscription.objects.select_related("customer")


# --- Writes --------------------------------------------------------------------------------------


@transaction.atomic
def subscription_create(
    *,
    actor: User | None,
    customer: Contact,
    plan: str,
    amount,
    currency: str,
    billing_cycle: str,
    billing_day: int,
    trial_days: int = 0,
    started_at: date | None = None,
    stripe: bool = False,
) -> Subscription:
    """Active from `started_at` (today by default); the first bill on the first billing day on or
    after the trial's end (`trial_days` after the start) or the start. `stripe`: it lives in the
    workspace's Stripe account (stripe_billing), which charges the customer's card each period;
    Stripe's webhooks record its invoices here, and our billing run leaves it alone."""
    plan = " ".join(plan.split())
    if not plan:
        raise ValidationError({"plan": [_("Name the plan.")]})
    if not 1 <= billing_day <= 28:
        raise ValidationError({"billing_day": [_("The billing day is between 1 and 28.")]})
    started_at = started_at or timezone.localdate()
    trial_ends_at = started_at + timedelta(days=trial_days) if trial_days else None
    subscription = Subscription.objects.create(
        customer=customer, plan=plan, amount=amount, currency=currency, billing_cycle=billing_cycle,
        billing_day=billing_day, started_at=started_at, trial_ends_at=trial_ends_at,
        next_billing_date=billing_date_from(billing_day, trial_ends_at or started_at), created_by=actor,
    )
    if stripe:
        subscription.stripe_subscription_id = stripe_subscription_open(subscription)
        subscription.save(update_fields=["stripe_subscription_id"])
    event_record(name=events.SUBSCRIPTION_CREATED, payload=events.subscription_json(subscription), actor=actor)
    return subscription


@transaction.atomic
def subscription_update(*, actor: User | None, subscription: Subscription, changes: dict) -> Subscription:
    """PATCH semantics on the plan and the amount, which the next period bills."""
    _live_check(subscription)
    if subscription.stripe_subscription_id and changes.get("amount", subscription.amount) != subscription.amount:
        raise DomainError(
            _("This subscription is billed by Stripe: change its price in your Stripe dashboard."), field="amount",
            code="in_stripe",
        )
    before = events.subscription_json(subscription)
    for field, value in changes.items():
        if field in CHANGEABLE_FIELDS:
            setattr(subscription, field, " ".join(value.split()) if field == "plan" else value)
    if not subscription.plan:
        raise ValidationError({"plan": [_("Name the plan.")]})
    return _saved(subscription, before, actor, events.SUBSCRIPTION_UPDATED)


@transaction.atomic
def subscription_cancel(*, actor: User | None, subscription: Subscription, cancel_at: str) -> Subscription:
    """`immediate`: cancelled now, nothing more billed. `end_of_period`: it runs to the end of the
    period it has been billed for (or its trial) and stops on its next billing date, unbilled."""
    _live_check(subscription)
    before = events.subscription_json(subscription)
    if subscription.stripe_subscription_id:  # Stripe stops charging; its events confirm it
        stripe_subscription_cancel(subscription, at_period_end=cancel_at != "immediate")
    if cancel_at == "immediate":
        subscription.status, subscription.cancelled_at = SubscriptionStatus.CANCELLED, timezone.now()
        subscription.cancel_at = timezone.localdate()
    else:
        subscription.cancel_at = subscription.next_billing_date
    return _saved(subscription, before, actor, events.SUBSCRIPTION_CANCELLED)


@transaction.atomic
def subscription_pause(*, actor: User | None, subscription: Subscription) -> Subscription:
    """Nothing is billed while paused, and the paused periods never are."""
    if subscription.status == SubscriptionStatus.PAUSED:
        raise DomainError(_("This subscription is already paused."), code="paused")
    _live_check(subscription)
    _billed_here_check(subscription)
    before = events.subscription_json(subscription)
    subscription.status = SubscriptionStatus.PAUSED
    return _saved(subscription, before, actor, events.SUBSCRIPTION_PAUSED)


@transaction.atomic
def subscription_resume(*, actor: User | None, subscription: Subscription) -> Subscription:
    """Active again; the next bill on the first billing day on or after today (or after the
    billing date it had, if that is still to come)."""
    if subscription.status != SubscriptionStatus.PAUSED:
        raise DomainError(_("Only a paused subscription can be resumed."), code="not_paused")
    _billed_here_check(subscription)
    before = events.subscription_json(subscription)
    subscription.status = SubscriptionStatus.ACTIVE
    start = max(subscription.next_billing_date, timezone.localdate())
    subscription.next_billing_date = billing_date_from(subscription.billing_day, start)
    return _saved(subscription, before, actor, events.SUBSCRIPTION_RESUMED)


def _billed_here_check(subscription: Subscription) -> None:
    if subscription.stripe_subscription_id:
        raise DomainError(
            _("This subscription is billed by Stripe: pause or resume its payments in your Stripe dashboard."),
            code="in_stripe",
        )


def _live_check(subscription: Subscription) -> None:
    if subscription.status == SubscriptionStatus.CANCELLED:
        raise DomainError(_("This subscription was cancelled."), code="cancelled")
    if subscription.cancel_at is not None:
        raise DomainError(_("This subscription is already set to end."), code="ending")


def _saved(subscription: Subscription, before: dict, actor: User | None, name: str) -> Subscription:
    after = events.subscription_json(subscription)
    changed = payload_changes(before, after)
    if changed:
        subscription.save()
        event_record(name=name, payload=after, actor=actor, changes=changed)
    return subscription


# --- The billing run -----------------------------------------------------------------------------


def subscriptions_bill() -> int:
    """Bill every period that has started, up to today, of the subscriptions that bill (catching
    up missed periods: each pass bills the next one of each); stop those whose `cancel_at` came;
    then dun the customers who owe (subscriptions_dun). Returns how many invoices it issued.

    Each pass takes the due subscriptions in chunks of BILL_CHUNK, each chunk one transaction
    under the chunk's row locks (subscriptions_chunk_bill)."""
    today = timezone.localdate()
    due = Subscription.objects.filter(BILLED_HERE, status__in=BILLED_STATUSES, next_billing_date__lte=today)
    billed = 0
    while due_ids := list(due.values_list("pk", flat=True).order_by("pk")):
        steps = 0
        for start in range(0, len(due_ids), BILL_CHUNK):
            chunk_billed, chunk_steps = subscriptions_chunk_bill(due_ids[start:start + BILL_CHUNK], today)
            billed, steps = billed + chunk_billed, steps + chunk_steps
        if not steps:  # another run took them meanwhile
            break
    subscriptions_dun()
    return billed


@transaction.atomic
def subscriptions_chunk_bill(
    subscription_ids: list[int], today: date, *, through_services: bool = False
) -> tuple[int, int]:
    """One step of the run for each of these subscriptions still due once locked: its next period
    billed, or it ended. Returns (invoices issued, subscriptions stepped). The periods are billed
    in bulk, or one by one through invoice_create and invoice_issue where the company's country
    has a fiscal step (or `through_services` asks it): the same invoices and events either way.

    The locks are taken in id order, so two runs at once wait for each other instead of
    deadlocking; the one that waited sees the rows as the other left them (their next billing
    dates moved on) and bills only what is still due: no period twice, none left behind."""
    locked = list(
        Subscription.objects.select_for_update(of=("self",)).select_related("customer")
        .filter(BILLED_HERE, pk__in=subscription_ids, status__in=BILLED_STATUSES, next_billing_date__lte=today)
        .order_by("pk")
    )
    ending = [sub for sub in locked if sub.cancel_at is not None and sub.next_billing_date >= sub.cancel_at]
    billing = [sub for sub in locked if sub not in ending]
    for subscription in ending:
        _subscription_end(subscription)
    if bulk_issue_possible() and not through_services:
        _periods_bill_many(billing)
    else:
        for subscription in billing:
            _period_bill(subscription)
    return len(billing), len(locked)


def _subscription_end(subscription: Subscription) -> None:
    before = events.subscription_json(subscription)
    subscription.status, subscription.cancelled_at = SubscriptionStatus.CANCELLED, timezone.now()
    _saved(subscription, before, None, events.SUBSCRIPTION_CANCELLED)


def _period_next(subscription: Subscription) -> tuple[date, date]:
    """The start and end of the period the run bills next."""
    start = subscription.next_billing_date
    return start, period_end(subscription, start)


def _period_draft(subscription: Subscription, start: date, end: date, amount: Decimal) -> dict:
    """A period's invoice, as invoice_create's keywords: dated its start, due DUE_DAYS later."""
    return {
        "customer": subscription.customer, "issue_date": start, "due_date": start + timedelta(days=DUE_DAYS),
        "currency": subscription.currency,
        "items": [{"description": f"{subscription.plan} — {start.isoformat()} – {end.isoformat()}",
                   "quantity": Decimal(1), "unit_price": amount}],
    }


def _billed_json(subscription: Subscription, period: SubscriptionPeriod) -> dict:
    return {
        **events.subscription_json(subscription), "period_start": period.period_start.isoformat(),
        "period_end": period.period_end.isoformat(), "invoice_id": period.invoice_id,
    }


def _period_bill(subscription: Subscription) -> None:
    """The next period through invoice_create and invoice_issue (with the fiscal step)."""
    start, end = _period_next(subscription)
    subscription_period_invoice(subscription, start=start, end=end, amount=subscription.amount)


def subscription_period_invoice(subscription: Subscription, *, start: date, end: date, amount) -> Invoice:
    """A billed period: its invoice (`amount`, issued through the services), the period, the next
    billing date past it, the `subscription.billed` event. The caller holds the row lock and
    knows the period is not billed yet (the run by its date, Stripe's events by the period)."""
    invoice = invoices.invoice_create(actor=None, **_period_draft(subscription, start, end, amount))
    invoices.invoice_issue(actor=None, invoice=invoice)
    period = SubscriptionPeriod.objects.create(subscription=subscription, period_start=start, period_end=end,
                                               invoice=invoice)
    subscription.next_billing_date = max(subscription.next_billing_date, end + timedelta(days=1))
    subscription.save(update_fields=["next_billing_date", "updated_at"])
    event_record(name=events.SUBSCRIPTION_BILLED, payload=_billed_json(subscription, period), actor=None)
    return invoice


def _periods_bill_many(subscriptions: list[Subscription]) -> None:
    """_period_bill of each, in bulk (invoices_bulk): the same invoices, receivables, periods,
    dates and events, in a few statements for the whole chunk."""
    if not subscriptions:
        return
    spans = [_period_next(subscription) for subscription in subscriptions]
    issued = invoices_issue_many(actor=None, drafts=[
        InvoiceDraft(**_period_draft(subscription, start, end, subscription.amount))
        for subscription, (start, end) in zip(subscriptions, spans, strict=True)
    ])
    periods = SubscriptionPeriod.objects.bulk_create([
        SubscriptionPeriod(subscription=subscription, period_start=start, period_end=end, invoice=invoice)
        for subscription, (start, end), invoice in zip(subscriptions, spans, issued, strict=True)
    ])
    now = timezone.now()
    for subscription, period in zip(subscriptions, periods, strict=True):
        subscription.next_billing_date, subscription.updated_at = period.period_end + timedelta(days=1), now
    Subscription.objects.bulk_update(subscriptions, ["next_billing_date", "updated_at"])
    events_record_changed(name=events.SUBSCRIPTION_BILLED, actor=None, payloads=[
        _billed_json(subscription, period) for subscription, period in zip(subscriptions, periods, strict=True)
    ])


# --- Dunning -------------------------------------------------------------------------------------


def _unpaid_past_due(today: date) -> Q:
    """A subscription with a billed invoice still open after its due date."""
    return Q(periods__invoice__status__in=OPEN_STATUSES, periods__invoice__due_date__lt=today)


def subscriptions_dun() -> int:
    """Active subscriptions with an invoice unpaid past its due date become past due (their
    event); past-due customers get a reminder of their oldest such invoice, in its language, at
    most every REMINDER_EVERY and MAX_REMINDERS times. Returns how many reminders went out."""
    today, now = timezone.localdate(), timezone.now()
    falling = Subscription.objects.filter(_unpaid_past_due(today), status=SubscriptionStatus.ACTIVE)
    for subscription_id in falling.values_list("pk", flat=True).distinct():
        _subscription_fall_past_due(subscription_id)
    reminded = Subscription.objects.filter(_remindable(now))
    return sum(_subscription_remind(pk, today, now) for pk in reminded.values_list("pk", flat=True))


def _remindable(now) -> Q:
    return Q(
        Q(last_reminder_at__isnull=True) | Q(last_reminder_at__lte=now - REMINDER_EVERY),
        status=SubscriptionStatus.PAST_DUE, reminders_sent__lt=MAX_REMINDERS,
    )


@transaction.atomic
def _subscription_fall_past_due(subscription_id: int) -> None:
    subscription = _locked(subscription_id).filter(status=SubscriptionStatus.ACTIVE).first()
    if subscription is None:
        return
    before = events.subscription_json(subscription)
    subscription.status, subscription.reminders_sent, subscription.last_reminder_at = (
        SubscriptionStatus.PAST_DUE, 0, None
    )
    _saved(subscription, before, None, events.SUBSCRIPTION_PAST_DUE)


@transaction.atomic
def _subscription_remind(subscription_id: int, today: date, now) -> int:
    # Asked again under the lock: a run at the same moment may have just reminded them.
    subscription = _locked(subscription_id).filter(_remindable(now)).first()
    invoice = (
        Invoice.objects.select_related("customer")
        .filter(subscription_period__subscription_id=subscription_id, status__in=OPEN_STATUSES, due_date__lt=today)
        .order_by("due_date", "pk").first()
    )
    if subscription is None or invoice is None or not invoice.customer.email:
        return 0
    transaction.on_commit(_reminder_message(subscription, invoice).send)
    invoice_reminder_hooks_run(invoice=invoice)
    subscription.reminders_sent += 1
    subscription.last_reminder_at = now
    subscription.save(update_fields=["reminders_sent", "last_reminder_at", "updated_at"])
    return 1


def _reminder_message(subscription: Subscription, invoice: Invoice) -> EmailMessage:
    context = {"subscription": subscription, "invoice": invoice, "company": company_name()}
    with translation.override(invoice.language), country_override(tenant_format_country(connection.tenant)):
        subject = " ".join(render_to_string("invoicing/email/subscription_reminder_subject.txt", context).split())
        body = render_to_string("invoicing/email/subscription_reminder.txt", context)
    return EmailMessage(subject=subject, body=body, to=[invoice.customer.email])


def subscription_invoice_paid(invoice: Invoice) -> None:
    """settlement.py's hook, in the transaction that settled `invoice`: the past-due subscription
    it billed is active again once it owes nothing past due, its reminders count reset."""
    period = SubscriptionPeriod.objects.filter(invoice=invoice).only("subscription_id").first()
    if period is None:
        return
    subscription = _locked(period.subscription_id).filter(status=SubscriptionStatus.PAST_DUE).first()
    if subscription is None:
        return
    if Subscription.objects.filter(_unpaid_past_due(timezone.localdate()), pk=subscription.pk).exists():
        return
    before = events.subscription_json(subscription)
    subscription.status, subscription.reminders_sent, subscription.last_reminder_at = (
        SubscriptionStatus.ACTIVE, 0, None
    )
    _saved(subscription, before, None, events.SUBSCRIPTION_UPDATED)


def _locked(subscription_id: int) -> QuerySet[Subscription]:
    """Its own row only: the customer's other subscriptions go on meanwhile."""
    return Subscription.objects.select_for_update(of=("self",)).filter(pk=subscription_id)

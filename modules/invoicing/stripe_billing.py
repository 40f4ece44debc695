"""Subscriptions that live in the workspace's Stripe account: opening one there, cancelling it
there. subscriptions.py calls these; what Stripe then bills reaches us through its webhooks
(stripe_subscription_events.py), never through our billing run.
"""

import logging
from datetime import datetime, time

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.exceptions import DomainError
from modules.core.money import to_minor_units

from . import stripe_gateway
from .models import Subscription
from .stripe_services import stripe_connection_get

logger = logging.getLogger(__name__)


def stripe_subscription_open(subscription: Subscription) -> str:
    """The Stripe Subscription (with its Customer and Price) of a subscription just created: its
    first bill on our `next_billing_date`, at the start of that day in the company's time zone,
    free before it (the trial). Returns its id (sub_…). StripeUnreachable goes up: nothing was
    kept on our side (the caller's transaction rolls back), and a retry finds what Stripe made."""
    keys = stripe_connection_get()
    if keys is None:
        raise DomainError(
            _("Connect your Stripe account to bill a subscription by card in Stripe."), field="stripe",
            code="not_connected",
        )
    tenant_id, customer = connection.tenant.pk, subscription.customer
    try:
        opened = stripe_gateway.subscription_create(
            secret_key=keys.secret_key, customer_name=customer.name, customer_email=customer.email or "",
            plan=subscription.plan, amount=to_minor_units(subscription.amount, subscription.currency),
            currency=subscription.currency, billing_cycle=subscription.billing_cycle,
            first_bill_at=timezone.make_aware(datetime.combine(subscription.next_billing_date, time.min)),
            trial=subscription.trial_ends_at is not None,
            metadata={"innexar_tenant": str(tenant_id), "innexar_subscription_id": str(subscription.pk)},
            idempotency_key=f"innexar-{tenant_id}-subscription-{subscription.pk}",
        )
    except stripe_gateway.StripeRefused as refusal:
        logger.warning("Stripe refused a subscription: %s", refusal)
        raise DomainError(
            _("Stripe refused to create the subscription: check your Stripe account and keys."), field="stripe",
            code="stripe_refused",
        ) from None
    return opened.id


def stripe_subscription_cancel(subscription: Subscription, *, at_period_end: bool) -> None:
    """Stop it in Stripe: now, or once the period it was billed for ends."""
    keys = stripe_connection_get()
    if keys is None:
        raise DomainError(
            _("Connect your Stripe account again to cancel this subscription: it is billed there."),
            code="not_connected",
        )
    try:
        stripe_gateway.subscription_cancel(
            secret_key=keys.secret_key, subscription_id=subscription.stripe_subscription_id,
            at_period_end=at_period_end,
        )
    except stripe_gateway.StripeRefused as refusal:
        logger.warning("Stripe refused to cancel %s: %s", subscription.stripe_subscription_id, refusal)
        raise DomainError(
            _("Stripe refused to cancel the subscription: check it in your Stripe dashboard."),
            code="stripe_refused",
        ) from None

"""Stripe, through its official library: checking a workspace's keys, creating Checkout Sessions,
and reading the events its webhooks deliver. Nothing else in the project speaks to Stripe.

Every call goes to `settings.STRIPE_API_BASE` (Stripe's own by default; the tests' local fake
answers in Stripe's formats), with the key the workspace gave us. What Stripe refuses comes back
as `StripeRefused` with Stripe's own words for the log and a code for ours; what does not reach
Stripe or fails on its side, as `StripeUnreachable`.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

import stripe
from django.conf import settings

from modules.core.webhooks import timestamped_signature_valid

logger = logging.getLogger(__name__)


class StripeRefused(Exception):
    """Stripe answered, and said no: a key it does not know (`api_key_invalid`), a restricted key
    without the permission (`permission`), a request it finds invalid."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


class StripeUnreachable(Exception):
    """No answer from Stripe, or an error on its side: nothing changed there, try again later."""


@dataclass(frozen=True)
class HostedCheckout:
    session_id: str
    url: str


@dataclass(frozen=True)
class StripeEvent:
    id: str
    type: str
    account: str | None  # set on a Connect platform's events about a connected account
    object: dict  # data.object: the Checkout Session, the invoice…


def _client(secret_key: str, *, retries: int) -> stripe.StripeClient:
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": settings.STRIPE_API_BASE},
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
        max_network_retries=retries,
    )


def _call(request):
    try:
        return request()
    except stripe.AuthenticationError as error:
        raise StripeRefused(error.user_message or str(error), code="api_key_invalid") from error
    except stripe.PermissionError as error:
        raise StripeRefused(error.user_message or str(error), code="permission") from error
    except stripe.InvalidRequestError as error:
        raise StripeRefused(error.user_message or str(error), code=error.code or "invalid_request") from error
    except stripe.StripeError as error:  # connection, rate limit, Stripe's own 5xx
        logger.warning("Stripe call failed: %s", error)
        raise StripeUnreachable(str(error)) from error


def account_verify(secret_key: str) -> str:
    """The id (acct_…) of the account `secret_key` belongs to; one call, not retried (the person
    who typed the key is waiting)."""
    account = _call(lambda: _client(secret_key, retries=0).v1.accounts.retrieve_current())
    return account.id


def checkout_session_create(
    *, secret_key: str, amount: int, currency: str, description: str, metadata: dict[str, str],
    client_reference_id: str, customer_email: str, locale: str, success_url: str, cancel_url: str,
    expires_at: datetime, idempotency_key: str,
) -> HostedCheckout:
    """A Checkout Session in payment mode for one line of `amount` (in Stripe's minor units).
    Retried on network errors: the idempotency key makes a retry return the same session."""
    params = {
        "mode": "payment",
        "line_items": [{
            "quantity": 1,
            "price_data": {"currency": currency.lower(), "unit_amount": amount, "product_data": {"name": description}},
        }],
        "client_reference_id": client_reference_id,
        "metadata": metadata,
        # The charge carries them too, so Stripe's dashboard shows whose invoice it paid.
        "payment_intent_data": {"metadata": metadata, "description": description},
        "locale": locale,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(expires_at.timestamp()),
    }
    if customer_email:
        params["customer_email"] = customer_email
    session = _call(lambda: _client(secret_key, retries=2).v1.checkout.sessions.create(
        params, {"idempotency_key": idempotency_key},
    ))
    return HostedCheckout(session_id=session.id, url=session.url)


def event_signature_valid(body: bytes, signature: str | None, secret: str) -> bool:
    """Stripe's `Stripe-Signature` scheme (t=…,v1=…), five minutes of tolerance."""
    return bool(secret) and timestamped_signature_valid(body, signature, secret)


def event_read(event: dict) -> StripeEvent | None:
    """The fields we act on, from an event as Stripe posts it; None when it is not shaped like one."""
    data = event.get("data")
    payload = data.get("object") if isinstance(data, dict) else None
    if not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str) or not isinstance(payload, dict):
        return None
    account = event.get("account")
    return StripeEvent(
        id=event["id"], type=event["type"], account=account if isinstance(account, str) else None, object=payload
    )


# --- Subscriptions that live in Stripe (Stripe Billing) -------------------------------------------

# Our billing cycles as Stripe's recurring prices.
RECURRING = {"monthly": ("month", 1), "quarterly": ("month", 3), "yearly": ("year", 1)}


@dataclass(frozen=True)
class StripeSubscription:
    id: str  # sub_…
    customer_id: str  # cus_…
    price_id: str  # price_…
    status: str  # Stripe's: incomplete, trialing, active…


def subscription_create(
    *, secret_key: str, customer_name: str, customer_email: str, plan: str, amount: int, currency: str,
    billing_cycle: str, first_bill_at: datetime, trial: bool, metadata: dict[str, str], idempotency_key: str,
) -> StripeSubscription:
    """A Customer, a recurring Price of `amount` (Stripe's minor units) a `billing_cycle`, and the
    Subscription of the one to the other, charging the card the customer gives on its first
    invoice (`default_incomplete`, the card kept for the next ones). Its first bill at
    `first_bill_at` (now, or a later billing day: the end of the `trial`, or the cycle's anchor,
    nothing prorated before it). Retried on network errors: each request's idempotency key
    (`idempotency_key` and what it makes) has a retry find what the first try made."""
    client = _client(secret_key, retries=2)
    customer = _call(lambda: client.v1.customers.create(
        {"name": customer_name, "email": customer_email, "metadata": metadata} if customer_email
        else {"name": customer_name, "metadata": metadata},
        {"idempotency_key": f"{idempotency_key}-customer"},
    ))
    interval, interval_count = RECURRING[billing_cycle]
    price = _call(lambda: client.v1.prices.create({
        "currency": currency.lower(), "unit_amount": amount, "product_data": {"name": plan},
        "recurring": {"interval": interval, "interval_count": interval_count}, "metadata": metadata,
    }, {"idempotency_key": f"{idempotency_key}-price"}))
    params = {
        "customer": customer.id,
        "items": [{"price": price.id}],
        "metadata": metadata,
        "collection_method": "charge_automatically",
        "payment_behavior": "default_incomplete",
        "payment_settings": {"payment_method_types": ["card"], "save_default_payment_method": "on_subscription"},
    }
    if first_bill_at > datetime.now(tz=first_bill_at.tzinfo):
        later = int(first_bill_at.timestamp())
        if trial:
            params["trial_end"] = later
        else:
            params["billing_cycle_anchor"], params["proration_behavior"] = later, "none"
    subscription = _call(lambda: client.v1.subscriptions.create(
        params, {"idempotency_key": f"{idempotency_key}-subscription"}
    ))
    return StripeSubscription(id=subscription.id, customer_id=customer.id, price_id=price.id,
                              status=subscription.status)


def subscription_cancel(*, secret_key: str, subscription_id: str, at_period_end: bool) -> str:
    """Cancel now (`DELETE /v1/subscriptions/…`), or at the end of the period paid for
    (`cancel_at_period_end`); Stripe's status after it. Retried: both are idempotent in Stripe."""
    client = _client(secret_key, retries=2)
    if at_period_end:
        subscription = _call(lambda: client.v1.subscriptions.update(subscription_id, {"cancel_at_period_end": True}))
    else:
        subscription = _call(lambda: client.v1.subscriptions.cancel(subscription_id))
    return subscription.status

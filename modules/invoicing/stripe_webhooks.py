"""Stripe's events: what its webhooks post settles our invoices.

A workspace's own account signs its events with the secret of the endpoint the workspace added in
Stripe; they carry no `account`, so they are posted to the workspace's own host and checked with
its secret there (`verify_here`). A Connect platform's events name the connected account: they
come to the public host, signed with the platform's secret, and ProviderAccount finds the
workspace (linked when it connected). Either way `stripe_event_handle` runs in the workspace's
scope and one transaction (tenancy/webhooks.py), and settles through
`settlement.invoice_payment_receive` keyed on the object's own id (the session's `cs_…`, the
Stripe invoice's `in_…`): a delivery Stripe repeats records nothing.
"""

import logging
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from modules.core.money import from_minor_units
from modules.core.webhooks import InboundProvider

from . import stripe_gateway
from .models import CheckoutSession, Invoice
from .settlement import invoice_payment_receive
from .stripe_services import PROVIDER, checkout_session_expire, stripe_connection_get
from .stripe_subscription_events import (
    stripe_invoice_paid,
    stripe_invoice_payment_failed,
    stripe_subscription_deleted,
    stripe_subscription_updated,
)

logger = logging.getLogger(__name__)


def stripe_webhook_url() -> str:
    """Where Stripe posts this workspace's events: its own host (tenancy.webhooks)."""
    path = reverse("tenant_inbound_webhook", args=[PROVIDER], urlconf=settings.ROOT_URLCONF)
    return connection.tenant.workspace_url(path)


def _workspace_signature_valid(body: bytes, headers) -> bool:
    kept = stripe_connection_get()
    secret = kept.webhook_secret if kept else ""
    return stripe_gateway.event_signature_valid(body, headers.get("Stripe-Signature"), secret)


def _platform_signature_valid(body: bytes, headers) -> bool:
    secret = settings.STRIPE_CONNECT_WEBHOOK_SECRET
    return stripe_gateway.event_signature_valid(body, headers.get("Stripe-Signature"), secret)


def _event_account(event: dict) -> str | None:
    account = event.get("account")
    return account if isinstance(account, str) else None


def stripe_event_handle(event: dict) -> None:
    """One event Stripe posted (signature already checked), in the workspace's scope and
    transaction. Types we do not act on are acknowledged and ignored."""
    stripe_event = stripe_gateway.event_read(event)
    if stripe_event is None:
        logger.info("Stripe event without an object ignored")
        return
    handler = EVENT_HANDLERS.get(stripe_event.type)
    if handler is not None:
        handler(stripe_event, _occurred_at(event))


def _checkout_paid(event: stripe_gateway.StripeEvent, occurred_at: datetime) -> None:
    session = event.object
    if session.get("payment_status") != "paid":  # a bank debit still on its way: its own event follows
        return
    ours = CheckoutSession.objects.filter(session_id=str(session.get("id"))).first()
    invoice = ours.invoice if ours else _metadata_invoice(session)
    if invoice is None:
        logger.info("Checkout Session of no invoice of ours ignored", extra={"session": session.get("id")})
        return
    amount = _amount(session.get("amount_total"), session.get("currency"), invoice)
    invoice_payment_receive(
        invoice_id=invoice.pk, rail="card", external_id=session["id"], amount=amount, paid_at=occurred_at, charge=ours,
    )


def _stripe_invoice_paid(event: stripe_gateway.StripeEvent, occurred_at: datetime) -> None:
    """A Stripe invoice of a subscription that lives in Stripe (stripe_subscription_events), or
    one that names one of our invoices in its metadata."""
    if stripe_invoice_paid(event, occurred_at):
        return
    paid = event.object
    invoice = _metadata_invoice(paid)
    if invoice is None:
        return
    amount = _amount(paid.get("amount_paid"), paid.get("currency"), invoice)
    invoice_payment_receive(
        invoice_id=invoice.pk, rail="card", external_id=str(paid["id"]), amount=amount, paid_at=occurred_at,
    )


def _checkout_expired(event: stripe_gateway.StripeEvent, occurred_at: datetime) -> None:
    """Stripe closed a Checkout Session unpaid (24 hours at most): it is no longer offered, and the
    pay page's card button opens a fresh one (stripe_services.checkout_session_expire)."""
    session = CheckoutSession.objects.select_related("invoice").filter(session_id=str(event.object.get("id"))).first()
    if session is not None:
        checkout_session_expire(session)


EVENT_HANDLERS = {
    "checkout.session.completed": _checkout_paid,
    "checkout.session.async_payment_succeeded": _checkout_paid,
    "checkout.session.expired": _checkout_expired,
    "invoice.paid": _stripe_invoice_paid,
    "invoice.payment_failed": stripe_invoice_payment_failed,
    "customer.subscription.updated": stripe_subscription_updated,
    "customer.subscription.deleted": stripe_subscription_deleted,
}


def _metadata_invoice(stripe_object: dict) -> Invoice | None:
    """Our invoice named in the object's metadata, when the metadata is this workspace's."""
    metadata = stripe_object.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(stripe_object.get("id"), str):
        return None
    if metadata.get("innexar_tenant") != str(connection.tenant.pk):
        return None
    invoice_id = metadata.get("innexar_invoice_id")
    if not isinstance(invoice_id, str) or not invoice_id.isdigit():
        return None
    return Invoice.objects.filter(pk=int(invoice_id)).first()


def _amount(minor: object, currency: object, invoice: Invoice):
    """What Stripe says was paid, in the invoice's currency; an amount in another currency is an
    error to look into, never money to settle with (the delivery fails and is logged)."""
    if not isinstance(minor, int) or not isinstance(currency, str) or currency.upper() != invoice.currency:
        raise ValueError(f"Stripe reports {minor!r} {currency!r} for invoice {invoice.number} in {invoice.currency}")
    return from_minor_units(minor, invoice.currency)


def _occurred_at(event: dict) -> datetime:
    created = event.get("created")
    if isinstance(created, int):
        return datetime.fromtimestamp(created, tz=UTC)
    return timezone.now()


STRIPE_WEBHOOKS = InboundProvider(
    name=PROVIDER, verify=_platform_signature_valid, account_of=_event_account, handle=stripe_event_handle,
    verify_here=_workspace_signature_valid,
)

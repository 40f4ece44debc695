"""Card payments through Stripe: a workspace connects its own Stripe account, an invoice gets a
payment link (a Stripe Checkout Session), and Stripe's webhooks settle the invoice.

- The keys are checked for their shape, then with one call to Stripe, and kept encrypted; the
  account is linked to the workspace (`ProviderAccount`) for a Connect platform's events.
- A workspace without keys gets the sandbox (where `INNEXAR_PAYMENTS_SANDBOX` allows it): the
  payment link is the customer's pay page, whose card button pays at once, so the whole flow
  works on a machine that has never seen Stripe.

Stripe's events, which settle the invoices, are stripe_webhooks.py's.
"""

import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from modules.core.exceptions import DomainError
from modules.core.money import to_minor_units
from modules.events.services import event_record, payload_changes
from modules.tenancy.models import Tenant
from modules.tenancy.webhooks import provider_account_link, provider_account_unlink

from . import events, stripe_gateway
from .models import ChargeStatus, CheckoutSession, Invoice, InvoiceStatus, StripeConnection
from .paylinks import pay_url
from .settlement import Received, invoice_payment_receive

logger = logging.getLogger(__name__)

PROVIDER = "stripe"
PUBLISHABLE_KEY = re.compile(r"pk_(test|live)_[A-Za-z0-9]{16,240}")
SECRET_KEY = re.compile(r"sk_(test|live)_[A-Za-z0-9]{16,240}")
WEBHOOK_SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]{16,240}")
SANDBOX_PREFIX = "sandbox_cs_"
# Stripe keeps a Checkout Session open 24 hours at most (counted on its clock, so a little less
# is asked for); one is handed out again for 23 hours, while it has time left to be paid.
SESSION_LIFETIME = timedelta(hours=23, minutes=50)
SESSION_REUSE = timedelta(hours=23)
PAYABLE = (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE)
# Checkout speaks the customer's language (Invoice.language).
CHECKOUT_LOCALES = {"en": "en", "pt-br": "pt-BR", "es": "es-419"}


# --- Connecting the workspace's account --------------------------------------------------------


def stripe_connection_get() -> StripeConnection | None:
    return StripeConnection.objects.first()


def stripe_connect(*, actor, publishable_key: str, secret_key: str, webhook_secret: str = "") -> StripeConnection:
    """Keep the workspace's keys, once Stripe has recognised the secret one; connecting again
    replaces them (the webhook secret is kept when the account stays the same and none is given)."""
    _manager_check(actor)
    livemode = _keys_check(publishable_key, secret_key, webhook_secret)
    try:
        account_id = stripe_gateway.account_verify(secret_key)
    except stripe_gateway.StripeRefused as refusal:
        logger.info("Stripe refused a key: %s", refusal)
        raise DomainError(
            _("Stripe did not accept this secret key. Copy it again from Stripe's dashboard (Developers → API keys)."),
            field="secret_key", code="stripe_refused",
        ) from None
    with transaction.atomic():
        # One connection a workspace: two people connecting at once take turns on the tenant's
        # row (there is no connection row yet to lock for the first one).
        tenant = Tenant.objects.select_for_update().get(pk=connection.tenant.pk)
        current = StripeConnection.objects.select_for_update().first()
        before = events.stripe_connection_json(current) if current else None
        same_account = current is not None and current.account_id == account_id
        if not same_account:
            _account_relink(tenant, current, account_id)
        if same_account and not webhook_secret:
            webhook_secret = current.webhook_secret
        kept = current or StripeConnection()
        kept.account_id, kept.publishable_key, kept.secret_key = account_id, publishable_key, secret_key
        kept.webhook_secret, kept.livemode = webhook_secret, livemode
        kept.connected_at, kept.connected_by = timezone.now(), actor
        kept.save()
        after = events.stripe_connection_json(kept)
        if before is None:
            event_record(name=events.STRIPE_CONNECTED, payload=after, actor=actor)
        else:
            event_record(name=events.STRIPE_UPDATED, payload=after, actor=actor, changes=payload_changes(before, after))
    return kept


@transaction.atomic
def stripe_webhook_secret_set(*, actor, webhook_secret: str) -> StripeConnection:
    """The signing secret of the endpoint the workspace added in Stripe (whsec_…)."""
    _manager_check(actor)
    if not WEBHOOK_SECRET.fullmatch(webhook_secret):
        raise ValidationError({"webhook_secret": _webhook_secret_message()})
    current = StripeConnection.objects.select_for_update().first()
    if current is None:  # nothing to add it to, as for a record another workspace has
        raise Http404
    before = events.stripe_connection_json(current)
    current.webhook_secret = webhook_secret
    current.save(update_fields=["webhook_secret"])
    after = events.stripe_connection_json(current)
    event_record(name=events.STRIPE_UPDATED, payload=after, actor=actor, changes=payload_changes(before, after))
    return current


@transaction.atomic
def stripe_disconnect(*, actor) -> None:
    """Forget the keys. Checkout Sessions already handed out stay payable at Stripe; their events
    are refused until the workspace connects again (Stripe retries them for three days)."""
    _manager_check(actor)
    current = StripeConnection.objects.select_for_update().first()
    if current is None:
        return
    provider_account_unlink(tenant=connection.tenant, provider=PROVIDER, external_id=current.account_id)
    event_record(name=events.STRIPE_DISCONNECTED, payload=events.stripe_connection_json(current), actor=actor)
    current.delete()


def _manager_check(actor) -> None:
    if not actor.is_tenant_manager:
        raise PermissionDenied(_("Only admins and managers can connect or disconnect Stripe."))


def _keys_check(publishable_key: str, secret_key: str, webhook_secret: str) -> bool:
    """Whether the keys are live ones; refuses keys of the wrong shape, and test keys with live ones."""
    errors = {}
    publishable, secret = PUBLISHABLE_KEY.fullmatch(publishable_key), SECRET_KEY.fullmatch(secret_key)
    if not publishable:
        errors["publishable_key"] = _("Enter your publishable key: it starts with pk_test_ or pk_live_.")
    if not secret:
        errors["secret_key"] = _("Enter your secret key: it starts with sk_test_ or sk_live_.")
    elif publishable and publishable[1] != secret[1]:
        errors["secret_key"] = _("Use a test secret key with a test publishable key, or live keys for both.")
    if webhook_secret and not WEBHOOK_SECRET.fullmatch(webhook_secret):
        errors["webhook_secret"] = _webhook_secret_message()
    if errors:
        raise ValidationError(errors)
    return secret[1] == "live"


def _webhook_secret_message() -> str:
    return _("Enter the endpoint's signing secret: it starts with whsec_.")


def _account_relink(tenant, current: StripeConnection | None, account_id: str) -> None:
    """A Connect platform's events about the account now reach this workspace (and those of the
    account it replaces no longer do)."""
    if current is not None:
        provider_account_unlink(tenant=tenant, provider=PROVIDER, external_id=current.account_id)
    try:
        with transaction.atomic():
            provider_account_link(tenant=tenant, provider=PROVIDER, external_id=account_id)
    except IntegrityError:
        raise DomainError(
            _("This Stripe account is already connected to another workspace."), field="secret_key",
            code="account_taken",
        ) from None


# --- Payment links -----------------------------------------------------------------------------


def card_payments_available() -> bool:
    """Whether this workspace's invoices can be paid by card now: through its Stripe account, or
    in the sandbox."""
    return settings.INNEXAR_PAYMENTS_SANDBOX or StripeConnection.objects.exists()


@transaction.atomic
def payment_link_create(*, actor, invoice: Invoice) -> CheckoutSession:
    """The invoice's Checkout Session (a new one, or the open one for the same amount), its URL
    kept as the invoice's payment link. `invoice` comes locked (access_invoice for_write)."""
    session = _checkout_session(invoice)
    if invoice.payment_link != session.url:
        invoice.payment_link = session.url
        invoice.save(update_fields=["payment_link", "updated_at"])
        payload = {**events.invoice_json(invoice), "payment_link": session.url, "session_id": session.session_id}
        event_record(name=events.INVOICE_PAYMENT_LINK_CREATED, payload=payload, actor=actor)
    return session


@transaction.atomic
def checkout_session_expire(session: CheckoutSession) -> None:
    """Stripe expired the session unpaid: it is marked so, never handed out again, and the invoice's
    payment link, when it was this session's, is cleared (the pay page's card button, and the
    next `payment_link/`, open a fresh session). Once: a repeat finds it expired already."""
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=session.invoice_id)
    expired = CheckoutSession.objects.filter(pk=session.pk, status=ChargeStatus.PENDING).update(
        status=ChargeStatus.EXPIRED
    )
    if not expired or invoice.payment_link != session.url:
        return
    invoice.payment_link = ""
    invoice.save(update_fields=["payment_link", "updated_at"])
    payload = {**events.invoice_json(invoice), "payment_link": session.url, "session_id": session.session_id}
    event_record(name=events.INVOICE_PAYMENT_LINK_EXPIRED, payload=payload, actor=None)


@transaction.atomic
def sandbox_card_pay(*, invoice: Invoice) -> Received | None:
    """The sandbox's card payment (the pay page's button): the invoice is paid as Stripe's event
    would pay it. None when the invoice is no longer open (paid meanwhile, another tab)."""
    if StripeConnection.objects.exists() or not settings.INNEXAR_PAYMENTS_SANDBOX:
        raise DomainError(_("Card payments go through Stripe in this workspace."), code="not_sandbox")
    if invoice.status not in PAYABLE:
        return None
    session = _checkout_session(invoice)
    return invoice_payment_receive(
        invoice_id=invoice.pk, rail="card", external_id=session.session_id, amount=session.amount,
        paid_at=timezone.now(), charge=session,
    )


def _checkout_session(invoice: Invoice) -> CheckoutSession:
    _payable_check(invoice)
    keys = stripe_connection_get()
    if keys is None and not settings.INNEXAR_PAYMENTS_SANDBOX:
        raise DomainError(_("Connect your Stripe account to take card payments."), code="not_connected")
    sessions = invoice.checkout_sessions.filter(status=ChargeStatus.PENDING)
    sandbox = Q(session_id__startswith=SANDBOX_PREFIX)
    sessions = sessions.filter(sandbox if keys is None else ~sandbox)
    fresh = timezone.now() - SESSION_REUSE
    open_session = sessions.filter(amount=invoice.total, created_at__gt=fresh).order_by("-created_at").first()
    if open_session is not None:
        return open_session
    sessions.update(status=ChargeStatus.EXPIRED)  # another amount, or past Stripe's lifetime
    if keys is None:
        session_id, url = SANDBOX_PREFIX + secrets.token_urlsafe(24), pay_url(invoice.pk)
    else:
        hosted = _stripe_session(keys, invoice)
        session_id, url = hosted.session_id, hosted.url
    return CheckoutSession.objects.create(invoice=invoice, session_id=session_id, url=url, amount=invoice.total)


def _payable_check(invoice: Invoice) -> None:
    refusals = {
        InvoiceStatus.DRAFT: _("Issue the invoice before asking for its payment."),
        InvoiceStatus.PAID: _("This invoice is already paid."),
        InvoiceStatus.CANCELLED: _("This invoice is cancelled: it cannot be paid."),
    }
    if invoice.status not in PAYABLE:
        raise DomainError(refusals[invoice.status], code="not_payable")
    if invoice.total <= 0:
        raise DomainError(_("There is nothing to pay on this invoice."), code="nothing_to_pay")


def _stripe_session(keys: StripeConnection, invoice: Invoice) -> stripe_gateway.HostedCheckout:
    tenant_id = connection.tenant.pk
    amount = to_minor_units(invoice.total, invoice.currency)
    # One key per invoice, amount and attempt: a retry of this request finds the session Stripe
    # made the first time, and a later link (expired, or a new amount) gets its own.
    attempt = invoice.checkout_sessions.count()
    link = pay_url(invoice.pk)
    language = invoice.language.lower()
    with translation.override(language):
        description = pgettext("payment", "Invoice %(number)s") % {"number": invoice.number}
    try:
        return stripe_gateway.checkout_session_create(
            secret_key=keys.secret_key, amount=amount, currency=invoice.currency, description=description,
            metadata={
                "innexar_invoice_id": str(invoice.pk), "innexar_invoice_number": invoice.number,
                "innexar_tenant": str(tenant_id),
            },
            client_reference_id=f"{tenant_id}-{invoice.pk}", customer_email=invoice.customer.email or "",
            locale=CHECKOUT_LOCALES.get(language, "auto"), success_url=f"{link}?checkout=done", cancel_url=link,
            expires_at=timezone.now() + SESSION_LIFETIME,
            idempotency_key=f"innexar-{tenant_id}-invoice-{invoice.pk}-{invoice.currency}-{amount}-{attempt}",
        )
    except stripe_gateway.StripeRefused as refusal:
        logger.warning("Stripe refused a Checkout Session: %s", refusal)
        raise DomainError(
            _("Stripe refused to create the payment page: check your Stripe account and keys."), code="stripe_refused"
        ) from None

"""WhatsApp for a workspace: connect its Cloud API number (checked with one call to Meta), send
approved templates, follow each message's delivery from Meta's webhook, and send the payment
reminder of an overdue invoice when connected."""

import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection as db_connection
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from innexar.celery import app
from modules.accounts.models import User
from modules.core.exceptions import DomainError
from modules.core.money import country_override, format_money
from modules.core.phones import phone_normalize, tenant_region
from modules.events.services import event_record
from modules.invoicing.models import Invoice
from modules.tenancy.scope import tenant_format_country
from modules.tenancy.tasks import on_commit_in_this_tenant

from . import whatsapp
from .models import STATUS_ORDER, MessageStatus, WhatsAppConnection, WhatsAppMessage

logger = logging.getLogger(__name__)

# WhatsApp's template languages for ours.
TEMPLATE_LANGUAGES = {"pt-br": "pt_BR", "es": "es", "en": "en_US"}


class WhatsAppRateLimited(Exception):
    """Meta asks us to slow down: a 429 in the API, a retry in a task."""


def whatsapp_connection_get() -> WhatsAppConnection | None:
    return WhatsAppConnection.objects.first()


def whatsapp_webhook_path() -> str:
    return reverse("tenant_inbound_webhook", args=["whatsapp"], urlconf=settings.ROOT_URLCONF)


def _refusal(error: whatsapp.WhatsAppError, field: str | None = None) -> DomainError:
    if error.code is None:
        return DomainError(_("WhatsApp could not be reached. Nothing was sent: try again in a few minutes."),
                           code="unreachable")
    if error.token_refused:
        return DomainError(
            _("WhatsApp refused the access token (it may have expired): connect again with a new one. %(meta)s")
            % {"meta": error.message}, field="api_key", code="token_refused",
        )
    if error.template_refused:
        return DomainError(
            _("WhatsApp refused the template: %(meta)s") % {"meta": error.message}, field="template",
            code="template_refused",
        )
    return DomainError(_("WhatsApp refused the message: %(meta)s") % {"meta": error.message}, field=field)


@transaction.atomic
def whatsapp_connect(
    *, actor: User, phone_number: str, phone_number_id: str, api_key: str, api_secret: str
) -> WhatsAppConnection:
    """Check the number and token with Meta, then keep them; connecting again replaces them."""
    try:
        found = whatsapp.phone_number_get(phone_number_id=phone_number_id, access_token=api_key)
    except whatsapp.WhatsAppError as error:
        if error.rate_limited:
            raise WhatsAppRateLimited(error.message) from error
        raise _refusal(error, field="phone_number_id") from error
    WhatsAppConnection.objects.select_for_update().all().delete()
    kept = WhatsAppConnection.objects.create(
        phone_number=phone_number, phone_number_id=phone_number_id, display_name=found.verified_name[:200],
        access_token=api_key, app_secret=api_secret, verify_token=secrets.token_urlsafe(24), connected_by=actor,
    )
    event_record(name="integration.connected", payload={"id": kept.pk, "provider": "whatsapp"}, actor=actor)
    return kept


@transaction.atomic
def whatsapp_disconnect(*, actor: User) -> None:
    kept = WhatsAppConnection.objects.select_for_update().first()
    if kept is None:
        return
    event_record(name="integration.disconnected", payload={"id": kept.pk, "provider": "whatsapp"}, actor=actor)
    kept.delete()


@transaction.atomic
def whatsapp_send(
    *, actor: User | None, to: str, template: str, variables: dict[str, str], language: str = "",
    invoice: Invoice | None = None,
) -> WhatsAppMessage:
    kept = WhatsAppConnection.objects.first()
    if kept is None:
        raise DomainError(_("WhatsApp is not connected."), code="not_connected")
    try:
        number = phone_normalize(to, region=tenant_region())
    except ValidationError as error:
        raise DomainError(error.messages[0], field="to") from None
    if not number:
        raise DomainError(_("Enter a valid phone number, with its country code."), field="to")
    code = language or TEMPLATE_LANGUAGES.get(getattr(actor, "language", "") or "", "en_US")
    try:
        wamid = whatsapp.template_send(
            phone_number_id=kept.phone_number_id, access_token=kept.access_token, to=number,
            template=template, language=code, variables=variables,
        )
    except whatsapp.WhatsAppError as error:
        if error.rate_limited:
            raise WhatsAppRateLimited(error.message) from error
        raise _refusal(error) from error
    return WhatsAppMessage.objects.create(
        wamid=wamid, to=number, template=template, variables=variables, invoice=invoice, sent_by=actor,
    )


# --- Meta's webhook (on the workspace's own host) --------------------------------------------------


def whatsapp_handshake(query: Mapping[str, str]) -> str | None:
    """Meta's GET: `hub.mode=subscribe`, our verify token, and a challenge to echo."""
    kept = WhatsAppConnection.objects.first()
    token = query.get("hub.verify_token", "")
    if kept is None or query.get("hub.mode") != "subscribe" or not hmac.compare_digest(token, kept.verify_token):
        return None
    return query.get("hub.challenge", "")


def whatsapp_webhook_verify(body: bytes, headers: Mapping[str, str]) -> bool:
    """`X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with the app secret>`."""
    kept = WhatsAppConnection.objects.first()
    header = headers.get("X-Hub-Signature-256") or ""
    if kept is None or not header.startswith("sha256="):
        return False
    expected = hmac.new(kept.app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def whatsapp_webhook_handle(event: dict) -> dict:
    """Delivery statuses of our messages; a status never goes back (Meta may send them out of order)."""
    updated = 0
    for entry in event.get("entry") or []:
        for change in entry.get("changes") or []:
            for status in (change.get("value") or {}).get("statuses") or []:
                updated += _status_apply(status)
    return {"updated": updated}


def _status_apply(status: dict) -> int:
    message = WhatsAppMessage.objects.select_for_update().filter(wamid=status.get("id") or "").first()
    new = status.get("status")
    if message is None or new not in MessageStatus.values:
        return 0
    if new == MessageStatus.FAILED:
        errors = status.get("errors") or [{}]
        message.status = MessageStatus.FAILED
        message.error = " ".join(
            str(part) for part in (errors[0].get("code"), errors[0].get("title"), errors[0].get("message")) if part
        )[:1000]
    elif message.status == MessageStatus.FAILED or STATUS_ORDER.index(new) <= STATUS_ORDER.index(message.status):
        return 0
    else:
        message.status = new
    message.save(update_fields=["status", "error", "updated_at"])
    return 1


# --- Payment reminders ---------------------------------------------------------------------------


def whatsapp_reminder_queue(*, invoice: Invoice) -> None:
    """Invoicing's reminder hook: the reminder goes on WhatsApp too, when connected and the
    customer has a phone; sent by a task after the reminder commits."""
    if not invoice.customer.phone or not WhatsAppConnection.objects.exists():
        return
    on_commit_in_this_tenant(lambda: app.signature("integrations.whatsapp_reminder_send").delay(invoice.pk))


def whatsapp_reminder_send(*, invoice_id: int, template: str) -> WhatsAppMessage | None:
    invoice = Invoice.objects.select_related("customer").filter(pk=invoice_id).first()
    if invoice is None or not invoice.customer.phone:
        return None
    # Money written as the invoice's reader and the company's country write it, as in its email.
    with translation.override(invoice.language), country_override(tenant_format_country(db_connection.tenant)):
        variables = {
            "customer_name": invoice.customer.name,
            "amount": format_money(invoice.total, invoice.currency),
            "invoice_number": invoice.number,
            "due_date": date_format(invoice.due_date, "SHORT_DATE_FORMAT"),
        }
    return whatsapp_send(
        actor=None, to=invoice.customer.phone, template=template, variables=variables,
        language=TEMPLATE_LANGUAGES.get(invoice.language.lower(), "en_US"), invoice=invoice,
    )

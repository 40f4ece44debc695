"""PIX charges, for an invoice or on their own, on the tested library in `brazil/pix.py`.

- Settings (`pix_settings_save`, managers and admins): the workspace's key (checked and written
  as the DICT stores it), the name and city its codes show, its PSP, and the secret its webhook
  notifications are signed with, made on the first save and shown that once.
- Static (`pix_create`): the key, the amount when there is one and a txid of 25 letters and
  digits that the payment's notification echoes. Reusable; it never expires.
- Dynamic: a `cob` at the PSP (psp.py: API Pix, or the sandbox) with a txid of 32 letters and
  digits, paid once, expiring `expires_in_hours` (1 to 720, 24 by default) after it is made; its
  code carries the PSP's location, where the payer's app reads amount and expiry. An amount is
  needed. `pix_check` asks the PSP what became of it.
- Expiry: a charge past `expires_at` reads as expired at once (selectors_charges.pix_status); an
  hourly task writes it down (`pix_charges_expire`).
- An invoice's charge is of its total (charges.py); PIX is in reais only.
- Payments (`pix_webhook_handle`, `pix_payment_receive`) settle the invoice through
  `settlement.invoice_payment_receive`, keyed on the payment's end-to-end id (or the charge's id
  when the notification has none), so a notification delivered twice changes nothing; an amount
  other than the charge's is refused whole.

The webhook is `POST https://<workspace>.innexar.app/webhooks/pix/`: the host names the
workspace before anything is read; the body is signed with its secret (SIGNATURE_HEADER, the
kit's `t=<unix time>,v1=<HMAC-SHA256 of "<t>.<raw body>">`, five minutes of tolerance).
"""

import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.exceptions import DomainError
from modules.core.filters import ID_MAX
from modules.core.money import format_money
from modules.core.webhooks import WebhookRefused, timestamped_signature_valid
from modules.events.services import event_record, payload_changes

from . import events
from .brazil.common import PaymentDataError
from .brazil.pix import pix_dynamic_payload, pix_key, pix_static_payload, qr_png_data_uri
from .charges import CHARGE_CURRENCY, charge_amount, invoice_chargeable
from .models import ChargeStatus, Invoice, Pix, PixSettings, PixType
from .psp import API_PIX, REMOVED, SANDBOX, PspError, psp_for
from .selectors_charges import pix_settings_current
from .settlement import invoice_payment_receive

DEFAULT_EXPIRY_HOURS = 24
MAX_EXPIRY_HOURS = 720  # 30 days
STATIC_TXID_LENGTH = 25  # the most a static code's txid holds
DYNAMIC_TXID_LENGTH = 32  # API Pix's cob: 26 to 35
TXID_ALPHABET = string.ascii_letters + string.digits
SIGNATURE_HEADER = "X-Innexar-Signature"


# --- Settings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedPixSettings:
    settings: PixSettings
    webhook_secret: str | None  # the new secret, shown this once; None when it did not change


@transaction.atomic
def pix_settings_save(*, actor, changes: dict, rotate_webhook_secret: bool = False) -> SavedPixSettings:
    """Create or change the workspace's PIX set-up with `changes` (key, merchant_name,
    merchant_city, psp, psp_base_url, psp_client_id, psp_client_secret). A secret left out is
    kept. The webhook secret is made on the first save, and again when asked to rotate it."""
    pix_settings = PixSettings.objects.select_for_update().first() or PixSettings()
    before = events.pix_settings_json(pix_settings) if pix_settings.pk else None
    for name, value in changes.items():
        setattr(pix_settings, name, value)
    if pix_settings.psp == SANDBOX:
        pix_settings.psp = ""
    _settings_check(pix_settings)
    new_secret = None
    if rotate_webhook_secret or not pix_settings.webhook_secret:
        new_secret = pix_settings.webhook_secret = secrets.token_urlsafe(32)
    pix_settings.save()
    after = events.pix_settings_json(pix_settings)
    changed = payload_changes(before or {}, after)
    if new_secret and before is not None:
        changed["webhook_secret"] = {"old": "(secret)", "new": "(secret)"}  # that it changed, never its value
    if before is None or changed:
        event_record(name=events.PIX_SETTINGS_UPDATED, payload=after, actor=actor,
                     changes=changed if before is not None else None)
    return SavedPixSettings(pix_settings, new_secret)


def _settings_check(pix_settings: PixSettings) -> None:
    """A key the DICT would hold, a name and city a code can show, and a PSP that can be called."""
    for name, message in (("key", _("Enter the PIX key charges are paid to.")),
                          ("merchant_name", _("Enter the name your PIX codes show.")),
                          ("merchant_city", _("Enter the city your PIX codes show."))):
        if not getattr(pix_settings, name).strip():
            raise DomainError(message, field=name)
    try:
        pix_settings.key = pix_key(pix_settings.key).value
        pix_static_payload(pix_settings.key, merchant_name=pix_settings.merchant_name,
                           merchant_city=pix_settings.merchant_city)
    except PaymentDataError as error:
        raise DomainError(error.message, field=error.field) from None
    if pix_settings.psp == API_PIX:
        _psp_check(pix_settings)


def _psp_check(pix_settings: PixSettings) -> None:
    for name in ("psp_base_url", "psp_client_id", "psp_client_secret"):
        if not getattr(pix_settings, name):
            raise DomainError(_("A PSP needs its API address, client id and client secret."), field=name)
    # The client secret travels to this address: only over TLS, but for a fake PSP on this
    # machine in development.
    if urlsplit(pix_settings.psp_base_url).scheme != "https" and not django_settings.DEVELOPMENT:
        raise DomainError(_("The PSP's API address must start with https://."), field="psp_base_url")


def _settings_required() -> PixSettings:
    pix_settings = pix_settings_current()
    if pix_settings is None:
        raise DomainError(
            _("Set up your PIX key first: a manager or admin does it in the PIX settings."), field="type",
            code="no_pix_settings",
        )
    return pix_settings


# --- Charges ---------------------------------------------------------------------------------


@transaction.atomic
def pix_create(
    *, actor, type: str, invoice: Invoice | None = None, amount: Decimal | None = None,
    expires_in_hours: int | None = None,
) -> Pix:
    """A static code or a dynamic charge, for `invoice` (locked by the caller) or on its own."""
    pix_settings = _settings_required()
    if invoice is not None:
        invoice_chargeable(invoice)
        amount = charge_amount(invoice, amount)
    if type == PixType.STATIC:
        pix = _static(pix_settings, amount=amount, expires_in_hours=expires_in_hours)
    else:
        pix = _dynamic(pix_settings, invoice=invoice, amount=amount, expires_in_hours=expires_in_hours)
    pix.invoice = invoice
    pix.save()
    event_record(name=events.PIX_CREATED, payload=events.pix_json(pix), actor=actor)
    return pix


def _static(pix_settings: PixSettings, *, amount: Decimal | None, expires_in_hours: int | None) -> Pix:
    if expires_in_hours is not None:
        raise DomainError(
            _("A static PIX code does not expire: leave the expiry out, or make a dynamic charge."),
            field="expires_in_hours",
        )
    txid = _txid(STATIC_TXID_LENGTH)
    payload = _payload(pix_static_payload, pix_settings.key, pix_settings, amount=amount, txid=txid)
    return Pix(type=PixType.STATIC, txid=txid, key=pix_settings.key, amount=amount, qr_code_text=payload)


def _dynamic(pix_settings: PixSettings, *, invoice: Invoice | None, amount: Decimal | None,
             expires_in_hours: int | None) -> Pix:
    if amount is None:
        raise DomainError(_("A dynamic PIX charge needs an amount."), field="amount")
    hours = expires_in_hours or DEFAULT_EXPIRY_HOURS
    description = _("Invoice %(number)s") % {"number": invoice.number} if invoice else ""
    try:
        cob = psp_for(pix_settings).cob_create(
            txid=_txid(DYNAMIC_TXID_LENGTH), amount=amount, key=pix_settings.key, expires_in=hours * 3600,
            description=description,
        )
    except PspError as error:
        raise DomainError(error.message, code="psp_refused") from None
    payload = _payload(pix_dynamic_payload, cob.location, pix_settings, amount=amount)
    return Pix(
        type=PixType.DYNAMIC, txid=cob.txid, key=pix_settings.key, amount=amount, qr_code_text=payload,
        location=f"https://{cob.location}", expires_at=cob.created_at + timedelta(seconds=cob.expires_in),
    )


def _payload(build, target: str, pix_settings: PixSettings, **values) -> str:
    try:
        return build(target, merchant_name=pix_settings.merchant_name, merchant_city=pix_settings.merchant_city,
                     **values)
    except PaymentDataError as error:
        raise DomainError(error.message, field=error.field) from None


def _txid(length: int) -> str:
    return "".join(secrets.choice(TXID_ALPHABET) for _position in range(length))


def pix_qr_code(pix: Pix) -> str:
    """The charge's code as a QR image (a PNG data URI)."""
    return qr_png_data_uri(pix.qr_code_text)


@transaction.atomic
def pix_check(*, actor, pix: Pix) -> Pix:
    """Ask the PSP what became of a dynamic charge (`GET /v2/cob/{txid}`): the payments it lists
    are received as the webhook's are; a charge the PSP removed is cancelled. The sandbox, and a
    static code, have nothing to ask."""
    if pix.type != PixType.DYNAMIC:
        return pix
    try:
        cob = psp_for(_settings_required()).cob_get(pix.txid)
    except PspError as error:
        raise DomainError(error.message, code="psp_refused") from None
    if cob is None:
        return pix
    for payment in cob.payments:
        pix_payment_receive(pix=pix, end_to_end_id=payment.end_to_end_id, amount=payment.amount,
                            paid_at=payment.paid_at, actor=actor)
        pix.refresh_from_db()
    if cob.status in REMOVED and pix.status == ChargeStatus.PENDING:
        pix.status = ChargeStatus.CANCELLED
        pix.save(update_fields=["status"])
        event_record(name=events.PIX_CANCELLED, payload=events.pix_json(pix), actor=actor)
    return pix


@transaction.atomic
def pix_charges_expire() -> int:
    """Write down the expiry of the pending charges past `expires_at`; how many."""
    expired = list(Pix.objects.select_for_update(skip_locked=True).filter(
        status=ChargeStatus.PENDING, expires_at__lte=timezone.now()
    ))
    for pix in expired:
        pix.status = ChargeStatus.EXPIRED
        pix.save(update_fields=["status"])
        event_record(name=events.PIX_EXPIRED, payload=events.pix_json(pix), actor=None)
    return len(expired)


# --- Payments --------------------------------------------------------------------------------


class PaymentOutcome:
    PAID = "paid"
    ALREADY_PAID = "already_paid"
    UNKNOWN = "unknown"  # no charge of this workspace: another system's payment to the same key


def pix_payment_receive(*, pix: Pix, end_to_end_id: str, amount: Decimal, paid_at: datetime, actor=None) -> str:
    """Money that arrived for `pix`: its invoice settled (settlement.py), or the charge alone
    marked paid when it has no invoice. An amount other than the charge's is refused."""
    if pix.amount is not None and amount != pix.amount:
        raise DomainError(
            _("The amount paid (%(paid)s) is not the charge's amount (%(amount)s).")
            % {"paid": format_money(amount, CHARGE_CURRENCY), "amount": format_money(pix.amount, CHARGE_CURRENCY)},
            field="amount", code="amount_mismatch",
        )
    if pix.invoice_id is None:
        return _standalone_paid(pix, end_to_end_id=end_to_end_id, amount=amount, paid_at=paid_at, actor=actor)
    received = invoice_payment_receive(
        invoice_id=pix.invoice_id, rail="pix", external_id=end_to_end_id or str(pix.pk), amount=amount,
        paid_at=paid_at, charge=pix, actor=actor,
    )
    if received.duplicate:
        return PaymentOutcome.ALREADY_PAID
    pix.end_to_end_id = end_to_end_id or pix.end_to_end_id
    pix.save(update_fields=["end_to_end_id"])
    event_record(name=events.PIX_PAID, payload=events.pix_json(pix), actor=actor)
    return PaymentOutcome.PAID


def _standalone_paid(pix: Pix, *, end_to_end_id: str, amount: Decimal, paid_at: datetime, actor) -> str:
    """A charge with no invoice records its first payment; a code reused after that is the
    receiver's statement's to show."""
    pix = Pix.objects.select_for_update().get(pk=pix.pk)
    if pix.status == ChargeStatus.PAID:
        return PaymentOutcome.ALREADY_PAID
    pix.status, pix.paid_at, pix.paid_amount, pix.end_to_end_id = ChargeStatus.PAID, paid_at, amount, end_to_end_id
    pix.save(update_fields=["status", "paid_at", "paid_amount", "end_to_end_id"])
    event_record(name=events.PIX_PAID, payload=events.pix_json(pix), actor=actor)
    return PaymentOutcome.PAID


# --- The webhook -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Notification:
    """One payment a notification reports, and the charge it names (by id or txid)."""

    pix_id: int | None
    txid: str | None
    end_to_end_id: str
    amount: Decimal
    paid_at: datetime


def pix_webhook_verify(body: bytes, headers) -> bool:
    """Signed with this workspace's webhook secret (run inside its scope), recently."""
    pix_settings = pix_settings_current()
    secret = pix_settings.webhook_secret if pix_settings else ""
    return bool(secret) and timestamped_signature_valid(body, headers.get(SIGNATURE_HEADER), secret)


def pix_webhook_handle(event: dict) -> dict:
    """`{"pix_id", "paid_at", "amount"}` (the spec's, with an optional `end_to_end_id`), or API
    Pix's `{"pix": [{"endToEndId", "txid", "valor", "horario"}]}`. Each payment is received; one
    refused refuses the notification whole (a 400: the webhook's transaction rolls back)."""
    try:
        return {"payments": [_notification_received(notification) for notification in _notifications(event)]}
    except DomainError as refusal:
        raise WebhookRefused(refusal.message) from None


def _notification_received(notification: "Notification") -> dict:
    pix = _notified_charge(notification)
    if pix is None:
        outcome = PaymentOutcome.UNKNOWN
    else:
        outcome = pix_payment_receive(pix=pix, end_to_end_id=notification.end_to_end_id,
                                      amount=notification.amount, paid_at=notification.paid_at)
    return {"pix_id": pix.pk if pix else notification.pix_id, "txid": pix.txid if pix else notification.txid,
            "outcome": outcome}


def _notified_charge(notification: Notification) -> Pix | None:
    charges = Pix.objects.all()
    if notification.pix_id is not None:
        return charges.filter(pk=notification.pix_id).first()
    return charges.filter(txid=notification.txid).first()


def _notifications(event: dict) -> list[Notification]:
    try:
        if "pix" in event:
            return [_api_pix_notification(payment) for payment in event["pix"]]
        return [Notification(
            pix_id=_pix_id(event["pix_id"]), txid=None, end_to_end_id=_end_to_end_id(event.get("end_to_end_id")),
            amount=_amount(event["amount"]), paid_at=_paid_at(event["paid_at"]),
        )]
    except (KeyError, TypeError, ValueError, InvalidOperation):
        raise DomainError(_("This is not a PIX notification: it needs pix_id, paid_at and amount, or the API Pix's "
                            "pix list.")) from None


def _api_pix_notification(payment: dict) -> Notification:
    return Notification(
        pix_id=None, txid=str(payment["txid"]), end_to_end_id=_end_to_end_id(payment["endToEndId"]),
        amount=_amount(payment["valor"]), paid_at=_paid_at(payment["horario"]),
    )


def _pix_id(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError("pix_id is an integer")
    if not 1 <= int(value) <= ID_MAX:
        raise ValueError("pix_id is a record's id")
    return int(value)


def _end_to_end_id(value) -> str:
    """The payment's end-to-end id: 32 letters and digits (E + ISPB + date + sequence)."""
    if value is None:
        return ""
    text = str(value)
    if len(text) != 32 or not text.isalnum() or not text.isascii():
        raise ValueError("an end-to-end id has 32 letters and digits")
    return text


def _amount(value) -> Decimal:
    amount = Decimal(str(value))
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError("an amount in reais")
    return amount


def _paid_at(value) -> datetime:
    moment = datetime.fromisoformat(str(value))
    if timezone.is_naive(moment):
        raise ValueError("a moment with its offset")
    return moment

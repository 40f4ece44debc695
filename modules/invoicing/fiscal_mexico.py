"""Mexico's fiscal step: an issued invoice's CFDI 4.0, sealed with the company's CSD and stamped by
a PAC, its cancellation with SAT's reasons, and the payment complement (Pagos 2.0) of each payment
it receives, over the fiscal_mx library.

Where the data comes from: the company settings (RFC, name, regime, postal code: LugarExpedicion),
the customer (RFC, name, postal code, regime, UsoCFDI; the RFC XAXX010101000 is the public in
general, with its InformacionGlobal) and the items (ClaveProdServ and ClaveUnidad, with SAT's
defaults: 01010101, and ACT for a service or H87 for goods; a line is a service when its
ClaveProdServ is generic or in the UNSPSC service segments, 70 and over). A line's tax rate is its
IVA (16, 8 or 0 %). The customer's name is its company for a company's RFC (12 characters), its
own name for a person's (13).

An invoice is issued unpaid, so its CFDI is PPD (paid later, FormaPago 99 "por definir"), as SAT's
Guía de llenado requires; each payment then gets its complement. The folio is the invoice's number.
"""

import logging
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.exceptions import DomainError
from modules.core.files import tenant_file_path
from modules.tenancy.models import CompanyProfile
from modules.tenancy.selectors import company_profile_current

from .fiscal import FiscalResult
from .fiscal_mx.catalogs import CANCEL_REASONS
from .fiscal_mx.cfdi import invoice_seal
from .fiscal_mx.csd import Csd, csd_for
from .fiscal_mx.errors import PacUnavailable
from .fiscal_mx.inputs import (
    GENERIC_PRODUCT_CODE,
    PUBLIC_RFC,
    GlobalInfo,
    Issuer,
    Iva,
    Line,
    PaidInvoice,
    Payment,
    Receiver,
    StampedInvoice,
)
from .fiscal_mx.inputs import Invoice as CfdiInvoice
from .fiscal_mx.pac import SandboxPac, SwSapienPac
from .fiscal_mx.pagos import payment_seal
from .fiscal_mx.pdf import cfdi_pdf
from .fiscal_settings import csd_certificate, fiscal_settings
from .models import (
    FiscalEnvironment,
    FiscalEvent,
    FiscalEventKind,
    FiscalProvider,
    FiscalSettings,
    Invoice,
    InvoicePayment,
)

logger = logging.getLogger(__name__)

STAMPED = "stamped"
IVA_BY_RATE = {Decimal(16): Iva.RATE_16, Decimal(8): Iva.RATE_8, Decimal(0): Iva.RATE_0}
SERVICE_SEGMENT = "70"  # UNSPSC segments 70-95 are services
SW_SAPIEN_URLS = {FiscalEnvironment.HOMOLOGATION: "https://services.test.sw.com.mx",
                  FiscalEnvironment.PRODUCTION: "https://services.sw.com.mx"}
# SAT's c_FormaPago of the money each rail or finance method brings.
PAYMENT_FORMS = {"cash": "01", "bank_transfer": "03", "pix": "03", "credit_card": "04", "card": "04"}


def _rfc(text: str) -> str:
    return "".join(char for char in text.upper() if char.isalnum() or char == "&")


def _issuer(profile: CompanyProfile) -> Issuer:
    return Issuer(rfc=_rfc(profile.tax_id), name=(profile.legal_name or profile.tenant.name).upper(),
                  tax_regime=profile.tax_regime)


def _receiver(invoice: Invoice, place_of_issue: str) -> Receiver:
    contact = invoice.customer
    rfc = _rfc(contact.tax_id)
    if rfc == PUBLIC_RFC:
        return Receiver.public_in_general(place_of_issue)
    name = contact.company if len(rfc) == 12 and contact.company else contact.name
    return Receiver(rfc=rfc, name=name.upper(), postal_code=contact.postal_code, tax_regime=contact.tax_regime,
                    cfdi_use=contact.cfdi_use)


def _is_service(product_code: str) -> bool:
    return not product_code or product_code == GENERIC_PRODUCT_CODE or product_code[:2] >= SERVICE_SEGMENT


def _lines(invoice: Invoice) -> tuple[Line, ...]:
    from .services import items_figures  # the services import this module's registry at their top

    items = list(invoice.items.all())
    figures = items_figures([{field: getattr(item, field) for field in ("quantity", "unit_price", "discount",
                                                                         "tax_rate")} for item in items],
                            invoice_discount=invoice.invoice_discount, currency=invoice.currency)
    lines, problems = [], {}
    for number, (item, line) in enumerate(zip(items, figures.lines, strict=True), start=1):
        iva = IVA_BY_RATE.get(item.tax_rate.normalize())
        if iva is None:
            problems.setdefault(f"lines[{number - 1}].iva", []).append(
                _("Item %(number)d: the IVA rate must be 16, 8 or 0 %%.") % {"number": number})
        lines.append(Line(
            description=item.description, quantity=item.quantity.normalize(), unit_price=item.unit_price.normalize(),
            sat_product_code=item.sat_product_code or GENERIC_PRODUCT_CODE, sat_unit_code=item.sat_unit_code or None,
            service=_is_service(item.sat_product_code) if not item.sat_unit_code else None,
            discount=line.discount + line.invoice_discount, iva=iva,
        ))
    if problems:
        raise ValidationError(problems)
    return tuple(lines)


def cfdi_input(invoice: Invoice, profile: CompanyProfile, *, issued_at: datetime) -> CfdiInvoice:
    place = profile.postal_code.strip()
    receiver = _receiver(invoice, place)
    local = timezone.localtime(issued_at)
    global_info = GlobalInfo("01", f"{local.month:02d}", local.year) if receiver.rfc == PUBLIC_RFC else None
    return CfdiInvoice(
        issuer=_issuer(profile), receiver=receiver, lines=_lines(invoice), place_of_issue=place,
        issued_at=issued_at, payment_method="PPD", currency=invoice.currency, folio=invoice.number,
        global_info=global_info,
    )


def _pac(settings: FiscalSettings, provider: str):
    if provider == FiscalProvider.SW_SAPIEN:
        return SwSapienPac(settings.provider_base_url or SW_SAPIEN_URLS[settings.environment],
                           token=settings.provider_token)
    return SandboxPac()


def _csd(profile: CompanyProfile, provider: str) -> Csd | None:
    return csd_for(_rfc(profile.tax_id), csd_certificate(), sandbox=provider == FiscalProvider.SANDBOX)


def _file(name: str, content: bytes) -> str:
    return default_storage.save(tenant_file_path(connection.tenant.pk, "cfdi", name), ContentFile(content))


def _unavailable(error: PacUnavailable) -> DomainError:
    logger.warning("PAC unavailable: %s", error.detail)
    return DomainError(error.message, code="pac_unavailable")


def mexico_issue(invoice: Invoice) -> FiscalResult:
    """The invoice's CFDI, sealed and stamped, when the company issues fiscal documents. A
    refusal (pre-flight, the PAC) refuses the issue: nothing stays, the data is fixed and the
    invoice issued again."""
    settings = fiscal_settings()
    if not settings.enabled:
        return FiscalResult()
    profile = company_profile_current()
    provider = settings.provider if settings.provider != FiscalProvider.FOCUS_NFE else FiscalProvider.SANDBOX
    sealed = invoice_seal(cfdi_input(invoice, profile, issued_at=invoice.issued_at), csd=_csd(profile, provider))
    try:
        stamp = _pac(settings, provider).stamp(sealed.xml)
    except PacUnavailable as error:
        raise _unavailable(error) from None
    return FiscalResult(
        cfdi_uuid=stamp.uuid.upper(), cfdi_xml=_file(f"{stamp.uuid}.xml", stamp.xml),
        fiscal_document="cfdi", fiscal_provider=provider,  # its PDF follows the commit (fiscal_pdf_make)
        fiscal_protocol=stamp.sat_certificate_number, fiscal_outcome=STAMPED,
        fiscal_authorized_at=timezone.now(),
    )


def mexico_cancel(invoice: Invoice, *, actor, reason_code: str, substitute_uuid: str) -> FiscalEvent:
    """Cancel the CFDI with SAT's reason (01 with the CFDI that replaces it, 02, 03, 04)."""
    if reason_code not in CANCEL_REASONS:
        raise ValidationError({"cancel_reason_code": [_("Choose SAT's reason for cancelling: 01, 02, 03 or 04.")]})
    profile = company_profile_current()
    csd = _csd(profile, invoice.fiscal_provider)
    if csd is None:
        raise ValidationError({"certificate": [_("Upload the company's CSD: SAT's cancellation is signed with it.")]})
    try:
        cancellation = _pac(fiscal_settings(), invoice.fiscal_provider).cancel(
            uuid=invoice.cfdi_uuid, csd=csd, reason=reason_code, substitute_uuid=substitute_uuid or None,
        )
    except PacUnavailable as error:
        raise _unavailable(error) from None
    return FiscalEvent.objects.create(
        invoice=invoice, kind=FiscalEventKind.CANCELLATION, text=substitute_uuid, code=reason_code,
        reason=CANCEL_REASONS[reason_code], protocol=cancellation.status,
        xml=_file(f"{invoice.cfdi_uuid}-cancelacion.xml", cancellation.acknowledgement), created_by=actor,
    )


def mexico_payment_complement(payment: InvoicePayment, *, method: str) -> FiscalEvent:
    """The Pagos 2.0 CFDI of a payment to a PPD invoice (every CFDI of ours is), stamped as the
    invoice was; once per payment (the FiscalEvent's payment is unique)."""
    invoice = payment.invoice
    profile = company_profile_current()
    place = profile.postal_code.strip()
    document = cfdi_input(invoice, profile, issued_at=invoice.issued_at)
    installment = FiscalEvent.objects.filter(invoice=invoice, kind=FiscalEventKind.PAYMENT).count() + 1
    paid = min(payment.amount, invoice.total)
    complement = Payment(
        issuer=document.issuer, receiver=document.receiver, place_of_issue=place, issued_at=timezone.now(),
        paid_at=payment.paid_at, payment_form=PAYMENT_FORMS.get(method or payment.rail, ""),
        currency=invoice.currency, folio=f"{invoice.number}-P{installment}",
        invoices=(PaidInvoice(StampedInvoice(document, invoice.cfdi_uuid), installment=installment,
                              previous_balance=invoice.total, amount=paid),),
    )
    sealed = payment_seal(complement, csd=_csd(profile, invoice.fiscal_provider))
    try:
        stamp = _pac(fiscal_settings(), invoice.fiscal_provider).stamp(sealed.xml)
    except PacUnavailable as error:
        raise _unavailable(error) from None
    with transaction.atomic():
        return FiscalEvent.objects.create(
            invoice=invoice, kind=FiscalEventKind.PAYMENT, sequence=installment, text=method or payment.rail,
            protocol=stamp.uuid.upper(), payment=payment, xml=_file(f"{stamp.uuid}.xml", stamp.xml),
            pdf=_file(f"{stamp.uuid}.pdf", cfdi_pdf(stamp.xml)),
        )


def mexico_message(invoice: Invoice) -> str:
    if invoice.fiscal_cancelled_at:
        return _("The CFDI was cancelled.")
    return _("The PAC stamped the CFDI: fiscal folio %(uuid)s.") % {"uuid": invoice.cfdi_uuid}

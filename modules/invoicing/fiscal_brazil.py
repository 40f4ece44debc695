"""Brazil's fiscal step: an issued invoice's NF-e (or NFS-e, by the company settings), its
cancellation and its correction letters, over the fiscal_br library.

Where the data comes from: the company settings (CNPJ, IE, IM, regime, address with its IBGE
code), the fiscal settings (series, provider, PIS/COFINS regime, payment method, ISS rate, NBS),
the customer (CPF/CNPJ, IE, address: its IBGE code is found from its city and state) and the
items (NCM, CFOP, service code). Addresses are one line written the Brazilian way, "Rua Augusta,
1500 - Consolação" (core.brazil.ibge.address_parts); a part missing is named by the pre-flight.
The customer's name on the NF-e is its company for a CNPJ, its own name for a CPF.

Numbers. A series' numbers come from core.numbering inside the issue's transaction
(`nfe:<cnpj>:<series>`), so a refusal before the document exists (pre-flight, a sandbox or
provider rejection answered at once) rolls the number back with the rest: the next try takes the
same number, nothing skips. A rejection heard later (the provider's polling) keeps the number on
the invoice, and the corrected document is sent again under it (`fiscal_br`'s numbering note:
SEFAZ records no rejected number, reusing it is what it expects; voiding would leave a gap). A
denial uses its number up, as SEFAZ records it.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.brazil.ibge import address_parts, city_code_for, state_code
from modules.core.exceptions import DomainError
from modules.core.files import tenant_file_path
from modules.core.numbering import sequence_next
from modules.tenancy.models import CompanyProfile, FiscalDocument
from modules.tenancy.selectors import company_profile_current

from .fiscal import FiscalResult
from .fiscal_br import sandbox
from .fiscal_br.access_key import numeric_code_new
from .fiscal_br.codes import HOMOLOGATION, PRODUCTION
from .fiscal_br.errors import FiscalDataError
from .fiscal_br.inputs import Address, DPSInput, Emitter, Item, NFeInput, Payment, Recipient, Service
from .fiscal_br.nfe import nfe_issue
from .fiscal_br.nfe_events import cancellation_check, cancellation_event, correction_check, correction_event
from .fiscal_br.nfse import dps_issue
from .fiscal_br.preflight import dps_preflight, nfe_preflight
from .fiscal_br.provider_focus import HOMOLOGATION_URL, PRODUCTION_URL, FocusError, FocusNFe
from .fiscal_br.results import AUTHORIZED, CANCELLED, DENIED, PROCESSING, REJECTED, Authorization, EventResult
from .fiscal_br.signing import Certificate, sandbox_certificate
from .fiscal_settings import a1_certificate, fiscal_settings, series_key
from .models import (
    FiscalEnvironment,
    FiscalEvent,
    FiscalEventKind,
    FiscalProvider,
    FiscalSettings,
    FiscalStatus,
    Invoice,
)

STATUS_BY_OUTCOME = {AUTHORIZED: FiscalStatus.AUTHORIZED, DENIED: FiscalStatus.DENIED,
                     PROCESSING: FiscalStatus.PENDING, CANCELLED: FiscalStatus.CANCELLED}


def fiscal_data_refusal(error: FiscalDataError) -> ValidationError:
    """One 400 naming every problem, each under the path of the datum at fault."""
    errors: dict[str, list[str]] = {}
    for problem in error.problems:
        errors.setdefault(problem.field, []).append(problem.message)
    return ValidationError(errors)


# --- Inputs ----------------------------------------------------------------------------------------


def _address(address: str, *, city: str, state: str, postal_code: str, city_code: str = "") -> Address:
    street, number, district = address_parts(address)
    uf = state_code(state)
    return Address(street=street, number=number, district=district, city=city, state=uf or state.strip(),
                   city_code=city_code or (city_code_for(city, uf) if uf else ""), postal_code=postal_code)


def _emitter(profile: CompanyProfile, settings: FiscalSettings) -> Emitter:
    return Emitter(
        tax_id=profile.tax_id, name=profile.legal_name or profile.tenant.name, trade_name=profile.trade_name,
        address=_address(profile.address, city=profile.city, state=profile.state, postal_code=profile.postal_code,
                         city_code=profile.city_code),
        tax_regime=profile.tax_regime, state_registration=profile.state_registration,
        municipal_registration=profile.municipal_registration, pis_cofins_regime=settings.pis_cofins_regime,
    )


def _recipient(invoice: Invoice) -> Recipient:
    contact = invoice.customer
    company = len("".join(char for char in contact.tax_id if char.isalnum())) == 14
    return Recipient(
        tax_id=contact.tax_id, name=(contact.company if company and contact.company else contact.name),
        address=_address(contact.address, city=contact.city, state=contact.state, postal_code=contact.postal_code),
        state_registration=contact.state_registration, email=contact.email,
    )


def _items(invoice: Invoice, *, regime: str) -> tuple[Item, ...]:
    # Imported here: the services import this module's registry (fiscal.py) at their top.
    from .services import items_figures

    items = list(invoice.items.all())
    figures = items_figures([{field: getattr(item, field) for field in ("quantity", "unit_price", "discount",
                                                                         "tax_rate")} for item in items],
                            invoice_discount=invoice.invoice_discount, currency=invoice.currency)
    return tuple(
        Item(code=str(item.pk), description=item.description, ncm=item.ncm, quantity=item.quantity.normalize(),
             unit_price=item.unit_price.normalize(), discount=line.discount + line.invoice_discount, cfop=item.cfop,
             # Outside the Simples Nacional each line's ICMS rate is its tax rate.
             icms_rate=item.tax_rate if regime == "normal" else None)
        for item, line in zip(items, figures.lines, strict=True)
    )


def _environment(settings: FiscalSettings) -> int:
    """The sandbox only homologates; a provider issues for real once the company says production."""
    real = settings.provider != FiscalProvider.SANDBOX and settings.environment == FiscalEnvironment.PRODUCTION
    return PRODUCTION if real else HOMOLOGATION


def nfe_input(invoice: Invoice, settings: FiscalSettings, profile: CompanyProfile, *, series: int, number: int,
              numeric_code: str, issued_at: datetime) -> NFeInput:
    return NFeInput(
        emitter=_emitter(profile, settings), recipient=_recipient(invoice),
        items=_items(invoice, regime=profile.tax_regime),
        payment=Payment(settings.payment_method, deferred=invoice.due_date > invoice.issue_date),
        series=series, number=number, issued_at=issued_at, numeric_code=numeric_code,
        environment=_environment(settings), additional_info=invoice.notes,
    )


def dps_input(invoice: Invoice, settings: FiscalSettings, profile: CompanyProfile, *, series: int, number: int,
              issued_at: datetime) -> DPSInput:
    """An NFS-e is one service: the items' descriptions, their amounts, and their one service code."""
    emitter = _emitter(profile, settings)
    items = list(invoice.items.all())
    codes = sorted({item.service_code for item in items if item.service_code})
    if len(codes) > 1:
        raise ValidationError({"items": [_("An NFS-e is one service: give every item the same service code "
                                           "(%(codes)s are different ones).") % {"codes": ", ".join(codes)}]})
    return DPSInput(
        provider=emitter, taker=_recipient(invoice), series=series, number=number, issued_at=issued_at,
        environment=_environment(settings),
        service=Service(
            service_code=codes[0] if codes else "", description="; ".join(item.description for item in items),
            amount=invoice.subtotal, discount=invoice.discount, city=emitter.address.city,
            city_code=emitter.address.city_code, iss_rate=settings.iss_rate, nbs=settings.nbs,
        ),
    )


# --- Issue -----------------------------------------------------------------------------------------


def _focus(settings: FiscalSettings) -> FocusNFe:
    production = settings.environment == FiscalEnvironment.PRODUCTION
    return FocusNFe(settings.provider_token,
                    base_url=settings.provider_base_url or (PRODUCTION_URL if production else HOMOLOGATION_URL))


def _signer(certificate: Certificate | None, emitter: Emitter) -> Certificate:
    """The company's A1, or in homologation the sandbox's own test certificate for its CNPJ."""
    tax_id = "".join(char for char in emitter.tax_id.upper() if char.isalnum())
    return certificate or sandbox_certificate(tax_id, emitter.name.upper())


def _file(kind: str, name: str, content: bytes) -> str:
    return default_storage.save(tenant_file_path(connection.tenant.pk, kind, name), ContentFile(content))


def brazil_issue(invoice: Invoice) -> FiscalResult:
    """The invoice's NF-e or NFS-e, when the company issues fiscal documents (fiscal settings)."""
    settings = fiscal_settings()
    if not settings.enabled:
        return FiscalResult()
    profile = company_profile_current()
    if profile.fiscal_document == FiscalDocument.NFSE:
        return _nfse_issue(invoice, settings, profile)
    return _nfe_issue(invoice, settings, profile)


def _nfe_issue(invoice: Invoice, settings: FiscalSettings, profile: CompanyProfile) -> FiscalResult:
    resend = invoice.fiscal_document == FiscalDocument.NFE and bool(invoice.nfe_number)
    series = invoice.fiscal_series if resend else settings.nfe_series
    number = int(invoice.nfe_number) if resend else sequence_next(series_key("nfe", series))
    numeric_code = invoice.fiscal_numeric_code if resend else numeric_code_new(number)
    document = nfe_input(invoice, settings, profile, series=series, number=number, numeric_code=numeric_code,
                         issued_at=timezone.now())
    certificate = a1_certificate()
    try:
        nfe_preflight(document, certificate=certificate)
    except FiscalDataError as error:
        raise fiscal_data_refusal(error) from None
    reference = invoice.fiscal_reference or f"{invoice.number}-nfe"
    if settings.provider == FiscalProvider.FOCUS_NFE:
        try:
            answer = _focus(settings).send(reference, document)
        except FocusError as error:
            raise DomainError(error.message, code="provider_refused") from None
    else:
        issued = nfe_issue(document, _signer(certificate, document.emitter))
        answer = sandbox.nfe_authorize(issued.xml)
    if answer.outcome == REJECTED:  # nothing recorded: the issue rolls back, the number with it
        raise DomainError(answer.message, code="fiscal_rejected")
    return _result(invoice, answer, document="nfe", series=series, number=number, numeric_code=numeric_code,
                   provider=settings.provider, reference=reference)


def _nfse_issue(invoice: Invoice, settings: FiscalSettings, profile: CompanyProfile) -> FiscalResult:
    if settings.provider != FiscalProvider.SANDBOX:
        raise DomainError(_("NFS-e are issued through the sandbox only for now: choose the sandbox in the fiscal "
                            "settings."), field="provider", code="nfse_provider")
    series = settings.nfse_series
    number = sequence_next(series_key("nfse", series))
    document = dps_input(invoice, settings, profile, series=series, number=number, issued_at=timezone.now())
    certificate = a1_certificate()
    try:
        dps_preflight(document, certificate=certificate)
    except FiscalDataError as error:
        raise fiscal_data_refusal(error) from None
    signed = dps_issue(document, _signer(certificate, document.provider))
    answer = sandbox.dps_authorize(document, signed.xml)
    if answer.outcome == REJECTED:
        raise DomainError(answer.message, code="fiscal_rejected")
    return _result(invoice, answer, document="nfse", series=series, number=number, numeric_code="",
                   provider=settings.provider, reference=signed.id)


def _result(invoice: Invoice, answer: Authorization, *, document: str, series: int, number: int, numeric_code: str,
            provider: str, reference: str) -> FiscalResult:
    # The DANFE is drawn after the issue commits (fiscal_documents.fiscal_pdf_make): it takes
    # WeasyPrint a second, and the XML is the document the law knows.
    xml = _file("nfe", f"{answer.key or invoice.number}-{document}.xml", answer.xml) if answer.xml else ""
    return FiscalResult(
        nfe_number=f"{number:06d}" if document == "nfe" else str(number), nfe_key=answer.key,
        nfe_status=STATUS_BY_OUTCOME[answer.outcome], nfe_xml=xml, fiscal_document=document,
        fiscal_series=series, fiscal_numeric_code=numeric_code, fiscal_provider=provider, fiscal_reference=reference,
        fiscal_protocol=answer.protocol, fiscal_outcome=answer.outcome, fiscal_code=answer.code,
        fiscal_reason=answer.reason,
        fiscal_authorized_at=timezone.now() if answer.outcome == AUTHORIZED else None,
    )


def brazil_refresh(invoice: Invoice) -> FiscalResult | None:
    """Ask the provider where a pending NF-e stands: None while it is still processing. A late
    rejection clears the status and keeps the number, for the corrected document to go again."""
    settings = fiscal_settings()
    try:
        answer = _focus(settings).status(invoice.fiscal_reference)
    except FocusError as error:
        raise DomainError(error.message, code="provider_refused") from None
    if answer.outcome == PROCESSING:
        return None
    if answer.outcome == REJECTED:
        return FiscalResult(fiscal_outcome=REJECTED, fiscal_code=answer.code, fiscal_reason=answer.reason,
                            clear=("nfe_status",))
    return _result(invoice, answer, document="nfe", series=invoice.fiscal_series, number=int(invoice.nfe_number),
                   numeric_code=invoice.fiscal_numeric_code, provider=invoice.fiscal_provider,
                   reference=invoice.fiscal_reference)


# --- Cancellation and correction letters -----------------------------------------------------------


def _event_refusal(result: EventResult) -> DomainError:
    return DomainError(result.message, code="fiscal_event_refused")


def brazil_cancel(invoice: Invoice, *, actor, reason: str) -> FiscalEvent:
    """Cancel the authorised NF-e within SEFAZ's 24 hours, with a reason of 15 to 255 characters."""
    if invoice.fiscal_document == "nfse":
        raise DomainError(_("An NFS-e is cancelled with the municipality: Innexar does not send that request yet."),
                          code="nfse_cancel")
    try:
        cancellation_check(reason, invoice.fiscal_authorized_at, timezone.now())
    except FiscalDataError as error:
        raise ValidationError({"reason": [problem.message for problem in error.problems]}) from None
    if invoice.fiscal_provider == FiscalProvider.FOCUS_NFE:
        try:
            result = _focus(fiscal_settings()).cancel(invoice.fiscal_reference, reason)
        except FocusError as error:
            raise DomainError(error.message, code="provider_refused") from None
    else:
        event = cancellation_event(
            key=invoice.nfe_key, protocol=invoice.fiscal_protocol, justification=reason, cnpj=_cnpj(),
            environment=HOMOLOGATION, at=timezone.now(), certificate=_event_signer(),
        )
        result = sandbox.event_register(event, at=timezone.now())
    if not result.registered:
        raise _event_refusal(result)
    return _event_record(invoice, FiscalEventKind.CANCELLATION, 1, reason, result, actor)


def brazil_correct(invoice: Invoice, *, actor, correction: str) -> FiscalEvent:
    """A correction letter (CC-e): numbered, each replacing the one before, at most 20."""
    if invoice.fiscal_document != "nfe" or invoice.nfe_status != FiscalStatus.AUTHORIZED:
        raise DomainError(_("Only an authorised NF-e takes a correction letter."), code="not_correctable")
    sequence = FiscalEvent.objects.filter(invoice=invoice, kind=FiscalEventKind.CORRECTION).count() + 1
    try:
        correction_check(correction, sequence)
    except FiscalDataError as error:
        raise ValidationError({"correction": [problem.message for problem in error.problems]}) from None
    if invoice.fiscal_provider == FiscalProvider.FOCUS_NFE:
        try:
            result = _focus(fiscal_settings()).correct(invoice.fiscal_reference, correction)
        except FocusError as error:
            raise DomainError(error.message, code="provider_refused") from None
    else:
        event = correction_event(key=invoice.nfe_key, correction=correction, sequence=sequence, cnpj=_cnpj(),
                                 environment=HOMOLOGATION, at=timezone.now(), certificate=_event_signer())
        result = sandbox.event_register(event, at=timezone.now())
    if not result.registered:
        raise _event_refusal(result)
    return _event_record(invoice, FiscalEventKind.CORRECTION, sequence, correction, result, actor)


def _cnpj() -> str:
    profile = company_profile_current()
    return "".join(char for char in profile.tax_id.upper() if char.isalnum())


def _event_signer() -> Certificate:
    profile = company_profile_current()
    return a1_certificate() or sandbox_certificate(_cnpj(), (profile.legal_name or profile.tenant.name).upper())


def _event_record(invoice: Invoice, kind: str, sequence: int, text: str, result: EventResult, actor) -> FiscalEvent:
    xml = _file("nfe", f"{invoice.nfe_key}-{kind}-{sequence}.xml", result.xml) if result.xml else ""
    return FiscalEvent.objects.create(
        invoice=invoice, kind=kind, sequence=sequence, text=text, code=result.code, reason=result.reason,
        protocol=result.protocol, xml=xml, created_by=actor,
    )


def brazil_message(invoice: Invoice) -> str:
    """SEFAZ's (or the national system's) last answer, in the active language."""
    nfse = invoice.fiscal_document == FiscalDocument.NFSE
    return Authorization(
        invoice.fiscal_outcome, invoice.fiscal_code, invoice.fiscal_reason, protocol=invoice.fiscal_protocol,
        document="NFS-e" if nfse else "NF-e", authority=sandbox.NATIONAL_SYSTEM if nfse else "SEFAZ",
    ).message

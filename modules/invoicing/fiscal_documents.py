"""What happens to an invoice's fiscal document after the issuer made it (fiscal.py registers the
issuers, fiscal_brazil.py and fiscal_mexico.py are them): the answer written on the invoice, a
provider asked again while SEFAZ processes, a resend after a late rejection, the cancellation,
correction letters and payment complements. The invoice services and the API call these.
"""

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innexar.celery import app
from modules.accounts.models import User
from modules.core.exceptions import DomainError
from modules.core.files import tenant_file_path
from modules.events.services import event_record
from modules.tenancy.tasks import on_commit_in_this_tenant

from . import events
from .fiscal import FiscalResult, fiscal_document_issue, fiscal_issuer_register
from .fiscal_br.danfe import danfe_pdf
from .fiscal_br.results import CANCELLED, REJECTED
from .fiscal_brazil import brazil_cancel, brazil_correct, brazil_issue, brazil_message, brazil_refresh
from .fiscal_mexico import mexico_cancel, mexico_issue, mexico_message, mexico_payment_complement
from .fiscal_mx.pdf import cfdi_pdf
from .models import FiscalEvent, FiscalStatus, Invoice, InvoicePayment

logger = logging.getLogger(__name__)

POLL_TASK = "invoicing.fiscal_document_poll"
COMPLEMENT_TASK = "invoicing.fiscal_payment_complement"
PDF_TASK = "invoicing.fiscal_document_pdf"


def fiscal_issuers_register() -> None:
    """Brazil's NF-e/NFS-e and Mexico's CFDI (the app's ready())."""
    fiscal_issuer_register("BR", brazil_issue)
    fiscal_issuer_register("MX", mexico_issue)


def fiscal_result_apply(invoice: Invoice, result: FiscalResult, *, actor: User | None) -> None:
    """Write the authority's answer on the invoice (the caller saves it); a document still being
    processed is asked for again once this commits."""
    changes = result.changes()
    if not changes:
        return
    for field, value in changes.items():
        setattr(invoice, field, value)
    invoice_id = invoice.pk
    if invoice.nfe_status == FiscalStatus.PENDING:
        on_commit_in_this_tenant(lambda: app.signature(POLL_TASK).apply_async((invoice_id,), countdown=5))
    if _pdf_due(invoice):
        on_commit_in_this_tenant(lambda: app.signature(PDF_TASK).delay(invoice_id))
    event_record(name=events.FISCAL_DOCUMENT_CHANGED, payload=events.fiscal_document_json(invoice), actor=actor)


def _pdf_due(invoice: Invoice) -> bool:
    """An authorised NF-e without its DANFE, a stamped CFDI without its printed PDF (an NFS-e's is
    the municipality's to print)."""
    if invoice.fiscal_document == "cfdi":
        return bool(invoice.cfdi_xml) and not invoice.cfdi_pdf
    return invoice.fiscal_document == "nfe" and bool(invoice.nfe_xml) and not invoice.nfe_pdf


def fiscal_pdf_make(*, invoice_id: int) -> None:
    """Draw the document's PDF from its stored XML (the DANFE, the CFDI's printed representation
    with SAT's QR) once the issue has committed; running it twice draws it once."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        if not _pdf_due(invoice):
            return
        if invoice.fiscal_document == "cfdi":
            with default_storage.open(invoice.cfdi_xml, "rb") as stored:
                invoice.cfdi_pdf = _pdf_file("cfdi", f"{invoice.cfdi_uuid}.pdf", cfdi_pdf(stored.read()))
            invoice.save(update_fields=["cfdi_pdf", "updated_at"])
        else:
            with default_storage.open(invoice.nfe_xml, "rb") as stored:
                invoice.nfe_pdf = _pdf_file("nfe", f"danfe-{invoice.nfe_key}.pdf", danfe_pdf(stored.read()))
            invoice.save(update_fields=["nfe_pdf", "updated_at"])


def _pdf_file(kind: str, name: str, content: bytes) -> str:
    return default_storage.save(tenant_file_path(connection.tenant.pk, kind, name), ContentFile(content))


def fiscal_resend_due(invoice: Invoice) -> bool:
    """An issued invoice whose NF-e a provider rejected after the issue: issuing it again sends
    the corrected document under the same number."""
    return invoice.fiscal_outcome == REJECTED and not invoice.nfe_status and bool(invoice.nfe_number)


@transaction.atomic
def invoice_fiscal_resend(*, actor: User | None, invoice: Invoice) -> Invoice:
    result = fiscal_document_issue(invoice)
    fiscal_result_apply(invoice, result, actor=actor)
    invoice.save()
    return invoice


def fiscal_message(invoice: Invoice) -> str:
    """The authority's last answer about the document, in the active language ("" before any)."""
    if invoice.fiscal_document == "cfdi":
        return mexico_message(invoice)
    if invoice.fiscal_outcome:
        return brazil_message(invoice)
    return ""


# --- Polling ---------------------------------------------------------------------------------------


@transaction.atomic
def invoice_fiscal_refresh(*, invoice_id: int) -> bool:
    """Ask the provider about a pending document once; whether it still is pending (the task asks
    again later). Running it twice is harmless: a document no longer pending is left alone."""
    invoice = Invoice.objects.select_for_update().select_related("customer").get(pk=invoice_id)
    if invoice.nfe_status != FiscalStatus.PENDING:
        return False
    result = brazil_refresh(invoice)
    if result is None:
        return True
    fiscal_result_apply(invoice, result, actor=None)
    invoice.save()
    return False


def pending_documents() -> list[int]:
    return list(Invoice.objects.filter(nfe_status=FiscalStatus.PENDING).values_list("pk", flat=True))


# --- Cancellation and correction -------------------------------------------------------------------


def invoice_fiscal_cancel(invoice: Invoice, *, actor: User | None, reason: str, cancel_reason_code: str = "",
                          substitute_uuid: str = "") -> FiscalEvent | None:
    """Cancel the invoice's fiscal document along with it (inside invoice_cancel's transaction): a
    refusal by the authority refuses the cancellation of the invoice too. None without a document
    to cancel (none issued, or a denied NF-e, which SEFAZ keeps as it is)."""
    if invoice.fiscal_cancelled_at is not None:
        return None
    if invoice.nfe_status == FiscalStatus.PENDING:
        raise DomainError(_("SEFAZ has not answered about this invoice's NF-e yet: cancel it once it has."),
                          code="fiscal_pending")
    if invoice.nfe_status == FiscalStatus.AUTHORIZED:
        event = brazil_cancel(invoice, actor=actor, reason=reason)
        invoice.nfe_status = FiscalStatus.CANCELLED
    elif invoice.cfdi_uuid:
        event = mexico_cancel(invoice, actor=actor, reason_code=cancel_reason_code, substitute_uuid=substitute_uuid)
    else:
        return None
    invoice.fiscal_cancelled_at, invoice.fiscal_outcome = timezone.now(), CANCELLED
    event_record(name=events.FISCAL_DOCUMENT_CHANGED, payload=events.fiscal_document_json(invoice), actor=actor)
    return event


@transaction.atomic
def invoice_correction_letter(*, actor: User | None, invoice: Invoice, correction: str) -> FiscalEvent:
    """A correction letter (CC-e) for the invoice's authorised NF-e."""
    if invoice.fiscal_cancelled_at is not None:
        raise DomainError(_("The NF-e was cancelled: it takes no correction letter."), code="cancelled")
    event = brazil_correct(invoice, actor=actor, correction=correction.strip())
    event_record(name=events.FISCAL_EVENT_RECORDED, payload=events.fiscal_event_json(event), actor=actor)
    return event


# --- Payment complements (Mexico) ------------------------------------------------------------------


def fiscal_payment_settled(invoice: Invoice, payment: InvoicePayment, *, method: str) -> None:
    """A payment settled an invoice (settlement.py): a stamped CFDI, always PPD here, gets its payment
    complement once this commits, in the background (the PAC is called outside the payment's
    transaction, so a PAC down never refuses a payment)."""
    if invoice.cfdi_uuid and invoice.fiscal_cancelled_at is None:
        payment_id = payment.pk
        on_commit_in_this_tenant(lambda: app.signature(COMPLEMENT_TASK).delay(payment_id, method))


def invoice_payment_complement(*, payment_id: int, method: str) -> FiscalEvent | None:
    """The payment's complement, stamped; once (a second run finds it made)."""
    with transaction.atomic():
        payment = InvoicePayment.objects.select_for_update().select_related("invoice__customer").get(pk=payment_id)
        if FiscalEvent.objects.filter(payment=payment).exists():
            return None
        event = mexico_payment_complement(payment, method=method)
        event_record(name=events.FISCAL_EVENT_RECORDED, payload=events.fiscal_event_json(event), actor=None)
        return event


def fiscal_events(invoice: Invoice) -> list[FiscalEvent]:
    return list(FiscalEvent.objects.filter(invoice=invoice).order_by("created_at", "id"))


def correction_allowed(invoice: Invoice) -> bool:
    return (invoice.fiscal_document == "nfe" and invoice.nfe_status == FiscalStatus.AUTHORIZED
            and invoice.fiscal_cancelled_at is None)


"""The fiscal pages: the workspace's fiscal settings (provider, environment, series and their next
numbers, the certificates' upload with their status and expiry) and, on an invoice's page, its
fiscal document (status, the authority's message, XML and PDF) with the correction letter dialog.
Managers change the settings; the invoice's actions follow the invoice's access rule."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from modules.core.access import manages
from modules.core.signing import file_url
from modules.tenancy.selectors import company_profile_current
from modules.workspace import pages

from . import access, fiscal_documents, fiscal_settings
from .forms_fiscal import A1CertificateForm, CorrectionForm, CsdForm, FiscalSettingsForm
from .models import CertificateKind, FiscalEventKind, Invoice


def _managers_only(request) -> None:
    if not manages(request.user):
        raise PermissionDenied(_("Only a manager or an admin can do this."))


def fiscal_settings_page(request) -> HttpResponse:
    _managers_only(request)
    form = a1_form = csd_form = None
    if request.method == "POST":
        form = FiscalSettingsForm(request.POST)
        if form.is_valid():
            try:
                fiscal_settings.fiscal_settings_update(actor=request.user, changes=_changes(form))
            except pages.SERVICE_ERRORS as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Fiscal settings saved."))
                return pages.redirect_to(request, reverse("invoicing:fiscal_settings"))
    return _settings_page(request, form=form, a1_form=a1_form, csd_form=csd_form)


def _changes(form: FiscalSettingsForm) -> dict:
    changes = dict(form.cleaned_data)
    changes["nbs"] = changes["nbs"].strip()
    return changes


def _settings_page(request, *, form=None, a1_form=None, csd_form=None) -> HttpResponse:
    settings = fiscal_settings.fiscal_settings()
    stored = fiscal_settings.certificates()
    profile = company_profile_current()
    context = {
        "form": form or FiscalSettingsForm(initial=FiscalSettingsForm.initial_from(settings)),
        "a1_form": a1_form or A1CertificateForm(), "csd_form": csd_form or CsdForm(),
        "country": profile.country if profile else "",
        "fiscal_document": profile.get_fiscal_document_display() if profile else "",
        "nfe_next_number": fiscal_settings.series_next_number("nfe", settings.nfe_series),
        "nfse_next_number": fiscal_settings.series_next_number("nfse", settings.nfse_series),
        "nfe_series": settings.nfe_series, "nfse_series": settings.nfse_series,
        "a1": fiscal_settings.certificate_status(stored.get(CertificateKind.A1)),
        "csd": fiscal_settings.certificate_status(stored.get(CertificateKind.CSD)),
    }
    return render(request, "invoicing/fiscal_settings.html", context, status=pages.status(form, a1_form, csd_form))


@require_POST
def fiscal_certificate_upload(request) -> HttpResponse:
    _managers_only(request)
    form = A1CertificateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():
                fiscal_settings.a1_certificate_upload(actor=request.user, pfx=form.cleaned_data["file"].read(),
                                                      password=form.cleaned_data["password"])
        except pages.SERVICE_ERRORS as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The A1 certificate was saved."))
            return pages.redirect_to(request, reverse("invoicing:fiscal_settings"))
    return _settings_page(request, a1_form=form)


@require_POST
def fiscal_csd_upload(request) -> HttpResponse:
    _managers_only(request)
    form = CsdForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():
                fiscal_settings.csd_upload(
                    actor=request.user, certificate=form.cleaned_data["certificate"].read(),
                    private_key=form.cleaned_data["private_key"].read(), password=form.cleaned_data["password"],
                )
        except pages.SERVICE_ERRORS as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The CSD was saved."))
            return pages.redirect_to(request, reverse("invoicing:fiscal_settings"))
    return _settings_page(request, csd_form=form)


# --- On the invoice's page -------------------------------------------------------------------------


def _link(path: str) -> str:
    return file_url(path, tenant_id=connection.tenant.pk) if path else ""


def fiscal_panel(invoice: Invoice, *, correction_form=None, correction_open: bool = False) -> dict | None:
    """What the invoice's page shows of its fiscal document (None before there is any)."""
    if not invoice.fiscal_document:
        return None
    events = fiscal_documents.fiscal_events(invoice)
    return {
        "document": {"nfe": "NF-e", "nfse": "NFS-e", "cfdi": "CFDI"}[invoice.fiscal_document],
        "message": fiscal_documents.fiscal_message(invoice),
        "rejected": fiscal_documents.fiscal_resend_due(invoice),
        "xml_url": _link(invoice.cfdi_xml or invoice.nfe_xml),
        "pdf_url": _link(invoice.cfdi_pdf or invoice.nfe_pdf),
        "events": [{"event": event, "xml_url": _link(event.xml), "pdf_url": _link(event.pdf)} for event in events],
        "corrections": [event for event in events if event.kind == FiscalEventKind.CORRECTION],
        "can_correct": fiscal_documents.correction_allowed(invoice),
        "correction_form": correction_form or CorrectionForm(),
        "correction_open": correction_open,
    }


@require_POST
def invoice_correction(request, pk: int) -> HttpResponse:
    # Imported here: views.py imports this module for the invoice's page.
    from .views import _invoice_page

    form = CorrectionForm(request.POST)
    with transaction.atomic():
        invoice = access.access_invoice(request.user, pk, for_write=True)
        if form.is_valid():
            try:
                fiscal_documents.invoice_correction_letter(actor=request.user, invoice=invoice,
                                                           correction=form.cleaned_data["correction"])
            except pages.SERVICE_ERRORS as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The correction letter was registered."))
                return pages.redirect_to(request, reverse("invoicing:invoice", args=[pk]))
    return _invoice_page(request, access.access_invoice(request.user, pk), correction_form=form)

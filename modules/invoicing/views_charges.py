"""Boleto and PIX pages (HTMX): an invoice's charge dialogs, the boletos list with its remittance
and return files, one charge's page, and the PIX settings.

Access → form → service → render, through the same services the API calls. The invoice page
includes `invoicing/partials/_boleto_dialog.html` and `_pix_dialog.html` with its `invoice`:
their body is this module's panel, fetched when the dialog opens (and, without JavaScript, the
same panel on a page of its own). Sending the remittance and reading returns, like the PIX
settings, are for managers and admins, as in the API.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from modules.core.access import manages
from modules.core.money import format_money
from modules.workspace import pages

from . import boletos, pix_charges
from .access import access_boleto, access_invoice, access_pix
from .charges import CHARGE_CURRENCY
from .filters_charges import BoletoFilter
from .forms_charges import BoletoForm, PixForm, PixSettingsForm, RemittanceForm, ReturnFileForm
from .models import ChargeStatus
from .psp import SANDBOX
from .selectors_charges import (
    boleto_bank_accounts,
    boleto_list,
    invoice_pending_charges,
    pix_settings_current,
    pix_settings_or_proposal,
    pix_status,
)
from .tables_charges import BoletoTable, charge_status_badge

BOLETO_FILTERS = ("status", "bank", "invoice_id")


def _managers_only(request) -> None:
    if not manages(request.user):
        raise PermissionDenied(_("Only a manager or an admin can do this."))


# --- The boletos list, its remittance and its return files -------------------------------------


@require_GET
def boletos_page(request):
    return _boletos_page(request)


def _boletos_page(request, *, remittance_form=None, return_form=None, report=None, fragment=None) -> HttpResponse:
    filterset = pages.filterset(BoletoFilter, request, boleto_list(), multi=("status",))
    filtered = pages.is_filtered(request, BOLETO_FILTERS)
    table = BoletoTable(filterset.qs, empty_text=_("No boletos match these filters.") if filtered else _(
        "No boletos yet. Make one from an issued invoice in reais."
    ))
    pages.paginate(request, table)
    context = {
        "table": table,
        "filter_errors": filterset.errors,
        "statuses": ChargeStatus.choices,
        "picked_statuses": pages.picked(request, "status"),
        "manages": manages(request.user),
        "has_accounts": boleto_bank_accounts().exists(),
        "remittance_form": remittance_form or RemittanceForm(),
        "return_form": return_form or ReturnFileForm(),
        "report": report,
        "report_lines": [{
            "our_number": line.our_number, "boleto_id": line.boleto_id, "occurrence_label": line.occurrence_label,
            "amount": format_money(line.amount_paid, CHARGE_CURRENCY), "message": line.message,
            "outcome": boletos.ReturnOutcome(line.outcome).label,
        } for line in report.lines] if report else [],
    }
    if fragment is None and pages.partial(request):
        fragment = "results"
    template = f"invoicing/charges_boletos.html#{fragment}" if fragment else "invoicing/charges_boletos.html"
    return render(request, template, context, status=pages.status(remittance_form, return_form, filterset.form))


@require_POST
def boletos_remittance(request):
    """The remittance file, downloaded; the page again with the refusal when there is one."""
    _managers_only(request)
    form = RemittanceForm(request.POST)
    if form.is_valid():
        try:
            remittance = boletos.boleto_remittance_export(
                actor=request.user, bank_account=form.cleaned_data["bank_account"],
                number=form.cleaned_data["remittance_number"],
            )
        except pages.SERVICE_ERRORS as error:
            form.add_service_error(error)
        else:
            return HttpResponse(remittance.content, content_type="application/octet-stream", headers={
                "Content-Disposition": content_disposition_header(True, remittance.file_name),
            })
    return _boletos_page(request, remittance_form=form)


@require_POST
def boletos_return(request):
    """A return file read: the list again with what became of each of its lines."""
    _managers_only(request)
    form = ReturnFileForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        try:
            report = boletos.boleto_return_import(
                actor=request.user, bank_account=form.cleaned_data["bank_account"],
                content=form.cleaned_data["file"].read(),
            )
        except pages.SERVICE_ERRORS as error:
            form.add_service_error(error)
    fragment = "return-panel" if request.htmx else None
    return _boletos_page(request, return_form=form if report is None else None, report=report, fragment=fragment)


# --- One charge ------------------------------------------------------------------------------


@require_GET
def boleto_page(request, pk: int):
    boleto = access_boleto(request.user, pk)
    return render(request, "invoicing/charges_boleto.html", {"boleto": boleto, **_boleto_links(boleto)})


@require_GET
def pix_page(request, pk: int):
    pix = access_pix(request.user, pk)
    return render(request, "invoicing/charges_pix.html", {"pix": pix, **_pix_view(pix)})


def _boleto_links(boleto) -> dict:
    return {
        "pdf_url": boletos.boleto_pdf_url(boleto), "amount": format_money(boleto.amount, CHARGE_CURRENCY),
        "status_badge": charge_status_badge(boleto.status),
    }


def _pix_view(pix) -> dict:
    return {
        "qr_code": pix_charges.pix_qr_code(pix), "status_badge": charge_status_badge(pix_status(pix)),
        "amount": format_money(pix.amount, CHARGE_CURRENCY) if pix.amount is not None else "",
    }


# --- An invoice's dialogs --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invoice_boleto(request, pk: int):
    """The boleto dialog's panel (its own page without JavaScript): the invoice's pending boletos,
    and the form making one."""
    invoice = access_invoice(request.user, pk)
    made = None
    if request.method == "POST":
        form = BoletoForm(request.POST)
        made = _made(form, lambda invoice, values: boletos.boleto_create(
            actor=request.user, invoice=invoice, **values), request=request, pk=pk)
        if made is not None and not request.htmx:
            return redirect("invoicing:boleto", pk=made.pk)
    else:
        form = BoletoForm(initial={
            "bank": _first_ready_bank(), "due_date": max(invoice.due_date, timezone.localdate()),
        })
    if made is not None:
        form = None  # made: the panel shows it, without a form asking again
    pending, _pix = invoice_pending_charges(invoice.pk)
    context = {
        "invoice": invoice, "form": form, "made": made, "boletos": [(b, _boleto_links(b)) for b in pending],
        "total": format_money(invoice.total, invoice.currency),
    }
    template = "invoicing/charges_invoice_boleto.html"
    return render(request, f"{template}#panel" if pages.partial(request) else template, context,
                  status=pages.status(form))


@require_http_methods(["GET", "POST"])
def invoice_pix(request, pk: int):
    """The PIX dialog's panel: the invoice's payable PIX charges, and the form making one."""
    invoice = access_invoice(request.user, pk)
    made = None
    if request.method == "POST":
        form = PixForm(request.POST)
        made = _made(form, lambda invoice, values: pix_charges.pix_create(
            actor=request.user, invoice=invoice, **values), request=request, pk=pk)
        if made is not None and not request.htmx:
            return redirect("invoicing:pix", pk=made.pk)
    else:
        form = PixForm()
    if made is not None:
        form = None
    _boletos, pending = invoice_pending_charges(invoice.pk)
    context = {
        "invoice": invoice, "form": form, "made": made, "charges": [(pix, _pix_view(pix)) for pix in pending],
        "total": format_money(invoice.total, invoice.currency), "configured": pix_settings_current() is not None,
    }
    template = "invoicing/charges_invoice_pix.html"
    return render(request, f"{template}#panel" if pages.partial(request) else template, context,
                  status=pages.status(form))


def _made(form, create, *, request, pk: int):
    """The charge `create(invoice, values)` makes from a valid form, the invoice locked; None with
    the refusal on the form."""
    if not form.is_valid():
        return None
    try:
        with transaction.atomic():
            return create(access_invoice(request.user, pk, for_write=True), form.service_values())
    except pages.SERVICE_ERRORS as error:
        form.add_service_error(error)
        return None


def _first_ready_bank() -> str | None:
    """The bank of the first account able to issue boletos: the form's choice to start with."""
    for bank in boletos.BANK_FIELDS:
        try:
            boletos.boleto_bank_account(bank)
        except pages.SERVICE_ERRORS:
            continue
        return bank
    return None


# --- PIX settings ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def pix_settings(request):
    """The workspace's PIX key, the name and city its codes show, its PSP; the webhook's address
    and, right after it is made, its secret (shown this once)."""
    _managers_only(request)
    current = pix_settings_or_proposal()
    new_secret = None
    if request.method == "POST":
        form = PixSettingsForm(request.POST)
        if form.is_valid():
            changes, rotate = form.service_values()
            try:
                saved = pix_charges.pix_settings_save(actor=request.user, changes=changes,
                                                      rotate_webhook_secret=rotate)
            except pages.SERVICE_ERRORS as error:
                form.add_service_error(error)
            else:
                current, new_secret = saved.settings, saved.webhook_secret
                form = PixSettingsForm(initial=_settings_initial(current))
    else:
        form = PixSettingsForm(initial=_settings_initial(current))
    context = {
        "form": form, "pix_settings": current, "webhook_secret": new_secret,
        "webhook_url": request.tenant.workspace_url("/webhooks/pix/"),
        "signature_header": pix_charges.SIGNATURE_HEADER,
    }
    return render(request, "invoicing/charges_pix_settings.html", context, status=pages.status(form))


def _settings_initial(current) -> dict:
    return {
        "key": current.key, "merchant_name": current.merchant_name, "merchant_city": current.merchant_city,
        "psp": current.psp or SANDBOX, "psp_base_url": current.psp_base_url, "psp_client_id": current.psp_client_id,
    }

"""Invoicing's workspace pages (HTMX): the invoice list, the editor of a draft (totals recomputed as
it is typed, by the services' own rule) and an invoice's page (its PDF, issue, send, mark paid,
cancel, and the other parts' ways to get paid). access → form → service → render, as every
module's pages.

Every write goes through the service the API calls; every invoice through access.py, so another
workspace's id is simply not found. htmx requests get a fragment of the page's own template;
without JavaScript the same forms post and redirect.
"""

from datetime import timedelta
from decimal import Decimal
from itertools import zip_longest

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from modules.core.access import may_change, may_delete
from modules.core.exceptions import DomainError
from modules.core.money import Currency
from modules.finance.forms import MarkPaidForm
from modules.finance.models import PaymentMethod
from modules.tenancy.selectors import tenant_currency
from modules.workspace import pages

from . import access, selectors, services
from .filters import InvoiceFilter
from .forms import CancelForm, CfdiCancelForm, InvoiceForm, ItemFormSet, SendForm, item_rows
from .models import OPEN_STATUSES, InvoiceStatus
from .pdf import invoice_pdf, invoice_pdf_filename
from .tables import InvoiceTable, status_badge
from .views_fiscal import fiscal_panel

ITEMS_PREFIX = "items"
INVOICE_FILTERS = (
    "search", "status", "customer_id", "issue_date_after", "issue_date_before", "due_after", "due_before", "currency",
)
# The payment parts' dialogs (boletos and PIX), drawn on an open invoice's page once they are installed;
# each draws its own button (data-dialog) and its <dialog>.
CHARGE_DIALOGS = ("invoicing/partials/_boleto_dialog.html", "invoicing/partials/_pix_dialog.html")
DAYS_TO_PAY = 30


def home(request):
    return redirect("invoicing:invoices")


# --- The list --------------------------------------------------------------------------------------


def invoices(request):
    invoices = selectors.invoice_list().prefetch_related(None)  # the list shows no items
    filterset = pages.filterset(InvoiceFilter, request, invoices, multi=("status", "currency"))
    filtered = pages.is_filtered(request, INVOICE_FILTERS)
    table = InvoiceTable(
        filterset.qs,
        empty_text=_("No invoices match these filters.") if filtered else _(
            "No invoices yet. Create one for a customer: it stays a draft until you issue it."
        ),
    )
    pages.paginate(request, table)
    context = {
        "table": table,
        "totals": selectors.invoice_totals(filterset.qs),
        "filter_errors": filterset.errors,
        "statuses": InvoiceStatus.choices,
        "picked_statuses": pages.picked(request, "status"),
        "currencies": Currency.choices,
        "picked_currencies": pages.picked(request, "currency"),
    }
    template = "invoicing/invoices.html#results" if pages.partial(request) else "invoicing/invoices.html"
    return render(request, template, context, status=pages.status(filterset.form))


# --- The editor --------------------------------------------------------------------------------------


def invoice_new(request):
    if request.method == "POST":
        return _editor_post(request, None)
    today = timezone.localdate()
    form = InvoiceForm(initial={
        "customer": request.GET.get("customer"), "currency": tenant_currency(request.tenant), "issue_date": today,
        "due_date": today + timedelta(days=DAYS_TO_PAY),
    })
    return _editor_page(request, None, form, ItemFormSet(prefix=ITEMS_PREFIX, initial=[{}]))


def invoice_edit(request, pk: int):
    """A draft's editor; an issued invoice's page says why it no longer changes."""
    invoice = access.access_invoice(request.user, pk)
    if invoice.status != InvoiceStatus.DRAFT:
        messages.info(request, _("Only a draft can be changed: this invoice was issued."))
        return redirect("invoicing:invoice", pk=pk)
    if request.method == "POST":
        return _editor_post(request, invoice)
    form = InvoiceForm(initial=InvoiceForm.initial_from(invoice))
    rows = item_rows(invoice)
    figures = services.items_figures(rows, invoice_discount=invoice.invoice_discount, currency=invoice.currency)
    return _editor_page(request, invoice, form, ItemFormSet(prefix=ITEMS_PREFIX, initial=rows), figures=figures)


def _editor_page(request, invoice, form, formset, *, figures=None, fragment: str | None = None, status: int = 200):
    context = {
        "invoice": invoice,
        "form": form,
        "formset": formset,
        "rows": list(zip_longest(formset.forms, figures.lines if figures else [])),
        "figures": figures,
        "currency": form["currency"].value() or tenant_currency(request.tenant),
        "action": reverse("invoicing:invoice_edit", args=[invoice.pk]) if invoice else reverse("invoicing:invoice_new"),
    }
    template = f"invoicing/invoice_editor.html#{fragment}" if fragment else "invoicing/invoice_editor.html"
    return render(request, template, context, status=status)


def _typed_rows(formset) -> list[dict]:
    """The rows as typed (unchecked): what the editor shows again after a row is added or removed."""
    return [{name: form[name].value() or "" for name in services.ITEM_FIELDS} for form in formset.forms]


def _rows_changed(request, invoice, form, formset):
    """"Add an item" and "Remove" post the editor without saving it: it comes back with one row
    more or less (its items alone for htmx)."""
    rows = _typed_rows(formset)
    if "add_item" in request.POST and len(rows) < services.MAX_ITEMS:
        rows.append({})
    elif request.POST.get("remove_item", "").isdigit() and len(rows) > 1:
        del rows[min(int(request.POST["remove_item"]), len(rows) - 1)]
    items = ItemFormSet(prefix=ITEMS_PREFIX, initial=rows)
    return _editor_page(request, invoice, form, items, fragment="items" if request.htmx else None)


def _editor_post(request, invoice):
    form = InvoiceForm(request.POST)
    formset = ItemFormSet(request.POST, prefix=ITEMS_PREFIX)
    if "add_item" in request.POST or "remove_item" in request.POST:
        return _rows_changed(request, invoice, form, formset)
    if form.is_valid() and formset.is_valid():
        data = {**form.cleaned_data, "items": [item.cleaned_data for item in formset.forms]}
        try:
            with transaction.atomic():
                saved = _save(request, invoice, data)
        except pages.SERVICE_ERRORS as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The invoice %(number)s was saved.") % {"number": saved.number})
            return pages.redirect_to(request, reverse("invoicing:invoice", args=[saved.pk]))
    return _editor_page(request, invoice, form, formset, status=422)


def _save(request, invoice, data: dict):
    if invoice is None:
        return services.invoice_create(actor=request.user, **data)
    locked = access.access_invoice(request.user, invoice.pk, for_write=True)
    return services.invoice_update(actor=request.user, invoice=locked, changes=data)


@require_POST
def invoice_totals(request):
    """The editor's totals for what is typed now (htmx, on every change): the services' own rule,
    or why there are none yet (422)."""
    form = InvoiceForm(request.POST)
    formset = ItemFormSet(request.POST, prefix=ITEMS_PREFIX)
    figures, problems = None, []
    if form.is_valid() and formset.is_valid():
        items = [item.cleaned_data for item in formset.forms]
        try:
            figures = services.items_figures(
                items, invoice_discount=form.cleaned_data["invoice_discount"] or Decimal(0),
                currency=form.cleaned_data["currency"],
            )
        except pages.SERVICE_ERRORS as error:
            problems = [message for messages_ in error.message_dict.values() for message in messages_]
    else:
        problems = [_("The totals show once every item has a description, a quantity and a price.")]
    context = {"figures": figures, "problems": problems, "currency": form["currency"].value(), "line_totals": True}
    return render(request, "invoicing/invoice_editor.html#totals", context, status=422 if problems else 200)


# --- One invoice -------------------------------------------------------------------------------------


def invoice(request, pk: int):
    return _invoice_page(request, access.access_invoice(request.user, pk))


def _invoice_page(
    request, invoice, *, cancel_form=None, pay_form=None, send_form=None, correction_form=None, error: str = "",
    fragment: str | None = None,
) -> HttpResponse:
    current = selectors.invoice_status(invoice)
    is_open = invoice.status in OPEN_STATUSES
    context = {
        "invoice": invoice,
        "items": list(invoice.items.all()),
        "status": current,
        "status_badge": status_badge(invoice),
        "language_name": dict(settings.LANGUAGES).get(invoice.language, invoice.language),
        "is_draft": invoice.status == InvoiceStatus.DRAFT,
        "is_open": is_open,
        "can_change": may_change(request.user, invoice),
        "can_delete": may_delete(request.user, invoice) and invoice.status == InvoiceStatus.DRAFT,
        "cancel_form": cancel_form or _cancel_form_class(invoice)(),
        "fiscal": fiscal_panel(invoice, correction_form=correction_form,
                               correction_open=correction_form is not None or "correction" in request.GET),
        "pay_form": pay_form or MarkPaidForm(
            initial={"paid_on": timezone.localdate(), "payment_method": PaymentMethod.BANK_TRANSFER}
        ),
        "pay_open": pay_form is not None or "pay" in request.GET,
        "send_form": send_form or SendForm(initial={"to": invoice.customer.email}),
        "charge_dialogs": _installed(CHARGE_DIALOGS) if is_open else [],
        "error": error,
    }
    template = f"invoicing/invoice_detail.html#{fragment}" if fragment else "invoicing/invoice_detail.html"
    status = 422 if error else pages.status(cancel_form, pay_form, send_form, correction_form)
    return render(request, template, context, status=status)


def _installed(templates: tuple[str, ...]) -> list[str]:
    """The templates of those that exist: another part's dialog shows once that part is installed."""
    found = []
    for name in templates:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return found


def _invoice_action(request, pk: int, form, *, form_name: str, act, done: str) -> HttpResponse:
    """Issue, cancel, pay or send: the form through its service with the invoice locked, then the
    invoice's page (an HX-Redirect for htmx), or the page again with the refusal (422)."""
    error = ""
    with transaction.atomic():
        invoice = access.access_invoice(request.user, pk, for_write=True)
        if form is None or form.is_valid():
            try:
                act(invoice, form.cleaned_data if form is not None else {})
            except pages.SERVICE_ERRORS as refusal:
                if form is None:
                    error = refusal.message if isinstance(refusal, DomainError) else " ".join(refusal.messages)
                else:
                    form.add_service_error(refusal)
            else:
                messages.success(request, done)
                return pages.redirect_to(request, reverse("invoicing:invoice", args=[pk]))
    invoice = access.access_invoice(request.user, pk)  # what the database holds after the refusal
    forms_ = {form_name: form} if form is not None else {}
    return _invoice_page(request, invoice, error=error, **forms_)


@require_POST
def invoice_issue(request, pk: int):
    return _invoice_action(
        request, pk, None, form_name="", done=_("The invoice was issued: its receivable is in finance."),
        act=lambda invoice, data: services.invoice_issue(actor=request.user, invoice=invoice),
    )


def _cancel_form_class(invoice) -> type[CancelForm]:
    """A stamped CFDI is cancelled with SAT's reason code as well."""
    return CfdiCancelForm if invoice.cfdi_uuid and invoice.fiscal_cancelled_at is None else CancelForm


@require_POST
def invoice_cancel(request, pk: int):
    form = _cancel_form_class(access.access_invoice(request.user, pk))(request.POST)
    return _invoice_action(
        request, pk, form, form_name="cancel_form", done=_("The invoice was cancelled."),
        act=lambda invoice, data: services.invoice_cancel(actor=request.user, invoice=invoice, **data),
    )


@require_POST
def invoice_pay(request, pk: int):
    return _invoice_action(
        request, pk, MarkPaidForm(request.POST), form_name="pay_form", done=_("The invoice was marked paid."),
        act=lambda invoice, data: services.invoice_mark_paid(
            actor=request.user, invoice=invoice, method=data["payment_method"], paid_at=data["paid_at"]
        ),
    )


@require_POST
def invoice_send(request, pk: int):
    return _invoice_action(
        request, pk, SendForm(request.POST), form_name="send_form", done=_("The invoice is on its way."),
        act=lambda invoice, data: services.invoice_send(actor=request.user, invoice=invoice, **data),
    )


@require_POST
def invoice_delete(request, pk: int):
    with transaction.atomic():
        invoice = access.access_invoice(request.user, pk, for_delete=True)
        try:
            services.invoice_delete(actor=request.user, invoice=invoice)
        except DomainError as error:
            return _invoice_page(request, invoice, error=error.message)
    messages.success(request, _("The invoice %(number)s was deleted.") % {"number": invoice.number})
    return pages.redirect_to(request, reverse("invoicing:invoices"))


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def invoice_pdf_view(request, pk: int):
    """The PDF, shown in the invoice's page (same origin only) or opened on its own."""
    invoice = access.access_invoice(request.user, pk)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment="download" in request.GET, filename=invoice_pdf_filename(invoice)
    )
    return response

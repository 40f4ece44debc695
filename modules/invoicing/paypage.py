"""The customer's pay page: `/pay/<token>/` on the workspace's host, no sign-in (paylinks.py
says what the token is). It shows the company and the invoice in the customer's language
(`Invoice.language`) with money written as the company's country writes it, and offers each way
to pay the workspace has: card (Stripe Checkout, or the sandbox's button), the invoice's PIX
charge and its boleto. Whichever pays first settles the invoice (settlement.py); the page then
says it is paid, and offers nothing more.

The card link is a GET that opens (or reuses) the Checkout Session and redirects to Stripe: a
form's POST could not, as the Content-Security-Policy's form-action keeps posts and the
redirects that follow them on our own hosts.
"""

from dataclasses import dataclass

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from modules.core.exceptions import DomainError
from modules.core.money import format_money, number_in_locale
from modules.core.signing import file_url
from modules.tenancy.models import CompanyProfile

from . import stripe_gateway
from .brazil.pix import qr_png_data_uri
from .models import Boleto, ChargeStatus, Invoice, InvoiceStatus, Pix
from .paylinks import pay_token_invoice_id
from .stripe_services import (
    PAYABLE,
    card_payments_available,
    payment_link_create,
    sandbox_card_pay,
    stripe_connection_get,
)

FIGURES = ("subtotal", "discount", "tax", "total")


@dataclass(frozen=True)
class PixOffer:
    qr_code: str  # a data: URI (the policy allows data: images)
    text: str  # the BR Code, to copy and paste
    amount: str
    expires_at: object


@require_GET
def pay_page(request, token: str) -> HttpResponse:
    invoice = _invoice(token)
    return _render(request, token, invoice)


@require_GET
def pay_card(request, token: str) -> HttpResponse:
    """To Stripe Checkout; without Stripe keys, back to the page's card section (the sandbox)."""
    page = reverse("invoicing_pay:pay_page", args=[token])
    if stripe_connection_get() is None:
        return redirect(f"{page}#card")
    error, status = None, 200
    with transaction.atomic():
        invoice = _invoice(token, lock=True)
        if invoice.status not in PAYABLE:
            return redirect(page)
        try:
            session = payment_link_create(actor=None, invoice=invoice)
        except DomainError as refusal:
            error, status = refusal.message, 422
        except stripe_gateway.StripeUnreachable:
            error, status = _("Stripe could not be reached. Try again in a few minutes."), 502
    if error:
        return _render(request, token, invoice, error=error, status=status)
    return redirect(session.url)


@require_POST
def pay_sandbox(request, token: str) -> HttpResponse:
    with transaction.atomic():
        invoice = _invoice(token, lock=True)
        try:
            sandbox_card_pay(invoice=invoice)
        except DomainError as refusal:
            return _render(request, token, invoice, error=refusal.message, status=422)
    return redirect("invoicing_pay:pay_page", token=token)


def _invoice(token: str, *, lock: bool = False) -> Invoice:
    """The token's invoice, if the token opens here; a draft was never sent to anyone."""
    invoice_id = pay_token_invoice_id(token)
    if invoice_id is None:
        raise Http404
    invoices = Invoice.objects.select_related("customer").exclude(status=InvoiceStatus.DRAFT)
    invoice = (invoices.select_for_update(of=("self",)) if lock else invoices).filter(pk=invoice_id).first()
    if invoice is None:
        raise Http404
    return invoice


def _render(request, token: str, invoice: Invoice, *, error: str | None = None, status: int = 200) -> HttpResponse:
    with translation.override(invoice.language):
        context = {
            "invoice": invoice,
            "company": CompanyProfile.objects.get(tenant=request.tenant),
            "token": token,
            "error": error,
            "checking": request.GET.get("checkout") == "done" and invoice.status in PAYABLE,
            **_amounts(invoice),
            **(_offers(invoice, request.tenant.pk) if invoice.status in PAYABLE else {}),
            "pdf_url": _pdf_url(token),
        }
        response = render(request, "invoicing/paypage_invoice.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def _amounts(invoice: Invoice) -> dict:
    """The invoice's figures written for its reader (the language is active, the company's country too)."""
    currency = invoice.currency
    items = [
        {
            "description": item.description,
            "quantity": number_in_locale(item.quantity.normalize(), None),
            "unit_price": format_money(item.unit_price, currency),
            "total": format_money(item.total, currency),
        }
        for item in invoice.items.all()
    ]
    figures = {name: format_money(getattr(invoice, name), currency) for name in FIGURES}
    return {"items": items, "figures": figures, "has_discount": invoice.discount > 0, "has_tax": invoice.tax > 0}


def _offers(invoice: Invoice, tenant_id: int) -> dict:
    now = timezone.now()
    pix = [
        PixOffer(
            qr_code=qr_png_data_uri(charge.qr_code_text, scale=5),
            text=charge.qr_code_text, amount=format_money(charge.amount or invoice.total, invoice.currency),
            expires_at=charge.expires_at,
        )
        for charge in Pix.objects.filter(invoice=invoice, status=ChargeStatus.PENDING).order_by("-created_at")
        if charge.expires_at is None or charge.expires_at > now
    ]
    boletos = [
        {
            "digitable_line": boleto.digitable_line, "due_date": boleto.due_date,
            "amount": format_money(boleto.amount, invoice.currency),
            "pdf_url": file_url(boleto.pdf, tenant_id=tenant_id) if boleto.pdf else "",
        }
        for boleto in Boleto.objects.filter(invoice=invoice, status=ChargeStatus.PENDING).order_by("-created_at")
    ]
    card = card_payments_available()
    return {
        "card": card,
        "sandbox": card and stripe_connection_get() is None,
        "pix": pix[:1],  # the newest: an older code of the same invoice would only confuse
        "boletos": boletos[:1],
    }


def _pdf_url(token: str) -> str | None:
    """The invoice's PDF for the customer, once the invoices' part serves one by this name."""
    try:
        return reverse("invoicing_pay:pay_pdf", args=[token])
    except NoReverseMatch:
        return None

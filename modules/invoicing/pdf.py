"""An invoice as a PDF (WeasyPrint), in the invoice's own language with money and dates written as
its company's country writes them (core.money.money_locale): the page's preview, the API's `pdf/`
and the mail's attachment are this one document.

The company's logo is read from its storage and put into the page itself (a data URI): the
renderer fetches nothing, over the network or from the disk.
"""

import base64
import mimetypes
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML, Document

from modules.core.money import country_override
from modules.tenancy.models import CompanyProfile
from modules.tenancy.scope import tenant_format_country
from modules.tenancy.selectors import company_profile_current

from .models import Invoice


@dataclass(frozen=True)
class Company:
    """What an invoice says of the company that issues it."""

    name: str
    legal_name: str
    tax_id: str
    address_lines: tuple[str, ...]
    logo: str  # a data URI, "" without a logo


def company_name(profile: CompanyProfile | None = None) -> str:
    """The name the company goes by: its trade name, else its legal name, else the workspace's."""
    profile = profile or company_profile_current()
    return (profile and (profile.trade_name or profile.legal_name)) or connection.tenant.name


def company_facts() -> Company:
    profile = company_profile_current()
    if profile is None:
        return Company(name=company_name(), legal_name="", tax_id="", address_lines=(), logo="")
    name = company_name(profile)
    place = " ".join(part for part in (profile.postal_code, profile.city, profile.state) if part)
    return Company(
        name=name,
        legal_name=profile.legal_name if profile.legal_name != name else "",
        tax_id=profile.tax_id,
        address_lines=tuple(line for line in (profile.address, place, profile.get_country_display()) if line),
        logo=_logo_data_uri(profile),
    )


def _logo_data_uri(profile: CompanyProfile) -> str:
    if not profile.logo or not default_storage.exists(profile.logo.name):
        return ""
    content_type = mimetypes.guess_type(profile.logo.name)[0] or "image/png"
    with default_storage.open(profile.logo.name, "rb") as logo:
        return f"data:{content_type};base64,{base64.b64encode(logo.read()).decode()}"


def invoice_pdf_document(invoice: Invoice) -> Document:
    """The laid-out pages, before they are written: what the PDF will show (tests read its text)."""
    country = tenant_format_country(connection.tenant)
    with translation.override(invoice.language), country_override(country):
        html = render_to_string("invoicing/invoice_pdf.html", {
            "invoice": invoice,
            "items": list(invoice.items.all()),
            "company": company_facts(),
            "customer": invoice.customer,
        })
    return HTML(string=html).render()


def invoice_pdf(invoice: Invoice) -> bytes:
    return invoice_pdf_document(invoice).write_pdf()


def invoice_pdf_filename(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf"

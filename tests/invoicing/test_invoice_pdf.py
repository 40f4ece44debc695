"""The invoice as a PDF (the API's `pdf/`, the page's preview, the mail's attachment) and by email:
in the invoice's language, with the company's logo and figures, money written as the company's
country writes it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from weasyprint.formatting_structure.boxes import ReplacedBox

from modules.invoicing.models import Invoice
from modules.invoicing.pdf import invoice_pdf_document
from modules.tenancy.models import CompanyProfile

from .conftest import company_in, item

URL = "/api/v1/invoicing/invoices/"
SPEC_ITEMS = [item("Web Development - 40h", "40", "150.00"), item("Hosting - Monthly", "1", "99.00")]


def boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def pdf_text(invoicing, invoice: Invoice) -> str:
    """The text WeasyPrint laid out on the pages, as the PDF shows it."""
    document = invoicing.run(lambda: invoice_pdf_document(invoicing.fresh(invoice)))
    words = [box.text for page in document.pages for box in boxes(page._page_box) if hasattr(box, "text")]
    return " ".join(" ".join(words).split())


def test_the_api_answers_a_real_pdf(admin_api, invoicing_a):
    invoice = invoicing_a.issued(items=SPEC_ITEMS)

    response = admin_api.get(f"{URL}{invoice.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{invoice.number}.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")


def test_a_brazilian_invoice_is_in_portuguese_with_reais_written_the_brazilian_way(team_a, invoicing_a):
    company_in(team_a, country="BR", legal_name="Alpha Indústria Ltda", tax_id="11222333000181")
    customer = invoicing_a.customer(name="Beatriz Santos", phone="+5521998761234", company="Santos & Filhos")
    invoice = invoicing_a.issued(customer=customer, currency="BRL", items=SPEC_ITEMS)

    text = pdf_text(invoicing_a, invoice)

    assert invoice.language == "pt-br"
    assert f"Fatura {invoice.number}" in text
    assert "Total R$ 6.099,00" in text
    assert "R$ 150,00" in text and "R$ 6.000,00" in text
    assert "Beatriz Santos" in text and "Santos & Filhos" in text
    assert "Alpha Indústria Ltda" in text and "Identificação fiscal: 11.222.333/0001-81" in text
    assert "Data de emissão" in text and "Vencimento" in text


def test_an_english_invoice_of_an_american_company(invoicing_a):
    invoice = invoicing_a.issued(items=[item("Support, 1.5 days", "1.5", "0.125", tax_rate="8.25")])

    text = pdf_text(invoicing_a, invoice)

    assert f"Invoice {invoice.number}" in text
    assert "Subtotal $0.19" in text  # 1.5 × 0.125 = 0.1875 → 0.19
    assert "1.5 $0.125" in text  # the quantity and the unit price with the digits they have
    assert "8.25 %" in text


def test_a_spanish_invoice_for_a_mexican_company_writes_pesos_the_mexican_way(team_a, invoicing_a):
    company_in(team_a, country="MX")
    customer = invoicing_a.customer(name="Sofía Ramírez", phone="+525512345678")
    invoice = invoicing_a.issued(customer=customer, currency="MXN", items=[item("Desarrollo web", "10", "1250.05")])

    text = pdf_text(invoicing_a, invoice)

    assert f"Factura {invoice.number}" in text
    assert "Total $12,500.50" in text
    assert "Fecha de emisión" in text and "Vencimiento" in text


def test_the_fiscal_data_is_printed_when_there_is_some(invoicing_a):
    invoice = invoicing_a.issued()
    invoicing_a.query(lambda: Invoice.objects.filter(pk=invoice.pk).update(
        nfe_number="000123", nfe_key="35251111222333000145550010001234561234567890", nfe_status="authorized",
    ))

    text = pdf_text(invoicing_a, invoice)

    assert "NF-e number: 000123 (Authorized)" in text
    assert "35251111222333000145550010001234561234567890" in text


def test_the_companys_logo_is_on_the_invoice(team_a, invoicing_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    png = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(png, "PNG")
    profile = CompanyProfile.objects.get(tenant=team_a.tenant)
    profile.logo = SimpleUploadedFile("logo.png", png.getvalue(), content_type="image/png")
    profile.save()
    invoice = invoicing_a.issued()

    document = invoicing_a.run(lambda: invoice_pdf_document(invoicing_a.fresh(invoice)))

    images = [box for box in boxes(document.pages[0]._page_box) if isinstance(box, ReplacedBox)]
    assert [(image.replacement.width, image.replacement.height) for image in images] == [(40, 20)]


# --- By email --------------------------------------------------------------------------------------


def test_sending_mails_the_pdf_to_the_customer_in_their_language(
    admin_api, team_a, invoicing_a, mailoutbox, django_capture_on_commit_callbacks
):
    company_in(team_a, country="BR", trade_name="Alpha")
    customer = invoicing_a.customer(name="Beatriz Santos", email="beatriz@santos.com.br", phone="+5521998761234")
    invoice = invoicing_a.issued(customer=customer, currency="BRL", items=SPEC_ITEMS)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(f"{URL}{invoice.pk}/send/", {})

    assert response.status_code == 200
    assert response.json()["sent_at"] is not None
    [mail] = mailoutbox
    assert mail.to == ["beatriz@santos.com.br"]
    assert mail.subject == f"Fatura {invoice.number} de Alpha"
    assert mail.body.startswith("Olá, Beatriz Santos,")
    assert "Total: R$ 6.099,00" in mail.body
    [(name, content, kind)] = mail.attachments
    assert (name, kind) == (f"{invoice.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    [event] = invoicing_a.events("invoice.sent")
    assert event.payload["sent_to"] == "beatriz@santos.com.br"


def test_an_invoice_can_be_sent_to_another_address_in_english(
    admin_api, invoicing_a, mailoutbox, django_capture_on_commit_callbacks
):
    invoice = invoicing_a.paid(customer=invoicing_a.customer(name="Hannah Kim"))

    with django_capture_on_commit_callbacks(execute=True):
        admin_api.post(f"{URL}{invoice.pk}/send/", {"to": "accounts@kimarch.com"})

    [mail] = mailoutbox
    assert mail.to == ["accounts@kimarch.com"]
    assert mail.subject == f"Invoice {invoice.number} from Alpha Industries"
    assert "It is paid: thank you." in mail.body


@pytest.mark.parametrize("kind", ["draft", "cancelled"])
def test_a_draft_or_a_cancelled_invoice_is_not_sent(admin_api, invoicing_a, mailoutbox, kind,
                                                    django_capture_on_commit_callbacks):
    invoice = invoicing_a.invoice()
    if kind == "cancelled":
        admin_api.post(f"{URL}{invoice.pk}/cancel/", {"reason": "Gone"})

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(f"{URL}{invoice.pk}/send/", {})

    assert (response.status_code, response.json()) == (
        400, {"non_field_errors": ["Only an issued or paid invoice can be sent."]}
    )
    assert mailoutbox == []
    assert invoicing_a.fresh(invoice).sent_at is None


def test_a_bad_address_is_refused_and_nothing_is_sent(admin_api, invoicing_a, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    invoice = invoicing_a.issued()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(f"{URL}{invoice.pk}/send/", {"to": "not an address"})

    assert (response.status_code, response.json()) == (400, {"to": ["Enter a valid email address."]})
    assert mailoutbox == []

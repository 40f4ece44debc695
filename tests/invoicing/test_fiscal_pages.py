"""The fiscal pages: the settings (provider, environment, series with their next numbers, the
certificates' upload with their status and expiry, managers only), the editor's fiscal codes, and an
invoice's page with its fiscal document: status, the authority's message, the XML and DANFE links,
the correction letter dialog, a CFDI's cancellation with SAT's reason; another workspace's refused."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from modules.invoicing.models import FiscalEvent, FiscalSettings, InvoiceItem
from tests.fiscal_br.conftest import make_certificate, pfx_bytes

from .fiscal import (
    BRAZILIAN_CUSTOMER,
    COMPANY_CNPJ,
    MEXICAN_CUSTOMER,
    brazilian_company,
    bread,
    fiscal_on,
    mexican_company,
)
from .test_invoice_pages import editor_post, page_of

SETTINGS_PAGE = "/invoicing/settings/fiscal/"


@pytest.fixture
def admin(client, team_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(team_a.admin)
    client.defaults["HTTP_HOST"] = team_a.host
    return client


def test_the_settings_page_shows_the_series_next_number_and_saves_the_provider(admin, team_a, invoicing_a):
    brazilian_company(team_a)
    fiscal_on(team_a, payment_method="pix")
    invoicing_a.issued(customer=invoicing_a.customer(**BRAZILIAN_CUSTOMER), currency="BRL", items=[bread()])

    page = page_of(admin.get(SETTINGS_PAGE))
    saved = admin.post(SETTINGS_PAGE, {"enabled": "on", "provider": "focus_nfe", "environment": "homologation",
                                       "provider_token": "token-123", "nfe_series": "2", "nfse_series": "1"})

    assert "next number 2" in page and "NF-e" in page
    assert saved.status_code == 302
    stored = invoicing_a.run(lambda: FiscalSettings.objects.get())
    assert (stored.provider, stored.provider_token, stored.nfe_series) == ("focus_nfe", "token-123", 2)


def test_a_provider_without_its_token_is_refused_beside_the_field(admin, team_a, invoicing_a):
    brazilian_company(team_a)

    response = admin.post(SETTINGS_PAGE, {"provider": "focus_nfe", "environment": "homologation",
                                          "nfe_series": "1", "nfse_series": "1"})

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["provider_token"]


def test_an_a1_certificate_uploaded_on_the_page_shows_whose_it_is_and_warns_before_it_expires(admin, team_a):
    brazilian_company(team_a)
    certificate = make_certificate(COMPANY_CNPJ, not_after=timezone.now() + timedelta(days=12))
    pfx = SimpleUploadedFile("a1.pfx", pfx_bytes(certificate, "segredo"))

    response = admin.post("/invoicing/settings/fiscal/certificate/", {"file": pfx, "password": "segredo"},
                          follow=True)

    page = page_of(response)
    assert "The A1 certificate was saved." in page
    assert COMPANY_CNPJ in page and "It expires within 30 days: renew it." in page


def test_a_wrong_password_is_shown_beside_the_file(admin, team_a):
    brazilian_company(team_a)
    pfx = SimpleUploadedFile("a1.pfx", pfx_bytes(make_certificate(COMPANY_CNPJ), "segredo"))

    response = admin.post("/invoicing/settings/fiscal/certificate/", {"file": pfx, "password": "outra"})

    assert response.status_code == 422
    assert response.context["a1_form"].errors == {
        "file": ["The certificate could not be opened: check the file and its password."]
    }


def test_a_plain_member_cannot_open_the_fiscal_settings(member):
    assert member.get(SETTINGS_PAGE).status_code == 403


def test_the_editor_keeps_an_items_fiscal_codes(admin, team_a, invoicing_a):
    customer = invoicing_a.customer()

    response = admin.post("/invoicing/invoices/new/", editor_post(customer.pk, [{
        "description": "Pão", "quantity": "3", "unit_price": "8.90", "ncm": "19052090", "cfop": "5102",
        "sat_product_code": "", "sat_unit_code": "", "service_code": "",
    }]))

    assert response.status_code == 302
    line = invoicing_a.run(lambda: InvoiceItem.objects.get())
    assert (line.ncm, line.cfop) == ("19052090", "5102")


def test_the_invoice_page_shows_the_authorised_nfe_and_registers_a_correction_letter(
    admin, team_a, invoicing_a, django_capture_on_commit_callbacks
):
    brazilian_company(team_a)
    fiscal_on(team_a, payment_method="pix")
    with django_capture_on_commit_callbacks(execute=True):  # the DANFE follows the issue
        invoice = invoicing_a.issued(customer=invoicing_a.customer(**BRAZILIAN_CUSTOMER), currency="BRL",
                                     items=[bread()])
    url = f"/invoicing/invoices/{invoice.pk}/"

    page = page_of(admin.get(url))
    short = admin.post(f"{url}correction/", {"correction": "curta"})
    done = admin.post(f"{url}correction/", {"correction": "Onde se lê balcão, leia-se entrega no endereço"})

    fresh = invoicing_a.fresh(invoice)
    assert "SEFAZ authorised the NF-e: protocol" in page and fresh.nfe_key in page
    assert "Download the XML" in page and "Download the DANFE" in page and 'id="correction-dialog"' in page
    assert short.status_code == 422 and 'id="correction-dialog" class="board-dialog" open' in page_of(short)
    assert done.status_code == 302
    assert invoicing_a.run(lambda: FiscalEvent.objects.get().sequence) == 1


def test_a_refused_issue_shows_every_problem_on_the_page_and_leaves_the_draft(admin, team_a, invoicing_a):
    brazilian_company(team_a)
    fiscal_on(team_a)
    invoice = invoicing_a.invoice(customer=invoicing_a.customer(**BRAZILIAN_CUSTOMER), currency="BRL",
                                  items=[bread()])

    admin.cookies["django_language"] = "pt-br"
    response = admin.post(f"/invoicing/invoices/{invoice.pk}/issue/")

    assert response.status_code == 422
    assert "Pagamento: escolha como a fatura é paga" in page_of(response)
    assert invoicing_a.fresh(invoice).status == "draft"


def test_a_cfdi_is_cancelled_on_its_page_with_sats_reason(admin, team_a, invoicing_a):
    mexican_company(team_a)
    fiscal_on(team_a)
    invoice = invoicing_a.issued(customer=invoicing_a.customer(**MEXICAN_CUSTOMER), currency="MXN",
                                 items=[bread(tax_rate="16")])
    url = f"/invoicing/invoices/{invoice.pk}/"

    page = page_of(admin.get(url))
    response = admin.post(f"{url}cancel/", {"reason": "No se realizó", "cancel_reason_code": "03"})

    assert 'name="cancel_reason_code"' in page and "The PAC stamped the CFDI" in page
    assert response.status_code == 302
    event = invoicing_a.run(lambda: FiscalEvent.objects.get())
    assert (event.kind, event.code) == ("cancellation", "03")


def test_another_workspace_cannot_correct_an_invoice(outsider, team_a, invoicing_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    brazilian_company(team_a)
    fiscal_on(team_a, payment_method="pix")
    invoice = invoicing_a.issued(customer=invoicing_a.customer(**BRAZILIAN_CUSTOMER), currency="BRL",
                                 items=[bread()])

    response = outsider.post(f"/invoicing/invoices/{invoice.pk}/correction/",
                             {"correction": "Correção vinda de outra empresa"})

    assert response.status_code == 404
    assert invoicing_a.run(lambda: FiscalEvent.objects.count()) == 0


def test_without_javascript_the_correction_letter_link_opens_its_dialog(admin, team_a, invoicing_a):
    brazilian_company(team_a)
    fiscal_on(team_a, payment_method="pix")
    invoice = invoicing_a.issued(customer=invoicing_a.customer(**BRAZILIAN_CUSTOMER), currency="BRL",
                                 items=[bread()])

    closed = page_of(admin.get(f"/invoicing/invoices/{invoice.pk}/"))
    opened = page_of(admin.get(f"/invoicing/invoices/{invoice.pk}/?correction"))

    assert 'id="correction-dialog" class="board-dialog" aria-labelledby' in closed
    assert 'id="correction-dialog" class="board-dialog" open' in opened


def test_the_danfe_is_drawn_once_however_often_its_task_runs(team_a, invoicing_a, settings, tmp_path):
    from modules.invoicing.fiscal_documents import fiscal_pdf_make

    settings.MEDIA_ROOT = tmp_path
    brazilian_company(team_a)
    fiscal_on(team_a, payment_method="pix")
    invoice = invoicing_a.issued(customer=invoicing_a.customer(**BRAZILIAN_CUSTOMER), currency="BRL",
                                 items=[bread()])

    invoicing_a.run(lambda: fiscal_pdf_make(invoice_id=invoice.pk))
    first = invoicing_a.fresh(invoice).nfe_pdf
    invoicing_a.run(lambda: fiscal_pdf_make(invoice_id=invoice.pk))

    assert first.endswith(f"danfe-{invoice_nfe_key(invoicing_a, invoice)}.pdf")
    assert invoicing_a.fresh(invoice).nfe_pdf == first
    assert len(list(tmp_path.rglob("danfe-*.pdf"))) == 1


def invoice_nfe_key(invoicing, invoice) -> str:
    return invoicing.fresh(invoice).nfe_key


@pytest.mark.parametrize(("language", "text"), [
    ("pt-br", "Sua empresa emite a NF-e"), ("es", "Su empresa emite la NF-e"),
])
def test_the_fiscal_pages_speak_the_readers_language(admin, team_a, invoicing_a, language, text):
    brazilian_company(team_a)
    fiscal_on(team_a, payment_method="pix")
    invoice = invoicing_a.issued(customer=invoicing_a.customer(**BRAZILIAN_CUSTOMER), currency="BRL",
                                 items=[bread()])
    admin.cookies["django_language"] = language

    settings_page = page_of(admin.get(SETTINGS_PAGE))
    invoice_page = page_of(admin.get(f"/invoicing/invoices/{invoice.pk}/"))

    assert text in settings_page
    assert ("Baixar o XML" if language == "pt-br" else "Descargar el XML") in invoice_page

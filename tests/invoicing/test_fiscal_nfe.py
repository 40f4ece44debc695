"""Issuing an invoice of a Brazilian company makes its NF-e (or NFS-e) through the API: pre-flight in
the reader's language, numbering per series, the sandbox's authorisation with the XML and DANFE as
signed links, cancellation, correction letters, and another workspace seeing none of it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.invoicing.fiscal_br.schemas import schema_errors
from modules.invoicing.fiscal_br.signing import Certificate
from modules.invoicing.models import FiscalEvent, Invoice
from tests.fiscal_br.conftest import make_certificate, pfx_bytes, verify_independently

from .conftest import item
from .fiscal import (
    BRAZILIAN_CUSTOMER,
    COMPANY_CNPJ,
    URL,
    brazilian_company,
    bread,
    download,
    fiscal_on,
    xml,
)

NFE = "{http://www.portalfiscal.inf.br/nfe}"


@pytest.fixture
def brazil(team_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    brazilian_company(team_a)
    fiscal_on(team_a, payment_method="pix")


@pytest.fixture
def customer(invoicing_a):
    return invoicing_a.customer(**BRAZILIAN_CUSTOMER)


def upload_a1(admin_api, certificate: Certificate, password: str = "senha-do-a1"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pfx = SimpleUploadedFile("empresa.pfx", pfx_bytes(certificate, password), content_type="application/x-pkcs12")
    return admin_api.post("/api/v1/invoicing/fiscal/certificate/", {"file": pfx, "password": password},
                          format="multipart")


def test_issuing_authorises_the_nfe_signed_with_the_companys_a1_and_valid_against_the_schema(
    admin_api, client, team_a, invoicing_a, brazil, customer, django_capture_on_commit_callbacks
):
    certificate = make_certificate(COMPANY_CNPJ)
    assert upload_a1(admin_api, certificate).status_code == 200
    invoice = invoicing_a.invoice(customer=customer, currency="BRL", items=[bread()])

    with django_capture_on_commit_callbacks(execute=True):  # the DANFE is drawn once the issue commits
        response = admin_api.post(f"{URL}{invoice.pk}/issue/")

    assert response.status_code == 200, response.json()
    issued = response.json()
    assert (issued["status"], issued["nfe_status"], issued["nfe_number"], issued["fiscal_document"]) == (
        "issued", "authorized", "000001", "nfe"
    )
    assert len(issued["nfe_key"]) == 44 and issued["nfe_key"][6:20] == COMPANY_CNPJ
    assert issued["fiscal_message"].startswith("SEFAZ authorised the NF-e: protocol ")
    proc = download(client, team_a, issued["nfe_xml_url"])
    root = xml(proc)
    assert schema_errors(root, "nfeProc") == []
    assert root.findtext(f"{NFE}protNFe/{NFE}infProt/{NFE}cStat") == "100"
    assert root.findtext(f".//{NFE}det/{NFE}prod/{NFE}NCM") == "19052090"
    assert root.findtext(f".//{NFE}emit/{NFE}enderEmit/{NFE}cMun") == "3501152"  # found from Alumínio/SP
    verify_independently(proc, certificate)
    danfe = admin_api.get(f"{URL}{invoice.pk}/").json()["nfe_pdf_url"]
    assert issued["nfe_pdf_url"] is None and download(client, team_a, danfe).startswith(b"%PDF")


def test_each_nfe_takes_the_series_next_number_and_a_refused_one_gives_it_back(
    admin_api, invoicing_a, brazil, customer
):
    first = invoicing_a.invoice(customer=customer, currency="BRL", items=[bread()])
    unclassified = invoicing_a.invoice(customer=customer, currency="BRL", items=[item("Bolo", "1", "30.00")])
    second = invoicing_a.invoice(customer=customer, currency="BRL", items=[bread()])

    numbers = [admin_api.post(f"{URL}{first.pk}/issue/").json()["nfe_number"]]
    refused = admin_api.post(f"{URL}{unclassified.pk}/issue/")
    numbers.append(admin_api.post(f"{URL}{second.pk}/issue/").json()["nfe_number"])

    assert refused.status_code == 400
    assert numbers == ["000001", "000002"]
    assert invoicing_a.fresh(unclassified).status == "draft"
    settings = admin_api.get("/api/v1/invoicing/fiscal/settings/").json()
    assert (settings["nfe_series"], settings["nfe_next_number"]) == (1, 3)


def test_the_pre_flight_names_everything_missing_at_once_in_portuguese(
    api, team_a, invoicing_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    brazilian_company(team_a, address="Rua Paulo Dias", state_registration="")
    fiscal_on(team_a)
    customer = invoicing_a.customer(name="Joana Prado", tax_id="", country="BR")
    invoice = invoicing_a.invoice(customer=customer, currency="BRL", items=[item("Bolo", "1", "30.00")])

    response = api(host=team_a.host, user=team_a.admin, language="pt-BR").post(f"{URL}{invoice.pk}/issue/")

    assert response.status_code == 400
    problems = response.json()
    assert {"emitter.address.number", "emitter.address.district", "emitter.state_registration",
            "recipient.tax_id", "recipient.address.city_code", "items[0].ncm", "payment.method"} <= set(problems)
    assert problems["emitter.state_registration"] == [
        "Empresa: falta a inscrição estadual (IE): informe-a, ou ISENTO."
    ]
    assert problems["items[0].ncm"] == ["Item 1: o NCM deve ter 8 dígitos."]
    assert invoicing_a.fresh(invoice).status == "draft"


def test_the_pre_flight_speaks_spanish_to_a_spanish_reader(api, team_a, invoicing_a, brazil, customer):
    invoice = invoicing_a.invoice(customer=customer, currency="BRL", items=[item("Bolo", "1", "30.00")])

    response = api(host=team_a.host, user=team_a.admin, language="es").post(f"{URL}{invoice.pk}/issue/")

    assert response.json() == {"items[0].ncm": ["Ítem 1: el NCM debe tener 8 dígitos."]}


def test_an_expired_certificate_is_named_by_the_pre_flight(admin_api, team_a, invoicing_a, brazil, customer):
    now = timezone.now()
    expired = make_certificate(COMPANY_CNPJ, not_before=now - timedelta(days=400), not_after=now - timedelta(days=1))

    refused = upload_a1(admin_api, expired)

    assert refused.status_code == 400
    assert list(refused.json()) == ["file"] and "expired" in refused.json()["file"][0]


def test_a_certificate_of_another_company_is_refused(admin_api, brazil):
    response = upload_a1(admin_api, make_certificate("81493979000189"))

    assert response.status_code == 400
    assert response.json()["file"] == [
        "The certificate was issued to CNPJ 81493979000189, not to this company's 11222333000181."
    ]


def test_the_certificate_is_kept_encrypted_and_its_status_shown(admin_api, team_a, brazil):
    certificate = make_certificate(COMPANY_CNPJ, not_after=timezone.now() + timedelta(days=10))

    shown = upload_a1(admin_api, certificate).json()["a1_certificate"]

    assert (shown["tax_id"], shown["expired"], shown["expires_soon"]) == (COMPANY_CNPJ, False, True)
    with tenant_context(team_a.tenant):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT content, password FROM invoicing_fiscalcertificate")
            content, password = cursor.fetchone()
    assert "senha-do-a1" not in password and content.startswith("gAAAA")  # Fernet tokens


def test_cancelling_within_24_hours_cancels_the_nfe_with_sefaz(admin_api, client, team_a, invoicing_a, brazil,
                                                                customer):
    invoice = invoicing_a.issued(customer=customer, currency="BRL", items=[bread()])

    short = admin_api.post(f"{URL}{invoice.pk}/cancel/", {"reason": "Erro"})
    response = admin_api.post(f"{URL}{invoice.pk}/cancel/", {"reason": "Pedido cancelado pelo cliente"})

    assert short.status_code == 400
    assert short.json() == {"reason": ["The reason for cancelling must have 15 to 255 characters."]}
    assert response.status_code == 200
    cancelled = response.json()
    assert (cancelled["status"], cancelled["nfe_status"], cancelled["fiscal_message"]) == (
        "cancelled", "cancelled", "The NF-e was cancelled."
    )
    [event] = cancelled["fiscal_events"]
    assert (event["kind"], event["code"], event["text"]) == ("cancellation", "135", "Pedido cancelado pelo cliente")
    proc = xml(download(client, team_a, event["xml_url"]))
    assert schema_errors(proc, "cancellation") == []


def test_past_24_hours_the_nfe_is_not_cancelled_nor_the_invoice(admin_api, invoicing_a, brazil, customer):
    invoice = invoicing_a.issued(customer=customer, currency="BRL", items=[bread()])
    invoicing_a.run(lambda: Invoice.objects.filter(pk=invoice.pk).update(
        fiscal_authorized_at=timezone.now() - timedelta(hours=25)))

    response = admin_api.post(f"{URL}{invoice.pk}/cancel/", {"reason": "Pedido cancelado pelo cliente"})

    assert response.status_code == 400
    assert "within 24 hours" in response.json()["reason"][0]
    assert invoicing_a.fresh(invoice).status == "issued"


def test_correction_letters_are_numbered(admin_api, client, team_a, invoicing_a, brazil, customer):
    invoice = invoicing_a.issued(customer=customer, currency="BRL", items=[bread()])
    url = f"{URL}{invoice.pk}/correction/"

    too_short = admin_api.post(url, {"correction": "Errado"})
    admin_api.post(url, {"correction": "Onde se lê Rua Samuel Morse, leia-se Rua Samuel Morse 135"})
    answer = admin_api.post(url, {"correction": "Transportadora: retirada pelo próprio cliente no balcão"}).json()

    assert too_short.status_code == 400
    assert [(event["kind"], event["sequence"]) for event in answer["fiscal_events"]] == [
        ("correction", 1), ("correction", 2)
    ]
    assert schema_errors(xml(download(client, team_a, answer["fiscal_events"][1]["xml_url"])), "correction") == []


def test_an_nfse_for_a_company_that_sells_services(admin_api, client, team_a, invoicing_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    brazilian_company(team_a, fiscal_document="nfse", municipal_registration="12345")
    fiscal_on(team_a, iss_rate="2.00", nbs="115022000")
    customer = invoicing_a.customer(**BRAZILIAN_CUSTOMER)
    invoice = invoicing_a.invoice(customer=customer, currency="BRL",
                                  items=[item("Consultoria em TI", "10", "150.00", service_code="01.07.01")])

    issued = admin_api.post(f"{URL}{invoice.pk}/issue/").json()

    assert (issued["fiscal_document"], issued["nfe_status"], issued["nfe_number"]) == ("nfse", "authorized", "1")
    assert len(issued["nfe_key"]) == 50
    assert schema_errors(xml(download(client, team_a, issued["nfe_xml_url"])), "NFSe") == []


def test_another_workspace_sees_neither_the_documents_nor_the_certificate(
    api, admin_api, client, team_a, team_b, invoicing_a, brazil, customer
):
    upload_a1(admin_api, make_certificate(COMPANY_CNPJ))
    invoice = invoicing_a.issued(customer=customer, currency="BRL", items=[bread()])
    link = admin_api.get(f"{URL}{invoice.pk}/").json()["nfe_xml_url"]
    outsider = api(host=team_b.host, user=team_b.admin)

    assert outsider.get(f"{URL}{invoice.pk}/").status_code == 404
    assert outsider.post(f"{URL}{invoice.pk}/correction/", {"correction": "Correção de outra empresa qualquer"}
                         ).status_code == 404
    assert outsider.get("/api/v1/invoicing/fiscal/settings/").json()["a1_certificate"] is None
    from urllib.parse import urlsplit

    assert client.get(urlsplit(link).path, HTTP_HOST=team_b.host).status_code == 404
    assert invoicing_a.run(lambda: FiscalEvent.objects.count()) == 0


def test_a_certificate_that_expired_since_its_upload_is_named_by_the_pre_flight(
    admin_api, invoicing_a, brazil, customer
):
    from modules.invoicing.models import CertificateKind, FiscalCertificate

    now = timezone.now()
    expired = make_certificate(COMPANY_CNPJ, not_before=now - timedelta(days=400), not_after=now - timedelta(days=2))
    invoicing_a.run(lambda: FiscalCertificate.objects.create(
        kind=CertificateKind.A1, content=pfx_bytes(expired, "senha"), password="senha", subject="PADARIA",
        tax_id=COMPANY_CNPJ, serial="1", valid_from=expired.not_before, valid_until=expired.not_after,
    ))
    invoice = invoicing_a.invoice(customer=customer, currency="BRL", items=[bread()])

    response = admin_api.post(f"{URL}{invoice.pk}/issue/")

    assert response.status_code == 400
    assert list(response.json()) == ["certificate"]
    assert response.json()["certificate"][0].startswith("The certificate expired on ")

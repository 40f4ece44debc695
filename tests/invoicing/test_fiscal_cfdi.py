"""Issuing an invoice of a Mexican company makes its CFDI 4.0 through the API: sealed with the
company's CSD (SAT's test CSD in the sandbox for SAT's test RFCs), stamped by the sandbox PAC or SW
sapien (a local fake in SW's formats), valid against SAT's schema with a seal that verifies;
pre-flight in Spanish; cancellation with SAT's reasons; the payment complement (Pagos 2.0)."""

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree
from satcfdi.create.cfd.tfd11 import TimbreFiscalDigital
from werkzeug import Response

from modules.invoicing.fiscal_mx.csd import SANDBOX_DIR
from modules.invoicing.fiscal_mx.pac import sandbox_stamping_signer
from modules.invoicing.fiscal_mx.schemas import xsd_errors
from modules.invoicing.fiscal_mx.seal import cfdi_verify
from modules.invoicing.models import FiscalEvent
from tests.fiscal_mx.conftest import FIXTURES

from .conftest import item
from .fiscal import MEXICAN_CUSTOMER, SETTINGS_URL, URL, download, fiscal_on, mexican_company

CFDI = "{http://www.sat.gob.mx/cfd/4}"
PAGOS = "{http://www.sat.gob.mx/Pagos20}"
CSD_URL = "/api/v1/invoicing/fiscal/csd/"


@pytest.fixture
def mexico(team_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mexican_company(team_a)
    fiscal_on(team_a)


@pytest.fixture
def customer(invoicing_a):
    return invoicing_a.customer(**MEXICAN_CUSTOMER)


def consulting(**fields) -> dict:
    return item("Consultoría fiscal", "2", "1500.00", tax_rate="16", sat_product_code="84111500", **fields)


def test_issuing_stamps_the_cfdi_valid_against_sats_schema_with_a_seal_that_verifies(
    admin_api, client, team_a, invoicing_a, mexico, customer, django_capture_on_commit_callbacks
):
    invoice = invoicing_a.invoice(customer=customer, currency="MXN", items=[consulting()])

    with django_capture_on_commit_callbacks(execute=True):  # its PDF is drawn once the issue commits
        response = admin_api.post(f"{URL}{invoice.pk}/issue/")

    assert response.status_code == 200, response.json()
    issued = response.json()
    assert issued["fiscal_document"] == "cfdi" and str(uuid.UUID(issued["cfdi_uuid"])).upper() == issued["cfdi_uuid"]
    stamped = download(client, team_a, issued["cfdi_xml_url"])
    root = etree.fromstring(stamped)
    assert xsd_errors(root) == [] and cfdi_verify(stamped)
    assert (root.get("MetodoPago"), root.get("FormaPago"), root.get("Folio"), root.get("Total")) == (
        "PPD", "99", invoice.number, "3480.00"
    )
    assert root.find(f"{CFDI}Receptor").get("UsoCFDI") == "G03"
    concept = root.find(f"{CFDI}Conceptos/{CFDI}Concepto")
    assert (concept.get("ClaveProdServ"), concept.get("ClaveUnidad")) == ("84111500", "ACT")  # a service's unit
    printed = admin_api.get(f"{URL}{invoice.pk}/").json()["cfdi_pdf_url"]
    assert download(client, team_a, printed).startswith(b"%PDF")
    assert issued["fiscal_message"] == f"The PAC stamped the CFDI: fiscal folio {issued['cfdi_uuid']}."


def test_the_pre_flight_names_what_is_missing_in_spanish(api, team_a, invoicing_a, mexico):
    customer = invoicing_a.customer(name="Rosa Ibarra", tax_id="URE180429TM6", country="MX")
    invoice = invoicing_a.invoice(customer=customer, currency="MXN",
                                  items=[item("Asesoría", "1", "100", tax_rate="16")])

    response = api(host=team_a.host, user=team_a.admin, language="es").post(f"{URL}{invoice.pk}/issue/")

    assert response.status_code == 400
    assert response.json() == {
        "receiver.postal_code": ["El código postal debe tener 5 dígitos."],
        "receiver.tax_regime": ["— no es un régimen fiscal del catálogo del SAT (c_RegimenFiscal)."],
        "receiver.cfdi_use": ["— no es un uso del CFDI para una factura (c_UsoCFDI)."],
    }
    assert invoicing_a.fresh(invoice).status == "draft"


def test_an_iva_rate_sat_has_not_is_named(admin_api, invoicing_a, mexico, customer):
    invoice = invoicing_a.invoice(customer=customer, currency="MXN",
                                  items=[item("Asesoría", "1", "100", tax_rate="18")])

    response = admin_api.post(f"{URL}{invoice.pk}/issue/")

    assert response.json() == {"lines[0].iva": ["Item 1: the IVA rate must be 16, 8 or 0 %."]}


def test_cancelling_takes_sats_reason_and_01_its_substitute(admin_api, invoicing_a, mexico, customer):
    invoice = invoicing_a.issued(customer=customer, currency="MXN", items=[consulting()])
    replacement = invoicing_a.issued(customer=customer, currency="MXN", items=[consulting()])
    substitute = invoicing_a.fresh(replacement).cfdi_uuid

    without = admin_api.post(f"{URL}{invoice.pk}/cancel/", {"reason": "Datos del receptor", "cancel_reason_code": "01"})
    response = admin_api.post(f"{URL}{invoice.pk}/cancel/", {
        "reason": "Datos del receptor", "cancel_reason_code": "01", "substitute_uuid": substitute.lower(),
    })

    assert without.status_code == 400 and list(without.json()) == ["substitute_uuid"]
    assert response.status_code == 200
    cancelled = response.json()
    assert (cancelled["status"], cancelled["fiscal_message"]) == ("cancelled", "The CFDI was cancelled.")
    [event] = cancelled["fiscal_events"]
    assert (event["kind"], event["code"], event["protocol"], event["text"]) == (
        "cancellation", "01", "201", substitute.lower()
    )


def test_a_payment_to_the_ppd_invoice_gets_its_payment_complement(
    admin_api, client, team_a, invoicing_a, mexico, customer, django_capture_on_commit_callbacks
):
    invoice = invoicing_a.issued(customer=customer, currency="MXN", items=[consulting()])

    with django_capture_on_commit_callbacks(execute=True):
        admin_api.post(f"{URL}{invoice.pk}/mark_paid/", {"method": "bank_transfer"})
    paid = admin_api.get(f"{URL}{invoice.pk}/").json()

    [event] = paid["fiscal_events"]
    assert (event["kind"], event["sequence"], event["text"]) == ("payment", 1, "bank_transfer")
    complement = download(client, team_a, event["xml_url"])
    root = etree.fromstring(complement)
    assert xsd_errors(root) == [] and cfdi_verify(complement)
    payment = root.find(f"{CFDI}Complemento/{PAGOS}Pagos/{PAGOS}Pago")
    related = payment.find(f"{PAGOS}DoctoRelacionado")
    assert (payment.get("FormaDePagoP"), payment.get("Monto")) == ("03", "3480.00")
    assert (related.get("IdDocumento"), related.get("ImpSaldoAnt"), related.get("ImpSaldoInsoluto")) == (
        paid["cfdi_uuid"], "3480.00", "0.00"
    )


def _upload(admin_api, name: str, password: str = "12345678a", folder=SANDBOX_DIR):
    files = {
        "certificate": SimpleUploadedFile(f"{name}.cer", (folder / f"{name}.cer").read_bytes()),
        "private_key": SimpleUploadedFile(f"{name}.key", (folder / f"{name}.key").read_bytes()),
        "password": password,
    }
    return admin_api.post(CSD_URL, files, format="multipart")


def test_the_companys_csd_is_taken_and_another_rfcs_or_an_efirma_refused(admin_api, team_a, mexico):
    other = _upload(admin_api, "FUNK671228PH6")
    fiel = _upload(admin_api, "EKU9003173C9_fiel_2019", folder=FIXTURES)
    wrong_password = _upload(admin_api, "EKU9003173C9", password="otra")
    taken = _upload(admin_api, "EKU9003173C9")

    assert other.json() == {"certificate": ["The CSD belongs to RFC FUNK671228PH6, not to the company's RFC "
                                            "EKU9003173C9."]}
    assert "e.firma" in " ".join(fiel.json()["certificate"])
    assert list(wrong_password.json()) == ["password"]
    assert taken.status_code == 200
    assert (taken.json()["csd"]["tax_id"], taken.json()["csd"]["expired"]) == ("EKU9003173C9", False)


def test_another_workspace_cannot_see_or_cancel_the_cfdi(api, admin_api, team_b, invoicing_a, mexico, customer):
    _upload(admin_api, "EKU9003173C9")
    invoice = invoicing_a.issued(customer=customer, currency="MXN", items=[consulting()])
    outsider = api(host=team_b.host, user=team_b.admin)

    assert outsider.post(f"{URL}{invoice.pk}/cancel/", {"reason": "x", "cancel_reason_code": "02"}).status_code == 404
    assert outsider.get(SETTINGS_URL).json()["csd"] is None
    assert invoicing_a.fresh(invoice).status == "issued"
    assert invoicing_a.run(lambda: FiscalEvent.objects.count()) == 0


# --- SW sapien ---------------------------------------------------------------------------------------

SW_TOKEN = "T2lYQ0t4L0RHVkR4dHZ5"
SW_ERROR = "CFDI40147 - El campo DomicilioFiscalReceptor no corresponde al código postal del receptor."


def _sw_stamped(request) -> Response:
    """SW's V4 answer: the CFDI with the TimbreFiscalDigital a PAC adds."""
    root = etree.fromstring(request.files["xml"].read())
    tfd = TimbreFiscalDigital(proveedor=sandbox_stamping_signer(), uuid=str(uuid.uuid4()), fecha_timbrado=None,
                              sello_cfd=root.get("Sello"))
    etree.SubElement(root, f"{CFDI}Complemento").append(tfd.to_xml())
    data = {"uuid": tfd["UUID"], "noCertificadoSAT": tfd["NoCertificadoSAT"], "selloSAT": tfd["SelloSAT"],
            "cfdi": etree.tostring(root, xml_declaration=True, encoding="utf-8").decode()}
    return Response(json.dumps({"data": data, "status": "success"}), content_type="application/json")


def test_a_sw_rejection_is_shown_in_spanish_and_the_fixed_invoice_is_stamped(
    api, admin_api, team_a, invoicing_a, mexico, httpserver
):
    bearer = {"Authorization": f"Bearer {SW_TOKEN}"}
    httpserver.expect_ordered_request("/cfdi33/stamp/v4", method="POST", headers=bearer).respond_with_response(
        Response(json.dumps({"status": "error", "message": SW_ERROR, "messageDetail": None}), status=400,
                 content_type="application/json"))
    httpserver.expect_ordered_request("/cfdi33/stamp/v4", method="POST", headers=bearer).respond_with_handler(
        _sw_stamped)
    admin_api.patch(SETTINGS_URL, {"provider": "sw_sapien", "provider_token": SW_TOKEN,
                                   "provider_base_url": httpserver.url_for("/").rstrip("/")})
    _upload(admin_api, "EKU9003173C9")  # SW seals nothing for us: the company's own CSD
    customer = invoicing_a.customer(**{**MEXICAN_CUSTOMER, "postal_code": "01000"})
    invoice = invoicing_a.invoice(customer=customer, currency="MXN", items=[consulting()])

    refused = api(host=team_a.host, user=team_a.admin, language="es").post(f"{URL}{invoice.pk}/issue/")
    admin_api.patch(f"/api/v1/crm/contacts/{customer.pk}/", {"postal_code": "86991"})
    issued = admin_api.post(f"{URL}{invoice.pk}/issue/")

    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": [
        "El PAC rechazó el timbrado del CFDI (CFDI40147): «El campo DomicilioFiscalReceptor no corresponde al código "
        "postal del receptor.»"
    ]}
    assert issued.status_code == 200 and issued.json()["cfdi_uuid"]


def test_a_real_pac_needs_the_companys_own_csd(admin_api, invoicing_a, mexico, customer):
    admin_api.patch(SETTINGS_URL, {"provider": "sw_sapien", "provider_token": SW_TOKEN})
    invoice = invoicing_a.invoice(customer=customer, currency="MXN", items=[consulting()])

    response = admin_api.post(f"{URL}{invoice.pk}/issue/")

    assert response.status_code == 400
    assert response.json() == {"csd": [
        "Upload the company's CSD (the .cer and .key files SAT issued for invoicing, with their password) before "
        "issuing CFDI."
    ]}

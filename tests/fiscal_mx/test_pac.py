"""Stamping and cancelling: the sandbox PAC, and SW sapien's REST API against a local fake that
answers in SW's formats (its V4 stamp response, its error body, its cancellation acuse)."""

import base64
import json
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from cryptography import x509
from django.utils import translation
from lxml import etree
from satcfdi.create.cfd.tfd11 import TimbreFiscalDigital
from werkzeug import Response

from modules.invoicing.fiscal_mx.cfdi import invoice_seal
from modules.invoicing.fiscal_mx.errors import FiscalDataError, PacRejected, PacUnavailable
from modules.invoicing.fiscal_mx.pac import SandboxPac, SwSapienPac, sandbox_stamping_signer
from modules.invoicing.fiscal_mx.schemas import cadena_original, xsd_errors
from modules.invoicing.fiscal_mx.seal import cfdi_verify, signature_valid

from .conftest import STAMPED_AT, invoice

CFDI = "{http://www.sat.gob.mx/cfd/4}"
TFD = "{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital"
CANCEL = "{http://cancelacfd.sat.gob.mx}"
SUBSTITUTE = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"


def test_the_sandbox_stamps_with_a_timbre_fiscal_digital_11(csd, sandbox_pac):
    sealed = invoice_seal(invoice(), csd=csd)

    stamp = sandbox_pac.stamp(sealed.xml)

    root = etree.fromstring(stamp.xml)
    tfd = root.find(f"{CFDI}Complemento/{TFD}")
    assert xsd_errors(tfd) == [] and xsd_errors(root) == []
    assert uuid.UUID(stamp.uuid).version == 4
    assert (tfd.get("Version"), tfd.get("RfcProvCertif"), tfd.get("NoCertificadoSAT"), tfd.get("FechaTimbrado")) == (
        "1.1", "SPR190613I52", "99999000000000000001", "2026-11-20T12:05:00")
    assert tfd.get("SelloCFD") == sealed.sello
    assert stamp.tfd_cadena_original == (
        f"||1.1|{stamp.uuid}|2026-11-20T12:05:00|SPR190613I52|{sealed.sello}|99999000000000000001||")
    stamping_certificate = sandbox_stamping_signer().certificate.to_cryptography()
    assert signature_valid(stamping_certificate, stamp.sello_sat, cadena_original(tfd))
    assert cfdi_verify(stamp.xml)  # the TFD is outside the issuer's cadena original


def test_each_stamp_has_a_fresh_uuid(csd, sandbox_pac):
    sealed = invoice_seal(invoice(), csd=csd)

    assert sandbox_pac.stamp(sealed.xml).uuid != sandbox_pac.stamp(sealed.xml).uuid


@pytest.mark.parametrize("spoil, code", [
    (lambda xml: xml.replace(b'Total="394.39"', b'Total="394.40"'), "302"),
    (lambda xml: xml.replace(b'Moneda="MXN"', b'Moneda="PESOS"'), "301"),
])
def test_the_sandbox_refuses_what_a_pac_refuses(csd, sandbox_pac, spoil, code):
    xml = spoil(invoice_seal(invoice(), csd=csd).xml)

    with pytest.raises(PacRejected) as error:
        sandbox_pac.stamp(xml)

    assert error.value.pac_code == code


def test_the_sandbox_refuses_a_second_stamp_and_a_stale_fecha(csd, sandbox_pac):
    stamped = sandbox_pac.stamp(invoice_seal(invoice(), csd=csd).xml)
    with pytest.raises(PacRejected) as twice:
        sandbox_pac.stamp(stamped.xml)
    late = SandboxPac(now=lambda: STAMPED_AT + timedelta(hours=73))
    with pytest.raises(PacRejected) as stale:
        late.stamp(invoice_seal(invoice(), csd=csd).xml)

    assert (twice.value.pac_code, stale.value.pac_code) == ("307", "401")


@pytest.mark.parametrize("reason, substitute", [("01", SUBSTITUTE), ("02", None), ("03", None), ("04", None)])
def test_the_sandbox_cancels_with_sats_reasons(csd, sandbox_pac, reason, substitute):
    stamped = sandbox_pac.stamp(invoice_seal(invoice(), csd=csd).xml)

    cancellation = sandbox_pac.cancel(uuid=stamped.uuid, csd=csd, reason=reason, substitute_uuid=substitute)

    assert cancellation.status == "201"
    acknowledged = etree.fromstring(cancellation.acknowledgement).findtext(f"{CANCEL}Folios/{CANCEL}UUID")
    assert acknowledged == stamped.uuid.upper()


@pytest.mark.parametrize("reason, substitute, field", [
    ("01", None, "substitute_uuid"), ("02", SUBSTITUTE, "substitute_uuid"), ("05", None, "reason"),
])
def test_a_cancellation_against_sats_rules_is_refused_before_anything_is_sent(csd, sandbox_pac, reason, substitute,
                                                                              field):
    with pytest.raises(FiscalDataError) as error:
        sandbox_pac.cancel(uuid=str(uuid.uuid4()), csd=csd, reason=reason, substitute_uuid=substitute)

    assert list(error.value.as_dict()) == [field]


# --- SW sapien, against a fake answering in its formats ---------------------------------------

SW_ERROR = ("CFDI40108 - El TipoDeComprobante es I,E o N, el importe registrado en el campo no es igual a la suma de "
            "los importes de los conceptos registrados.")


def _sw_stamped(request) -> Response:
    return _sw_answer(request.files["xml"].read())


def _sw_answer(xml: bytes) -> Response:
    """SW's V4 answer: the stamped CFDI and the TFD's fields, the stamp made as a PAC makes it."""
    root = etree.fromstring(xml)
    signer = sandbox_stamping_signer()
    tfd = TimbreFiscalDigital(proveedor=signer, uuid=str(uuid.uuid4()), fecha_timbrado=None,
                              sello_cfd=root.get("Sello"))
    complement = etree.SubElement(root, f"{CFDI}Complemento")
    complement.append(tfd.to_xml())
    data = {
        "cadenaOriginalSAT": tfd.cadena_original(), "noCertificadoSAT": tfd["NoCertificadoSAT"],
        "noCertificadoCFDI": root.get("NoCertificado"), "uuid": tfd["UUID"], "selloSAT": tfd["SelloSAT"],
        "selloCFDI": root.get("Sello"), "fechaTimbrado": tfd["FechaTimbrado"].isoformat(), "qrCode": "iVBORw0KGgo=",
        "cfdi": etree.tostring(root, xml_declaration=True, encoding="utf-8").decode(),
    }
    return Response(json.dumps({"data": data, "status": "success"}), content_type="application/json")


def _sw_error(status: int, message: str, detail: str | None = None) -> Response:
    return Response(json.dumps({"message": message, "messageDetail": detail, "data": None, "status": "error"}),
                    status=status, content_type="application/json")


@pytest.fixture
def sw(httpserver):
    return SwSapienPac(httpserver.url_for("/"), token="T2lYQ0t4L0RHVkR4dHZ5")


def test_sw_stamps_and_the_stamp_is_read_from_its_v4_answer(csd, sw, httpserver):
    bearer = {"Authorization": "Bearer T2lYQ0t4L0RHVkR4dHZ5"}
    httpserver.expect_request("/cfdi33/stamp/v4", method="POST", headers=bearer).respond_with_handler(_sw_stamped)
    sealed = invoice_seal(invoice(), csd=csd)

    stamp = sw.stamp(sealed.xml)

    tfd = etree.fromstring(stamp.xml).find(f"{CFDI}Complemento/{TFD}")
    assert stamp.uuid == tfd.get("UUID") and stamp.pac_rfc == "SPR190613I52"
    assert xsd_errors(etree.fromstring(stamp.xml)) == [] and cfdi_verify(stamp.xml)


def test_a_sw_rejection_is_shown_translated_quoting_sw_and_the_fixed_invoice_then_stamps(csd, sw, httpserver):
    httpserver.expect_ordered_request("/cfdi33/stamp/v4", method="POST").respond_with_response(
        _sw_error(400, SW_ERROR, "Importe calculado 394.39"))
    httpserver.expect_ordered_request("/cfdi33/stamp/v4", method="POST").respond_with_handler(_sw_stamped)
    sealed = invoice_seal(invoice(), csd=csd)

    with translation.override("es"), pytest.raises(PacRejected) as error:
        sw.stamp(sealed.xml)
    stamp = sw.stamp(invoice_seal(invoice(folio="1002"), csd=csd).xml)

    assert error.value.pac_code == "CFDI40108"
    assert error.value.message == (
        "El PAC rechazó el timbrado del CFDI (CFDI40108): «El TipoDeComprobante es I,E o N, el importe registrado "
        "en el campo no es igual a la suma de los importes de los conceptos registrados. Importe calculado 394.39»")
    assert error.value.as_dict() == {"non_field_errors": [error.value.message]}
    assert etree.fromstring(stamp.xml).get("Folio") == "1002"


def test_a_previous_stamp_error_keeps_sws_code(csd, sw, httpserver):
    httpserver.expect_request("/cfdi33/stamp/v4").respond_with_response(
        _sw_error(400, "307. El comprobante contiene un timbre previo."))

    with translation.override("pt-br"), pytest.raises(PacRejected) as error:
        sw.stamp(invoice_seal(invoice(), csd=csd).xml)

    assert error.value.message == "O PAC recusou o carimbo do CFDI (307): “El comprobante contiene un timbre previo.”"


def test_sw_down_is_unavailable_and_nothing_was_stamped(csd, sw, httpserver):
    httpserver.expect_request("/cfdi33/stamp/v4").respond_with_response(Response("Bad gateway", status=502))

    with pytest.raises(PacUnavailable) as error:
        sw.stamp(invoice_seal(invoice(), csd=csd).xml)

    assert "nothing was stamped" in error.value.message


def test_sw_authenticates_with_user_and_password_once(csd, httpserver):
    httpserver.expect_oneshot_request("/v2/security/authenticate", method="POST",
                                      json={"user": "demo", "password": "123456789"}).respond_with_json(
        {"data": {"token": "fresh-token", "expires_in": 1798000000, "tokeny_type": "Bearer"}, "status": "success"})
    httpserver.expect_request("/cfdi33/stamp/v4", headers={"Authorization": "Bearer fresh-token"}
                              ).respond_with_handler(_sw_stamped)
    pac = SwSapienPac(httpserver.url_for("/"), user="demo", password="123456789")

    pac.stamp(invoice_seal(invoice(), csd=csd).xml)
    pac.stamp(invoice_seal(invoice(folio="1002"), csd=csd).xml)

    assert len(httpserver.log) == 3


def test_sw_cancels_with_a_signed_request_and_answers_the_acuse(csd, sw, httpserver):
    stamped_uuid = str(uuid.uuid4())
    received = {}

    def cancel(request):
        received["xml"] = request.files["xml"].read()
        acuse = (f'<?xml version="1.0" encoding="utf-8"?><Acuse Fecha="2026-11-20T12:10:00" RfcEmisor="EKU9003173C9">'
                 f'<Folios xmlns="http://cancelacfd.sat.gob.mx"><UUID>{stamped_uuid.upper()}</UUID>'
                 f'<EstatusUUID>201</EstatusUUID></Folios></Acuse>')
        body = {"data": {"acuse": acuse, "uuid": {stamped_uuid.upper(): "201"}}, "status": "success"}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/cfdi33/cancel/xml", method="POST").respond_with_handler(cancel)

    cancellation = sw.cancel(uuid=stamped_uuid, csd=csd, reason="01", substitute_uuid=SUBSTITUTE)

    assert (cancellation.status, cancellation.uuid) == ("201", stamped_uuid.upper())
    request = etree.fromstring(received["xml"])
    folio = request.find(f"{CANCEL}Folios/{CANCEL}Folio")
    assert (request.get("RfcEmisor"), folio.get("UUID"), folio.get("Motivo"), folio.get("FolioSustitucion")) == (
        "EKU9003173C9", stamped_uuid.upper(), "01", SUBSTITUTE)
    signature = request.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
    certificate = x509.load_der_x509_certificate(base64.b64decode(signature.findtext(".//{*}X509Certificate")))
    assert certificate == csd.certificate


def test_a_sw_cancellation_refused_by_sat_is_shown(csd, sw, httpserver):
    httpserver.expect_request("/cfdi33/cancel/xml").respond_with_response(
        _sw_error(400, "CA205 - UUID No existe", None))

    with translation.override("es"), pytest.raises(PacRejected) as error:
        sw.cancel(uuid=str(uuid.uuid4()), csd=csd, reason="02")

    assert error.value.message == "El PAC rechazó la cancelación del CFDI (CA205): «UUID No existe»"


def test_an_answer_that_is_not_our_document_is_not_taken(csd, sw, httpserver):
    other = invoice_seal(replace(invoice(), folio="9"), csd=csd)

    httpserver.expect_request("/cfdi33/stamp/v4").respond_with_handler(lambda request: _sw_answer(other.xml))

    with pytest.raises(PacUnavailable):
        sw.stamp(invoice_seal(invoice(), csd=csd).xml)

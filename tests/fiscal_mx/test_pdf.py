"""The printed representation: what Anexo 20 asks it to show, and SAT's verification QR."""

from decimal import Decimal

import pytest
from django.utils import translation
from lxml import etree

from modules.invoicing.brazil.pix import qr_png_data_uri
from modules.invoicing.fiscal_mx.cfdi import invoice_seal
from modules.invoicing.fiscal_mx.csd import sandbox_csd
from modules.invoicing.fiscal_mx.inputs import Issuer
from modules.invoicing.fiscal_mx.pdf import cfdi_html, cfdi_pdf, verification_total, verification_url

from .conftest import invoice

TFD = "{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital"


@pytest.fixture
def stamped(csd, sandbox_pac):
    return sandbox_pac.stamp(invoice_seal(invoice(), csd=csd).xml)


@pytest.mark.parametrize("total, text", [
    ("394.39", "394.39"), ("1000.50", "1000.5"), ("1000", "1000.0"), ("0.000001", "0.000001"),
    ("123456789012345678.123456", "123456789012345678.123456"), ("007.10", "7.1"),
])
def test_the_total_in_the_url_drops_non_significant_zeros(total, text):
    assert verification_total(total) == text


def test_the_verification_url_is_sats(stamped):
    root = etree.fromstring(stamped.xml)

    assert verification_url(stamped.xml) == (
        f"https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?id={stamped.uuid}&re=EKU9003173C9"
        f"&rr=URE180429TM6&tt=394.39&fe={root.get('Sello')[-8:]}")


def test_an_ampersand_in_an_rfc_is_escaped_in_the_url():
    xml = (b'<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Total="10.00" Sello="abcdefghij12345678">'
           b'<cfdi:Emisor Rfc="H&amp;E951128469"/><cfdi:Receptor Rfc="XAXX010101000"/><cfdi:Complemento>'
           b'<tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" UUID="u"/>'
           b'</cfdi:Complemento></cfdi:Comprobante>')

    assert "&re=H&amp;E951128469&rr=XAXX010101000&tt=10.0&fe=12345678" in verification_url(xml)


def test_the_printed_cfdi_shows_what_anexo_20_asks_in_spanish(stamped):
    root = etree.fromstring(stamped.xml)
    tfd = root.find(f"{{http://www.sat.gob.mx/cfd/4}}Complemento/{TFD}")

    with translation.override("es"):
        html = cfdi_html(stamped.xml)

    for shown in (stamped.uuid, "30001000000500003416", "99999000000000000001", root.get("Sello"), tfd.get("SelloSAT"),
                  stamped.tfd_cadena_original, "Folio fiscal (UUID)", "Cadena original del complemento de "
                  "certificación digital del SAT", "601 – General de Ley Personas Morales", "G03 – Gastos en general",
                  "03 – Transferencia electrónica de fondos", "Impuesto retenido", "394.39"):
        assert shown in html
    assert qr_png_data_uri(verification_url(stamped.xml), scale=3) in html  # the QR carries SAT's URL


def test_the_pdf_is_made(stamped):
    pdf = cfdi_pdf(stamped.xml)

    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000


def test_a_persona_fisicas_invoice_prints_too(sandbox_pac):
    person = invoice(issuer=Issuer("FUNK671228PH6", "KARLA FUENTE NOLASCO", "612"))
    stamped = sandbox_pac.stamp(invoice_seal(person, csd=sandbox_csd("FUNK671228PH6")).xml)

    assert "KARLA FUENTE NOLASCO" in cfdi_html(stamped.xml)
    assert Decimal(etree.fromstring(stamped.xml).get("Total")) == Decimal("394.39")

"""Invoices built, sealed and checked: SAT's schema, amounts that add up with SAT's rounding, the
Fecha in the issuer's time zone, seals that verify and tampering caught."""

import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from modules.invoicing.fiscal_mx.amounts import amounts_problems
from modules.invoicing.fiscal_mx.cfdi import invoice_comprobante, invoice_seal
from modules.invoicing.fiscal_mx.inputs import GlobalInfo, Iva, Line, Receiver, Related, TaxObject
from modules.invoicing.fiscal_mx.schemas import cadena_original, xsd_errors
from modules.invoicing.fiscal_mx.seal import cfdi_verify

from .conftest import invoice

CFDI = "{http://www.sat.gob.mx/cfd/4}"


def _root(sealed):
    return etree.fromstring(sealed.xml)


def test_an_invoice_validates_against_cfdv40_and_its_amounts_add_up(csd):
    sealed = invoice_seal(invoice(), csd=csd)
    root = _root(sealed)

    assert xsd_errors(root) == []
    assert amounts_problems(root, 2) == []
    # 3 × 33.335 = 100.005 → 100.01 (half up); base 99.01; IVA 15.84; ISR 9.90; IVA withheld 10.56.
    assert (root.get("SubTotal"), root.get("Descuento"), root.get("Total")) == ("400.01", "1.00", "394.39")
    taxes = root.find(f"{CFDI}Impuestos")
    assert (taxes.get("TotalImpuestosTrasladados"), taxes.get("TotalImpuestosRetenidos")) == ("15.84", "20.46")
    transfers = [(tax.get("TasaOCuota"), tax.get("Base"), tax.get("Importe"))
                 for tax in taxes.iterfind(f"{CFDI}Traslados/{CFDI}Traslado")]
    assert transfers == [("0.160000", "99.01", "15.84"), ("0.000000", "300.00", "0.00")]
    withheld = [(tax.get("Impuesto"), tax.get("Importe"))
                for tax in taxes.iterfind(f"{CFDI}Retenciones/{CFDI}Retencion")]
    assert withheld == [("001", "9.90"), ("002", "10.56")]
    concept = root.find(f"{CFDI}Conceptos/{CFDI}Concepto")
    assert (concept.get("ClaveProdServ"), concept.get("ClaveUnidad"), concept.get("ObjetoImp")) == (
        "01010101", "ACT", "02")
    assert root.findall(f"{CFDI}Conceptos/{CFDI}Concepto")[1].get("ClaveUnidad") == "H87"
    assert sealed.total == Decimal("394.39")


def test_the_seal_verifies_independently_with_openssl(csd, tmp_path):
    sealed = invoice_seal(invoice(), csd=csd)
    (tmp_path / "cadena.txt").write_text(sealed.cadena_original, encoding="utf-8")
    (tmp_path / "sello.b64").write_text(sealed.sello)
    (tmp_path / "cert.pem").write_bytes(csd.signer.certificate_bytes(encoding=Encoding.PEM))
    subprocess.run(["openssl", "base64", "-d", "-A", "-in", tmp_path / "sello.b64", "-out", tmp_path / "sello.bin"],
                   check=True)
    subprocess.run(["openssl", "x509", "-in", tmp_path / "cert.pem", "-pubkey", "-noout", "-out",
                    tmp_path / "key.pem"], check=True)

    verified = subprocess.run(["openssl", "dgst", "-sha256", "-verify", tmp_path / "key.pem", "-signature",
                               tmp_path / "sello.bin", tmp_path / "cadena.txt"], capture_output=True, text=True)

    assert verified.stdout.strip() == "Verified OK"
    assert sealed.cadena_original == cadena_original(_root(sealed))
    assert _root(sealed).get("NoCertificado") == "30001000000500003416"
    assert cfdi_verify(sealed.xml)


@pytest.mark.parametrize("before, after", [
    (b'Total="394.39"', b'Total="394.40"'),
    (b'Rfc="URE180429TM6"', b'Rfc="KIJ0906199R1"'),
    (b'Descripcion="Libro de texto"', b'Descripcion="Libro de texto usado"'),
    (b'NoCertificado="30001000000500003416"', b'NoCertificado="30001000000500003417"'),
])
def test_any_change_to_a_sealed_invoice_breaks_its_seal(csd, before, after):
    xml = invoice_seal(invoice(), csd=csd).xml
    assert before in xml

    assert not cfdi_verify(xml.replace(before, after))


def test_the_amount_check_catches_totals_that_do_not_add_up(csd):
    root = _root(invoice_seal(invoice(), csd=csd))
    root.set("Total", "394.40")
    root.find(f"{CFDI}Impuestos").set("TotalImpuestosRetenidos", "20.45")
    root.find(f"{CFDI}Conceptos/{CFDI}Concepto").set("Descuento", "1.50")

    problems = amounts_problems(root, 2)

    assert problems == ["Descuento 1.00 is not 1.50", "TotalImpuestosRetenidos 20.45 is not 20.46",
                        "Total 394.40 is not 393.89"]


def test_a_line_amount_must_lie_within_the_guides_limits(csd):
    """The limits follow the precision written: 3.00 × 33.335 may be 99.83 to 100.18; a tax of
    16% on 99.01 may be 15.84 to 15.85."""
    precise = invoice(lines=(replace(invoice().lines[0], quantity=Decimal("3.00")),))
    root = _root(invoice_seal(precise, csd=csd))
    concept = root.find(f"{CFDI}Conceptos/{CFDI}Concepto")
    concept.set("Importe", "100.19")
    concept.find(f"{CFDI}Impuestos/{CFDI}Traslados/{CFDI}Traslado").set("Importe", "15.86")

    problems = amounts_problems(root, 2)

    assert "Concepto 1: Importe 100.19 is outside [99.83, 100.18]" in problems
    assert "Concepto 1 Traslado: Importe 15.86 is outside [15.84, 15.85]" in problems


def test_the_fecha_is_the_clock_at_the_place_of_issue():
    tijuana = invoice(place_of_issue="22000", issued_at=datetime(2026, 7, 1, 20, 30, 15, 123, tzinfo=UTC))
    comprobante = invoice_comprobante(tijuana)

    assert comprobante["Fecha"] == datetime(2026, 7, 1, 13, 30, 15)  # Tijuana keeps US summer time, UTC−7
    assert invoice_comprobante(invoice(place_of_issue="77500"))["Fecha"] == datetime(2026, 11, 20, 13, 0)  # Cancún
    assert invoice_comprobante(invoice())["Fecha"] == datetime(2026, 11, 20, 12, 0)  # Hidalgo, central time


def test_a_sale_to_the_public_in_general_carries_its_global_information(csd):
    public = invoice(
        receiver=Receiver.public_in_general("42501"),
        global_info=GlobalInfo(periodicity="04", months="11", year=2026),
        lines=(Line("Venta", Decimal("1"), Decimal("1160.00"), service=True, iva=Iva.RATE_16),),
        payment_form="01",
    )

    root = _root(invoice_seal(public, csd=csd))

    assert xsd_errors(root) == []
    assert dict(root.find(f"{CFDI}InformacionGlobal").attrib) == {"Periodicidad": "04", "Meses": "11", "Año": "2026"}
    receiver = root.find(f"{CFDI}Receptor")
    assert dict(receiver.attrib) == {"Rfc": "XAXX010101000", "Nombre": "PUBLICO EN GENERAL",
                                     "DomicilioFiscalReceptor": "42501", "RegimenFiscalReceptor": "616",
                                     "UsoCFDI": "S01"}
    assert root.get("Total") == "1345.60"


def test_a_ppd_invoice_in_dollars_with_an_exempt_line_and_a_relation(csd):
    dollars = invoice(
        currency="USD", exchange_rate=Decimal("18.4567"), payment_method="PPD", payment_form=None,
        lines=(Line("Colegiatura", Decimal("1"), Decimal("250.50"), service=True, iva=Iva.EXEMPT),
               Line("Cuota sin objeto", Decimal("1"), Decimal("10"), service=True, tax_object=TaxObject.NOT_SUBJECT)),
        related=Related(relation="04", uuids=("5FB2822E-396D-4725-8521-CDC4BDD20CCF",)),
    )

    root = _root(invoice_seal(dollars, csd=csd))

    assert xsd_errors(root) == []
    assert (root.get("Moneda"), root.get("TipoCambio"), root.get("FormaPago"), root.get("MetodoPago")) == (
        "USD", "18.4567", "99", "PPD")
    assert root.find(f"{CFDI}Impuestos").get("TotalImpuestosTrasladados") is None  # only exempt IVA
    assert root.get("Total") == "260.50"
    assert [concept.get("ObjetoImp") for concept in root.iter(f"{CFDI}Concepto")] == ["02", "01"]
    assert root.find(f"{CFDI}CfdiRelacionados").get("TipoRelacion") == "04"


def test_ten_lines_with_every_rate_add_up_to_the_cent(csd):
    lines = tuple(
        Line(f"Servicio {n}", Decimal(n) / 3, Decimal("17.777777"), service=True, discount=Decimal("0.05"),
             iva=[Iva.RATE_16, Iva.RATE_8, Iva.RATE_0][n % 3])
        for n in range(1, 11)
    )
    root = _root(invoice_seal(replace(invoice(), lines=tuple(
        replace(line, quantity=line.quantity.quantize(Decimal("0.000001"))) for line in lines)), csd=csd))

    assert xsd_errors(root) == []
    assert amounts_problems(root, 2) == []

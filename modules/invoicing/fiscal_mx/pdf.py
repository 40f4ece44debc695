"""The printed representation of a stamped CFDI ("representación impresa"), as a PDF.

Anexo 20 asks it to show the fiscal folio (UUID), the issuer's and SAT's certificate numbers, the
date and time of certification, the issuer's Sello, SelloSAT, the cadena original of the
certification complement (the TFD's), and a QR code (error correction M or better) whose text is
the verification URL: https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?id=UUID
&re=issuer RFC&rr=receiver RFC&tt=total&fe=last 8 characters of the Sello. `tt` is the Total with
up to 18 integers and 6 decimals and "the non-significant zeros left out" (SAT's wording since
CFDI 3.3; 3.2's 17.6 zero-padded total no longer applies): 1000.50 → "1000.5", 1000 → "1000.0".
An "&" in an RFC is written "&amp;", as SAT's examples do.

Everything printed is read from the XML itself, so the PDF cannot say something the CFDI does not.
"""

from decimal import Decimal
from html import escape

from django.template.loader import render_to_string
from lxml import etree
from satcfdi.catalogs import select
from weasyprint import HTML

from ..brazil.pix import qr_png_data_uri
from .schemas import cadena_original

VERIFY_URL = "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx"
CFDI = "{http://www.sat.gob.mx/cfd/4}"
TFD = "{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital"
PAGOS = "{http://www.sat.gob.mx/Pagos20}"


def verification_total(total: str) -> str:
    """`tt`: the total without non-significant zeros, keeping one decimal."""
    digits = f"{Decimal(total):.6f}".rstrip("0")
    return digits + "0" if digits.endswith(".") else digits


def verification_url(xml: bytes) -> str:
    root = etree.fromstring(xml)
    tfd = root.find(f"{CFDI}Complemento/{TFD}")
    issuer = escape(root.find(f"{CFDI}Emisor").get("Rfc"), quote=False)
    receiver = escape(root.find(f"{CFDI}Receptor").get("Rfc"), quote=False)
    return (f"{VERIFY_URL}?id={tfd.get('UUID')}&re={issuer}&rr={receiver}"
            f"&tt={verification_total(root.get('Total'))}&fe={root.get('Sello')[-8:]}")


def _described(catalog: str, code: str | None) -> str:
    if not code:
        return ""
    description = select(f"C756_{catalog}", code)
    return f"{code} – {description}" if isinstance(description, str) else code


def _taxes(element, group: str, kind: str) -> list[dict]:
    return [dict(node.attrib) for node in element.iterfind(f"{CFDI}Impuestos/{CFDI}{group}/{CFDI}{kind}")]


def _attributes(element) -> dict | None:
    return dict(element.attrib) if element is not None else None


def _context(root: etree._Element) -> dict:
    tfd = root.find(f"{CFDI}Complemento/{TFD}")
    issuer, receiver = root.find(f"{CFDI}Emisor"), root.find(f"{CFDI}Receptor")
    payments = [
        {**payment.attrib,
         "documents": [dict(document.attrib) for document in payment.iterfind(f"{PAGOS}DoctoRelacionado")]}
        for payment in root.iterfind(f"{CFDI}Complemento/{PAGOS}Pagos/{PAGOS}Pago")
    ]
    return {
        "cfdi": dict(root.attrib),
        "kind": _described("c_TipoDeComprobante", root.get("TipoDeComprobante")),
        "payment_form": _described("c_FormaPago", root.get("FormaPago")),
        "payment_method": _described("c_MetodoPago", root.get("MetodoPago")),
        "export": _described("c_Exportacion", root.get("Exportacion")),
        "issuer": dict(issuer.attrib),
        "issuer_regime": _described("c_RegimenFiscal", issuer.get("RegimenFiscal")),
        "receiver": dict(receiver.attrib),
        "receiver_regime": _described("c_RegimenFiscal", receiver.get("RegimenFiscalReceptor")),
        "receiver_use": _described("c_UsoCFDI", receiver.get("UsoCFDI")),
        "global_info": _attributes(root.find(f"{CFDI}InformacionGlobal")),
        "lines": [
            {**concept.attrib, "transfers": _taxes(concept, "Traslados", "Traslado"),
             "withholdings": _taxes(concept, "Retenciones", "Retencion")}
            for concept in root.iterfind(f"{CFDI}Conceptos/{CFDI}Concepto")
        ],
        "transfers": _taxes(root, "Traslados", "Traslado"),
        "withholdings": _taxes(root, "Retenciones", "Retencion"),
        "payments": payments,
        "tfd": dict(tfd.attrib),
        "tfd_cadena_original": cadena_original(tfd),
        "qr": qr_png_data_uri(verification_url(etree.tostring(root)), scale=3),
    }


def cfdi_html(xml: bytes) -> str:
    """The printed representation of a stamped CFDI (invoice or payment) as HTML, in the active
    language."""
    return render_to_string("invoicing/cfdi_pdf.html", _context(etree.fromstring(xml)))


def cfdi_pdf(xml: bytes) -> bytes:
    return HTML(string=cfdi_html(xml)).write_pdf()

"""SAT's schemas and transforms, as satcfdi ships them (copies of SAT's files under
satcfdi/transform/schemas/www.sat.gob.mx/...): the XSDs every document is validated against
(cfdv40.xsd, TimbreFiscalDigitalv11.xsd, Pagos20.xsd with their catalogs and data types) and the
XSLTs that give a document's cadena original (cadenaoriginal_4_0.xslt, cadenaoriginal_TFD_1_1.xslt).

The three XSDs are compiled once into one schema: a CFDI's Complemento admits any element but
validates strictly those it knows, so a stamped CFDI or a payment CFDI is checked whole.
"""

from functools import cache
from pathlib import Path

import satcfdi
from lxml import etree

SAT_DIR = Path(satcfdi.__file__).resolve().parent / "transform/schemas/www.sat.gob.mx/sitio_internet/cfd"
_SCHEMAS = {
    "http://www.sat.gob.mx/cfd/4": "4/cfdv40.xsd",
    "http://www.sat.gob.mx/TimbreFiscalDigital": "TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd",
    "http://www.sat.gob.mx/Pagos20": "Pagos/Pagos20.xsd",
}
CFDI_XSLT = "4/cadenaoriginal_4_0/cadenaoriginal_4_0.xslt"
TFD_XSLT = "TimbreFiscalDigital/cadenaoriginal_TFD_1_1.xslt"


@cache
def _schema() -> etree.XMLSchema:
    imports = "".join(f'<xs:import namespace="{namespace}" schemaLocation="{(SAT_DIR / path).as_uri()}"/>'
                      for namespace, path in _SCHEMAS.items())
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    return etree.XMLSchema(etree.fromstring(wrapper, base_url=(SAT_DIR / "schemas.xsd").as_uri()))


def xsd_errors(element: etree._Element) -> list[str]:
    """SAT's schema errors of a Comprobante (with its complements) or of a TimbreFiscalDigital."""
    schema = _schema()
    if schema.validate(etree.ElementTree(element)):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


@cache
def _transform(path: str) -> etree.XSLT:
    return etree.XSLT(etree.parse(str(SAT_DIR / path)))


def cadena_original(element: etree._Element) -> str:
    """The cadena original SAT's XSLT gives: of a Comprobante, or of a TimbreFiscalDigital."""
    path = TFD_XSLT if element.tag.endswith("}TimbreFiscalDigital") else CFDI_XSLT
    return str(_transform(path)(element))

"""The official schemas every document is checked against before it leaves, and safe XML parsing.

The XSDs are the ones nfelib ships, as published: the NF-e 4.00 "pacote de liberação" (PL_010f,
with NT 2025.002's IBS/CBS groups, all optional), its events' (cancellation 1.00, CC-e 1.00),
and the NFS-e Padrão Nacional's 1.01 (DPS and NFS-e). Each is compiled once per process.
"""

from functools import cache
from pathlib import Path

import nfelib
from django.utils.translation import gettext as _
from lxml import etree

from .errors import FiscalDataError

_ROOT = Path(nfelib.__file__).parent
SCHEMAS = {
    "NFe": "nfe/schemas/v4_0/nfe_v4.00.xsd",
    "nfeProc": "nfe/schemas/v4_0/procNFe_v4.00.xsd",
    "cancellation": "nfe_evento_cancel/schemas/v1_0/procEventoCancNFe_v1.00.xsd",
    "correction": "nfe_evento_cce/schemas/v1_0/procCCeNFe_v1.00.xsd",
    "DPS": "nfse/schemas/v1_0/DPS_v1.01.xsd",
    "NFSe": "nfse/schemas/v1_0/NFSe_v1.01.xsd",
}
# Documents come from us or from a provider we called: no DTDs, entities or network fetches.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@cache
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(_ROOT / SCHEMAS[name])))


def xml_parse(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        raise FiscalDataError.one("document", _("This is not a well-formed XML document.")) from None


def xml_bytes(root: etree._Element) -> bytes:
    """The document as stored and sent: UTF-8, its declaration, and not one character between tags
    (SEFAZ refuses white space there, rejection 588; lxml would put a line break after the
    declaration)."""
    return b'<?xml version="1.0" encoding="UTF-8"?>' + etree.tostring(root, encoding="UTF-8")


def schema_errors(document: etree._Element, name: str) -> list[str]:
    """What the official schema `name` finds wrong with `document` (nothing: it is valid)."""
    schema = _schema(name)
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def schema_check(document: etree._Element, name: str) -> None:
    """Raise when `document` breaks its schema: built from pre-flighted data, it never should."""
    errors = schema_errors(document, name)
    if errors:
        raise FiscalDataError.one("document", _("The document does not follow the official %(schema)s schema: "
                                                "%(errors)s") % {"schema": name, "errors": "; ".join(errors)})

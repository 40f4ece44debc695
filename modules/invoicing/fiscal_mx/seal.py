"""Sealing a CFDI with the issuer's CSD, and verifying a seal as anyone receiving it would.

The Sello is the issuer's RSA signature (PKCS#1 v1.5 with SHA-256, "SHA256withRSA") of the
document's cadena original, the string SAT's XSLT draws from it; NoCertificado and Certificado
(the CSD's serial number and its DER in base64) are written before the cadena is drawn, since it
includes NoCertificado. `cfdi_verify` checks a document from its bytes alone, with nothing of
the sealing code: SAT's XSLT recomputes the cadena, `cryptography` checks the signature against
the embedded certificate, whose serial number must be NoCertificado.
"""

import base64
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from .amounts import amounts_problems
from .csd import Csd, csd_check
from .schemas import cadena_original, xsd_errors


class DocumentInvalid(Exception):
    """A document we built breaks SAT's schema or arithmetic: a bug of ours, never sent."""


@dataclass(frozen=True)
class SealedCfdi:
    xml: bytes
    cadena_original: str
    sello: str
    certificate_number: str
    issuer_rfc: str
    receiver_rfc: str
    total: Decimal


def element_seal(root: etree._Element, csd: Csd) -> str:
    """Write NoCertificado, Certificado and Sello on `root`; returns its cadena original."""
    root.set("NoCertificado", csd.number)
    root.set("Certificado", csd.signer.certificate_base64())
    cadena = cadena_original(root)
    root.set("Sello", csd.signer.sign_sha256(cadena.encode()))
    return cadena


def comprobante_seal(comprobante, csd: Csd, *, at: datetime, decimals: int) -> SealedCfdi:
    """Seal a satcfdi Comprobante issued `at` with a CSD that may seal it: of its issuer's RFC,
    a CSD and not an e.firma, current at that moment."""
    csd_check(csd, rfc=comprobante["Emisor"]["Rfc"], at=at)
    root = comprobante.to_xml()
    cadena = element_seal(root, csd)
    problems = xsd_errors(root) + amounts_problems(root, decimals)
    if problems:
        raise DocumentInvalid("; ".join(problems))
    return SealedCfdi(
        xml=etree.tostring(root, xml_declaration=True, encoding="UTF-8"),
        cadena_original=cadena,
        sello=root.get("Sello"),
        certificate_number=csd.number,
        issuer_rfc=comprobante["Emisor"]["Rfc"],
        receiver_rfc=comprobante["Receptor"]["Rfc"],
        total=Decimal(root.get("Total")),
    )


def signature_valid(certificate: x509.Certificate, signature_b64: str, cadena: str) -> bool:
    try:
        certificate.public_key().verify(base64.b64decode(signature_b64), cadena.encode(), padding.PKCS1v15(),
                                        hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def certificate_number(certificate: x509.Certificate) -> str:
    """SAT's NoCertificado: the serial number's bytes are the 20 ASCII digits."""
    serial = certificate.serial_number
    return serial.to_bytes((serial.bit_length() + 7) // 8, "big").decode("ascii", errors="replace")


def cfdi_verify(xml: bytes) -> bool:
    """Whether the CFDI's Sello is its issuer's signature of its cadena original."""
    root = etree.fromstring(xml)
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(root.get("Certificado", "")))
    except ValueError:
        return False
    if certificate_number(certificate) != root.get("NoCertificado"):
        return False
    return signature_valid(certificate, root.get("Sello", ""), cadena_original(root))

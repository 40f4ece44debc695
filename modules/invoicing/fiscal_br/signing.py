"""A1 certificates (PKCS#12 `.pfx` files) and the enveloped XML signature SEFAZ demands.

The signature is the NF-e manual's (MOC 7.0, "Visão Geral", 4.3 "Padrão de Assinatura
Digital"), which the NFS-e Padrão Nacional and the events (cancellation, CC-e) repeat:

- XMLDSig enveloped over the element carrying the `Id` (infNFe, infDPS, infEvento), referenced
  as URI="#<Id>"; the Signature is written right after it, inside its parent (NFe, DPS, evento);
- canonicalization C14N 1.0 (http://www.w3.org/TR/2001/REC-xml-c14n-20010315), transforms
  enveloped-signature then C14N, digest SHA-1, signature RSA-SHA1;
- KeyInfo carries the signer's X509Certificate, and nothing else.

The bytes signed are the document as built: with no white space between tags (SEFAZ refuses
it, rejection 588), so nothing may re-indent a document after it is signed.

An ICP-Brasil e-CNPJ certificate names its company as "NAME:CNPJ" in its CN and carries the
CNPJ in its subjectAltName (otherName 2.16.76.1.3.3, DOC-ICP-04); SEFAZ compares the CNPJ's
root (its first 8 characters, the company without its branch) with the emitter's (rejection 213),
so a branch signs with its head office's certificate and we refuse what SEFAZ would.
"""

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.utils import formats
from django.utils.translation import gettext as _
from lxml import etree

from .errors import FiscalDataError, Problem

DSIG = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED = f"{DSIG}enveloped-signature"
RSA_SHA1 = f"{DSIG}rsa-sha1"
SHA1 = f"{DSIG}sha1"
ICP_BRASIL_CNPJ_OID = x509.ObjectIdentifier("2.16.76.1.3.3")
EXPIRY_WARNING = timedelta(days=30)


@dataclass(frozen=True)
class Certificate:
    """An A1 certificate ready to sign with: the key and the certificate it belongs to."""

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def subject_name(self) -> str:
        names = self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return names[0].value.rsplit(":", 1)[0] if names else self.certificate.subject.rfc4514_string()

    @property
    def cnpj(self) -> str | None:
        return certificate_cnpj(self.certificate)

    @property
    def not_before(self) -> datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_valid_after_utc

    def expires_soon(self, now: datetime) -> bool:
        """Whether to warn the company: it expires within EXPIRY_WARNING."""
        return now <= self.not_after < now + EXPIRY_WARNING

    @property
    def der_base64(self) -> str:
        return base64.b64encode(self.certificate.public_bytes(serialization.Encoding.DER)).decode()


def certificate_cnpj(certificate: x509.Certificate) -> str | None:
    """The CNPJ an e-CNPJ certificate was issued to: its subjectAltName's ICP-Brasil otherName,
    else the part of its CN after the last colon."""
    try:
        alternative = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        alternative = None
    for other in alternative.get_values_for_type(x509.OtherName) if alternative else ():
        if other.type_id == ICP_BRASIL_CNPJ_OID:
            # A DER string (OCTET STRING or PrintableString): tag, short length, the 14 characters.
            value = other.value[2:].decode("ascii", "replace")
            if len(value) == 14:
                return value
    for name in certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME):
        candidate = name.value.rsplit(":", 1)[-1].strip()
        if len(candidate) == 14 and candidate.isalnum():
            return candidate.upper()
    return None


def certificate_load(pfx: bytes, password: str) -> Certificate:
    """The certificate of an uploaded `.pfx`; a wrong password or a file that is not an A1
    certificate with its RSA key is named."""
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(pfx, password.encode())
    except ValueError:
        raise FiscalDataError.one(
            "certificate", _("The certificate could not be opened: check the file and its password.")
        ) from None
    if certificate is None or not isinstance(key, rsa.RSAPrivateKey):
        raise FiscalDataError.one("certificate", _("This file has no A1 certificate with its private key."))
    return Certificate(key, certificate)


def certificate_problems(certificate: Certificate, cnpj: str, now: datetime) -> list[Problem]:
    """Why this certificate cannot sign for `cnpj` now: expired, not yet valid, or another
    company's."""
    problems = []
    if certificate.not_after < now:
        problems.append(Problem("certificate", _("The certificate expired on %(date)s: upload the renewed one.")
                                % {"date": formats.date_format(certificate.not_after, "SHORT_DATE_FORMAT")}))
    elif certificate.not_before > now:
        problems.append(Problem("certificate", _("The certificate is only valid from %(date)s.")
                                % {"date": formats.date_format(certificate.not_before, "SHORT_DATE_FORMAT")}))
    if certificate.cnpj is None or certificate.cnpj[:8] != cnpj[:8]:
        problems.append(Problem("certificate", _("The certificate was issued to CNPJ %(certificate)s, not to this "
                                                 "company's %(company)s.")
                                % {"certificate": certificate.cnpj or "?", "company": cnpj}))
    return problems


def certificate_generate(cnpj: str, name: str, *, not_before: datetime, not_after: datetime) -> Certificate:
    """A self-signed certificate shaped like an ICP-Brasil e-CNPJ A1 (CN "NAME:CNPJ" and the
    otherName), for the sandbox and the tests: no tax authority trusts it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ICP-Brasil"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Innexar sandbox - sem valor fiscal"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"{name[:45]}:{cnpj}"),
    ])
    cnpj_value = b"\x04" + bytes([len(cnpj)]) + cnpj.encode("ascii")  # DER OCTET STRING
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.OtherName(ICP_BRASIL_CNPJ_OID, cnpj_value)]), critical=False)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=True,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Certificate(key, certificate)


@cache
def sandbox_certificate(cnpj: str, name: str) -> Certificate:
    """The sandbox's own certificate for a company that uploaded none, made once per process:
    valid from yesterday for a year."""
    now = datetime.now(UTC)
    return certificate_generate(cnpj, name, not_before=now - timedelta(days=1), not_after=now + timedelta(days=365))


def c14n(element: etree._Element) -> bytes:
    """Inclusive C14N 1.0 of `element` and its descendants, with the namespaces in scope.

    Not `etree.tostring(element, method="c14n")`: with lxml 6.2 and libxml2 2.14 that writes a
    stray xmlns="" on every grandchild of a non-root element, which changes the digest. Written
    out alone (lxml declares its namespaces on it) and read back, the element is a root, whose
    canonical form libxml2 gets right; an NF-e has no xml:* attributes to inherit.
    """
    alone = etree.fromstring(etree.tostring(element, with_tail=False))
    return etree.tostring(alone, method="c14n", exclusive=False, with_comments=False)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes) -> etree._Element:
    child = etree.SubElement(parent, f"{{{DSIG}}}{tag}", attributes)
    child.text = text
    return child


def element_sign(signed: etree._Element, certificate: Certificate) -> etree._Element:
    """Sign `signed` (the element with the Id) in place; the Signature follows it in its parent."""
    digest = base64.b64encode(hashlib.sha1(c14n(signed)).digest()).decode()  # noqa: S324 - SEFAZ's algorithm
    signature = etree.Element(f"{{{DSIG}}}Signature", nsmap={None: DSIG})
    signed.addnext(signature)
    signed_info = _sub(signature, "SignedInfo")
    _sub(signed_info, "CanonicalizationMethod", Algorithm=C14N)
    _sub(signed_info, "SignatureMethod", Algorithm=RSA_SHA1)
    reference = _sub(signed_info, "Reference", URI=f"#{signed.get('Id')}")
    transforms = _sub(reference, "Transforms")
    _sub(transforms, "Transform", Algorithm=ENVELOPED)
    _sub(transforms, "Transform", Algorithm=C14N)
    _sub(reference, "DigestMethod", Algorithm=SHA1)
    _sub(reference, "DigestValue", digest)
    value = certificate.private_key.sign(c14n(signed_info), padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    _sub(signature, "SignatureValue", base64.b64encode(value).decode())
    _sub(_sub(_sub(signature, "KeyInfo"), "X509Data"), "X509Certificate", certificate.der_base64)
    return signature


def signature_digest(root: etree._Element) -> str:
    """The DigestValue of the document's signature: SEFAZ returns it as the protocol's digVal."""
    return root.findtext(f".//{{{DSIG}}}DigestValue")

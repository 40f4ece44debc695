"""The issuer's Certificado de Sello Digital (CSD): loading the `.cer`/`.key` pair, checking that
it may seal a given RFC's documents at a given moment, and the sandbox's public test CSDs.

A CSD is the certificate SAT issues for sealing invoices; the e.firma (FIEL) is SAT's other
certificate, for signing filings, and SAT refuses CFDI sealed with it (PAC error 306). The two
are told apart by their key usage: a FIEL also allows key agreement and data encipherment, a CSD
only digital signature and non-repudiation.

SAT publishes CSDs of fictitious taxpayers for testing ("Certificados de prueba", password
12345678a). `sandbox/` keeps those of EKU9003173C9 (persona moral) and FUNK671228PH6 (persona
física), valid from 2023-05-18 to 2027-05-18; the sandbox seals with them when a company with one
of these RFCs has uploaded no CSD of its own.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from cryptography import x509
from django.utils import formats
from django.utils.translation import gettext as _
from satcfdi.exceptions import CFDIError
from satcfdi.models import Certificate, Signer

from .errors import Problem, raise_problems

SANDBOX_DIR = Path(__file__).resolve().parent / "sandbox"
SANDBOX_PASSWORD = "12345678a"
SANDBOX_RFCS = ("EKU9003173C9", "FUNK671228PH6")


@dataclass(frozen=True)
class Csd:
    """A CSD. `signer` holds the certificate and, once loaded with its `.key`, the private key; a
    CSD known by its certificate alone (as a PAC sees it in a CFDI) can be checked, not sign."""

    signer: Certificate

    @property
    def rfc(self) -> str:
        return str(self.signer.rfc)

    @property
    def number(self) -> str:
        """NoCertificado: the certificate's serial number, 20 digits."""
        return self.signer.certificate_number

    @property
    def certificate(self) -> x509.Certificate:
        return self.signer.certificate.to_cryptography()

    @property
    def valid_from(self) -> datetime:
        return self.certificate.not_valid_before_utc

    @property
    def valid_until(self) -> datetime:
        return self.certificate.not_valid_after_utc

    @property
    def is_fiel(self) -> bool:
        try:
            usage = self.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            return False
        return usage.key_agreement or usage.data_encipherment


def csd_load(certificate: bytes, private_key: bytes, password: str) -> Csd:
    """The CSD from SAT's files: the `.cer` (DER) and the `.key` (PKCS#8 DER, encrypted with the
    password). Raises FiscalDataError naming which of the three is wrong."""
    try:
        cert = x509.load_der_x509_certificate(certificate)
    except ValueError:
        raise_problems([Problem("csd.certificate", _("The .cer file is not a SAT certificate."))])
    try:
        signer = Signer.load(certificate=certificate, key=private_key, password=password)
    except (ValueError, TypeError):
        raise_problems([Problem("csd.password", _("The .key file could not be opened with this password."))])
    except CFDIError:
        raise_problems([Problem("csd.private_key", _("The .key file is not the private key of this certificate."))])
    if not _has_rfc(cert):
        raise_problems([Problem("csd.certificate", _("The .cer file is not a SAT certificate."))])
    return Csd(signer)


def csd_from_certificate(certificate: bytes) -> Csd:
    return Csd(Certificate.load_certificate(certificate))


def _has_rfc(cert: x509.Certificate) -> bool:
    return bool(cert.subject.get_attributes_for_oid(x509.ObjectIdentifier("2.5.4.45")))


def csd_problems(csd: Csd | None, *, rfc: str, at: datetime) -> list[Problem]:
    """Why `csd` may not seal a document of `rfc` issued at `at` (empty when it may)."""
    if csd is None:
        return [Problem("csd", _("Upload the company's CSD (the .cer and .key files SAT issued for "
                                  "invoicing, with their password) before issuing CFDI."))]
    problems = []
    if csd.is_fiel:
        problems.append(Problem("csd", _("This certificate is an e.firma (FIEL); CFDI are sealed with a "
                                         "CSD (Certificado de Sello Digital).")))
    if csd.rfc != rfc:
        problems.append(Problem("csd", _("The CSD belongs to RFC %(csd_rfc)s, not to the company's RFC "
                                         "%(rfc)s.") % {"csd_rfc": csd.rfc, "rfc": rfc}))
    if at > csd.valid_until:
        problems.append(Problem("csd", _("The CSD expired on %(date)s; request a new one from SAT and "
                                         "upload it.") % {"date": formats.date_format(csd.valid_until)}))
    elif at < csd.valid_from:
        problems.append(Problem("csd", _("The CSD is valid only from %(date)s.")
                                % {"date": formats.date_format(csd.valid_from)}))
    return problems


def csd_check(csd: Csd | None, *, rfc: str, at: datetime) -> Csd:
    raise_problems(csd_problems(csd, rfc=rfc, at=at))
    return csd


@cache
def sandbox_csd(rfc: str) -> Csd | None:
    """SAT's public test CSD for `rfc`, if SAT published one and we keep it."""
    if rfc not in SANDBOX_RFCS:
        return None
    return csd_load((SANDBOX_DIR / f"{rfc}.cer").read_bytes(), (SANDBOX_DIR / f"{rfc}.key").read_bytes(),
                    SANDBOX_PASSWORD)


def csd_for(rfc: str, uploaded: Csd | None, *, sandbox: bool) -> Csd | None:
    """The CSD that seals the company's documents: its own, or in the sandbox SAT's test CSD of
    its RFC when it uploaded none."""
    if uploaded is not None or not sandbox:
        return uploaded
    return sandbox_csd(rfc)

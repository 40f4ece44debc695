"""Published samples reproduced: CryptoSys' CFDI 4.0 example, sealed by us from its unsigned text
with the same SAT test key, gives the published cadena original's signature byte for byte."""

import base64
import subprocess

from cryptography.hazmat.primitives import serialization
from lxml import etree
from satcfdi.models import Certificate, Signer

from modules.invoicing.fiscal_mx.csd import Csd
from modules.invoicing.fiscal_mx.schemas import cadena_original, xsd_errors
from modules.invoicing.fiscal_mx.seal import cfdi_verify, element_seal

from .conftest import FIXTURES

UNSIGNED = FIXTURES / "cryptosys_cfdv40_ejemplo.xml"
SIGNED = FIXTURES / "cryptosys_cfdv40_ejemplo_signed_tfd.xml"
# The first fields of its cadena original, as SAT's XSLT draws them.
CADENA_START = ("||4.0|A|123ABC|2021-12-07T23:59:59|99|30001000000300023708|CONDICIONES|1000|0.00|MXN|1.0|1500|P|03"
                "|PPD|99999|A1234|05|18|2021|09|ED1752FE-E865-4FF2-BFE1-0F552E770DC9|AAA010101AAA|Esta es una "
                "demostración|630|0123456789|BASJ600902KL9|Juanito Bananas De la Sierra|99999|MEX|0000000000000|630"
                "|S01|01010101|00001|1.5|C81|TONELADA|ACERO|1500000|2250000|01|2250000|002|Tasa|1.600000|360000")


def _sample_csd() -> Csd:
    """SAT's test CSD 30001000000300023708 of AAA010101AAA: the certificate the sample embeds,
    the key CfdiUtils carries."""
    der = base64.b64decode(etree.parse(str(SIGNED)).getroot().get("Certificado"))
    key = serialization.load_pem_private_key((FIXTURES / "CSD01_AAA010101AAA.key.pem").read_bytes(), None)
    return Csd(Signer(Certificate.load_certificate(der).certificate, key))


def test_the_samples_seal_is_reproduced_byte_for_byte_from_its_unsigned_text():
    published = etree.parse(str(SIGNED)).getroot()
    unsigned = etree.parse(str(UNSIGNED)).getroot()

    cadena = element_seal(unsigned, _sample_csd())

    assert cadena.startswith(CADENA_START)
    assert cadena == cadena_original(published)
    assert unsigned.get("Sello") == published.get("Sello")
    assert unsigned.get("Certificado") == published.get("Certificado")


def test_the_published_sample_validates_and_its_seal_verifies():
    xml = SIGNED.read_bytes()

    assert xsd_errors(etree.fromstring(xml)) == []
    assert cfdi_verify(xml)


def test_openssl_verifies_the_samples_seal_over_our_cadena_original(tmp_path):
    published = etree.parse(str(SIGNED)).getroot()
    (tmp_path / "cadena.txt").write_text(cadena_original(published), encoding="utf-8")
    (tmp_path / "sello.b64").write_text(published.get("Sello"))
    subprocess.run(["openssl", "base64", "-d", "-A", "-in", tmp_path / "sello.b64", "-out", tmp_path / "sello.bin"],
                   check=True)
    public_key = _sample_csd().signer.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "key.pem").write_bytes(public_key)

    verified = subprocess.run(["openssl", "dgst", "-sha256", "-verify", tmp_path / "key.pem", "-signature",
                               tmp_path / "sello.bin", tmp_path / "cadena.txt"], capture_output=True, text=True)

    assert verified.stdout.strip() == "Verified OK"


def test_a_tampered_sample_fails_verification():
    xml = SIGNED.read_bytes().replace(b'Total="1500"', b'Total="1501"')

    assert not cfdi_verify(xml)

"""The XML signature and the A1 certificate: signatures checked by an implementation that is not
ours (signxml), the digest recomputed with another canonicalizer (a C14N 2.0 writer),
tampering caught, and certificates read, their CNPJ and expiry found, the wrong ones refused."""

import base64
import hashlib
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.utils import translation
from lxml import etree
from signxml.exceptions import InvalidDigest, InvalidSignature

from modules.invoicing.fiscal_br.errors import FiscalDataError
from modules.invoicing.fiscal_br.nfe import nfe_issue
from modules.invoicing.fiscal_br.schemas import schema_errors
from modules.invoicing.fiscal_br.signing import (
    C14N,
    DSIG,
    ENVELOPED,
    RSA_SHA1,
    SHA1,
    c14n,
    certificate_cnpj,
    certificate_load,
    certificate_problems,
)

from .conftest import COMPANY_CNPJ, NOW, invoice, make_certificate, pfx_bytes, verify_independently

D = {"ds": DSIG, "n": "http://www.portalfiscal.inf.br/nfe"}


@pytest.fixture(scope="module")
def signed(certificate) -> bytes:
    return nfe_issue(invoice(), certificate).xml


def test_the_signature_verifies_with_signxml(signed, certificate):
    result = verify_independently(signed, certificate)

    assert result.signed_xml.tag == "{http://www.portalfiscal.inf.br/nfe}infNFe"
    assert result.signed_xml.get("Id").startswith("NFe35")


def test_the_digest_is_another_canonicalizers_form_of_infnfe(signed):
    root = etree.fromstring(signed)
    # A C14N 2.0 writer (lxml's port of the standard library's, not libxml2's C14N 1.0 that we and
    # signxml go through) agrees with C14N 1.0 on a document like this one: no comments, prefixes
    # or xml: attributes. Not xml.etree's own: WeasyPrint registers an empty namespace prefix when
    # imported, after which xml.etree writes a second xmlns on some elements.
    canonical = etree.canonicalize(etree.tostring(root[0]).decode()).encode()

    assert canonical == c14n(root[0])
    assert base64.b64encode(hashlib.sha1(canonical).digest()).decode() == root.findtext(".//ds:DigestValue", None, D)


def test_the_signature_is_shaped_as_the_manual_demands(signed):
    root = etree.fromstring(signed)
    signature = root.find("ds:Signature", D)

    assert root[0].tag.endswith("infNFe") and root[1] is signature  # right after infNFe, inside NFe
    assert signature.find("ds:SignedInfo/ds:CanonicalizationMethod", D).get("Algorithm") == C14N
    assert signature.find("ds:SignedInfo/ds:SignatureMethod", D).get("Algorithm") == RSA_SHA1
    reference = signature.find("ds:SignedInfo/ds:Reference", D)
    assert reference.get("URI") == "#" + root[0].get("Id")
    assert [transform.get("Algorithm") for transform in reference.findall("ds:Transforms/ds:Transform", D)] == [
        ENVELOPED, C14N]
    assert reference.find("ds:DigestMethod", D).get("Algorithm") == SHA1
    assert [child.tag.split("}")[1] for child in signature.find("ds:KeyInfo/ds:X509Data", D)] == ["X509Certificate"]


def test_the_signed_document_still_follows_the_schema(signed):
    assert schema_errors(etree.fromstring(signed), "NFe") == []


def test_a_changed_amount_breaks_the_signature(signed, certificate):
    tampered = signed.replace(b"<vNF>", b"<vNF>1", 1)

    with pytest.raises(InvalidDigest):
        verify_independently(tampered, certificate)


def test_a_changed_signature_value_is_caught(signed, certificate):
    root = etree.fromstring(signed)
    value = root.find(".//ds:SignatureValue", D)
    value.text = ("A" if value.text[0] != "A" else "B") + value.text[1:]

    with pytest.raises(InvalidSignature):
        verify_independently(etree.tostring(root), certificate)


def test_another_key_does_not_verify_the_document(signed):
    with pytest.raises(InvalidSignature):
        verify_independently(signed, make_certificate())


def test_an_uploaded_pfx_is_read_with_its_password():
    original = make_certificate(name="PADARIA SAO JOSE LTDA")

    loaded = certificate_load(pfx_bytes(original, "s3nh@"), "s3nh@")

    assert loaded.cnpj == COMPANY_CNPJ
    assert loaded.subject_name == "PADARIA SAO JOSE LTDA"
    assert loaded.not_after == original.not_after
    assert certificate_problems(loaded, COMPANY_CNPJ, NOW) == []


@pytest.mark.parametrize("language, words", [("pt-br", "senha"), ("es", "contraseña")])
def test_a_wrong_password_or_file_is_named(language, words):
    with translation.override(language), pytest.raises(FiscalDataError) as refused:
        certificate_load(pfx_bytes(make_certificate(), "right"), "wrong")

    assert refused.value.problems[0].field == "certificate"
    assert words in refused.value.problems[0].message
    with pytest.raises(FiscalDataError):
        certificate_load(b"not a certificate", "")


def test_an_expired_certificate_is_refused():
    expired = make_certificate(not_before=NOW - timedelta(days=400), not_after=NOW - timedelta(days=35))

    with translation.override("pt-br"):
        problems = certificate_problems(expired, COMPANY_CNPJ, NOW)

    assert [problem.field for problem in problems] == ["certificate"]
    assert "venceu" in problems[0].message and expired.not_after.strftime("%d/%m/%Y") in problems[0].message


def test_a_certificate_not_yet_valid_is_refused():
    future = make_certificate(not_before=NOW + timedelta(days=2))

    assert len(certificate_problems(future, COMPANY_CNPJ, NOW)) == 1


def test_another_companys_certificate_is_refused_but_a_branch_signs_with_its_head_office():
    other = make_certificate("19131243000197")

    with translation.override("es"):
        problems = certificate_problems(other, COMPANY_CNPJ, NOW)

    assert "19131243000197" in problems[0].message and "11222333000181" in problems[0].message
    assert certificate_problems(make_certificate(), "11222333000262", NOW) == []  # branch 0002, same root


def test_the_cnpj_is_read_from_the_cn_when_the_certificate_has_no_icp_brasil_name():
    generated = make_certificate()
    subject = generated.certificate.subject
    cn_only = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
               .public_key(generated.private_key.public_key()).serial_number(1)
               .not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=1))
               .sign(generated.private_key, hashes.SHA256()))

    assert certificate_cnpj(generated.certificate) == COMPANY_CNPJ  # from the otherName 2.16.76.1.3.3
    assert not cn_only.extensions and certificate_cnpj(cn_only) == COMPANY_CNPJ


def test_an_expiry_within_thirty_days_is_warned_of():
    assert make_certificate(not_after=NOW + timedelta(days=10)).expires_soon(NOW)
    assert not make_certificate(not_after=NOW + timedelta(days=90)).expires_soon(NOW)

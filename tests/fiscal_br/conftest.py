"""What the fiscal tests share: a company, a customer and an invoice in plain inputs, certificates
made for the tests (never a real one), and an independent check of XML signatures."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import nfelib
import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from lxml import etree
from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLVerifier

from modules.invoicing.fiscal_br.access_key import numeric_code_new
from modules.invoicing.fiscal_br.inputs import Address, Emitter, Item, NFeInput, Payment, Recipient
from modules.invoicing.fiscal_br.signing import DSIG, Certificate, certificate_generate

NFELIB_SAMPLES = Path(nfelib.__file__).parent / "nfe" / "samples" / "v4_0"
COMPANY_CNPJ = "11222333000181"  # 11.222.333/0001-81: valid check digits, the classic example
NOW = datetime.now(UTC)


def make_certificate(cnpj: str = COMPANY_CNPJ, *, name: str = "PADARIA SAO JOSE LTDA",
                     not_before: datetime | None = None, not_after: datetime | None = None) -> Certificate:
    return certificate_generate(cnpj, name, not_before=not_before or NOW - timedelta(days=30),
                                not_after=not_after or NOW + timedelta(days=335))


def pfx_bytes(certificate: Certificate, password: str) -> bytes:
    """The certificate as the `.pfx` a company uploads."""
    return pkcs12.serialize_key_and_certificates(b"a1", certificate.private_key, certificate.certificate, None,
                                                 BestAvailableEncryption(password.encode()))


@pytest.fixture(scope="session")
def certificate() -> Certificate:
    return make_certificate()


def company(**overrides) -> Emitter:
    fields = dict(
        tax_id="11.222.333/0001-81", name="Padaria São José Ltda", trade_name="Padaria São José",
        address=Address("Rua Paulo Dias", "586", "Centro", "Alumínio", "3501152", "SP", "18125-000",
                        phone="(11) 3010-9965"),
        tax_regime="simples_nacional", state_registration="110.042.490.114",
    )
    return Emitter(**(fields | overrides))


def customer(**overrides) -> Recipient:
    fields = dict(
        tax_id="81.493.979/0001-89", name="Mercado Brooklin Ltda",
        address=Address("Rua Samuel Morse", "135", "Brooklin", "São Paulo", "3550308", "SP", "04576-060",
                        complement="20º andar"),
        state_registration="460.429.771.334", email="compras@mercado.example",
    )
    return Recipient(**(fields | overrides))


def consumer_elsewhere(**overrides) -> Recipient:
    """A person in Rio de Janeiro, not registered for ICMS."""
    fields = dict(tax_id="529.982.247-25", name="Maria da Silva",
                  address=Address("Avenida Atlântica", "1702", "Copacabana", "Rio de Janeiro", "3304557", "RJ",
                                  "22021-001"))
    return Recipient(**(fields | overrides))


def line(number: int = 1, **overrides) -> Item:
    fields = dict(code=f"PAO-{number}", description=f"Pão de forma integral {number}", ncm="19052090",
                  quantity=Decimal("3"), unit_price=Decimal("8.90"))
    return Item(**(fields | overrides))


def invoice(**overrides) -> NFeInput:
    number = overrides.get("number", 1234)
    fields = dict(emitter=company(), recipient=customer(), items=(line(1), line(2, quantity=Decimal("1.5"))),
                  payment=Payment("pix"), series=1, number=number, issued_at=NOW - timedelta(minutes=1),
                  numeric_code=numeric_code_new(number))
    return NFeInput(**(fields | overrides))


def resign(document: bytes, certificate: Certificate, edit=None) -> bytes:
    """`document` signed again after `edit(root)`: to test what the authoriser checks beyond the
    signature itself."""
    from modules.invoicing.fiscal_br.signing import element_sign

    root = etree.fromstring(document)
    signature = root.find(f"{{{DSIG}}}Signature")
    root.remove(signature)
    if edit:
        edit(root)
    element_sign(root[0], certificate)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


SHA1_ONLY = SignatureConfiguration(signature_methods=frozenset({SignatureMethod.RSA_SHA1}),
                                   digest_algorithms=frozenset({DigestAlgorithm.SHA1}))


def verify_independently(document: bytes, certificate: Certificate, *, location: str = ".//"):
    """signxml's verdict, not ours. With lxml 6.2/libxml2 2.14 signxml's C14N writes a stray
    xmlns="" on grandchildren of the element it canonicalizes (see `signing.c14n`); its own
    `excise_empty_xmlns_declarations` drops them, which changes nothing else in a fiscal document
    (none has an empty default namespace)."""
    verifier = XMLVerifier()
    verifier.excise_empty_xmlns_declarations = True
    config = replace(SHA1_ONLY, location=location)
    return verifier.verify(document, x509_cert=certificate.certificate, expect_config=config)


"""The CSD: loaded from SAT's files, refused when it is another RFC's, expired or an e.firma, and
SAT's public test CSDs in the sandbox for SAT's test RFCs only."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from modules.invoicing.fiscal_mx.cfdi import invoice_comprobante, invoice_seal
from modules.invoicing.fiscal_mx.csd import csd_for, csd_load, sandbox_csd
from modules.invoicing.fiscal_mx.errors import FiscalDataError
from modules.invoicing.fiscal_mx.inputs import Issuer
from modules.invoicing.fiscal_mx.seal import comprobante_seal

from .conftest import FIXTURES, fixture_csd, invoice

SANDBOX = FIXTURES.parent.parent.parent / "modules" / "invoicing" / "fiscal_mx" / "sandbox"


def _messages(error: FiscalDataError) -> list[tuple[str, str]]:
    return [(problem.field, problem.message) for problem in error.problems]


def test_the_sandbox_csds_are_sats_test_certificates():
    eku, funk = sandbox_csd("EKU9003173C9"), sandbox_csd("FUNK671228PH6")

    assert (eku.rfc, eku.number, eku.is_fiel) == ("EKU9003173C9", "30001000000500003416", False)
    assert (funk.rfc, funk.number) == ("FUNK671228PH6", "30001000000500003446")
    assert eku.valid_until == datetime(2027, 5, 18, 11, 43, 51, tzinfo=UTC)
    assert sandbox_csd("URE180429TM6") is None


def test_a_company_with_its_own_csd_never_gets_the_test_one():
    own = fixture_csd("EKU9003173C9_2019_expired")

    assert csd_for("EKU9003173C9", own, sandbox=True) is own
    assert csd_for("EKU9003173C9", None, sandbox=True) == sandbox_csd("EKU9003173C9")
    assert csd_for("EKU9003173C9", None, sandbox=False) is None
    assert csd_for("KIJ0906199R1", None, sandbox=True) is None


@pytest.mark.parametrize("password, key, field, message", [
    ("wrong", "EKU9003173C9", "csd.password", "The .key file could not be opened with this password."),
    ("12345678a", "FUNK671228PH6", "csd.private_key", "The .key file is not the private key of this certificate."),
])
def test_a_csd_upload_names_what_is_wrong(password, key, field, message):
    with pytest.raises(FiscalDataError) as error:
        csd_load((SANDBOX / "EKU9003173C9.cer").read_bytes(), (SANDBOX / f"{key}.key").read_bytes(), password)

    assert _messages(error.value) == [(field, message)]


def test_a_file_that_is_not_a_certificate_is_refused():
    with pytest.raises(FiscalDataError) as error:
        csd_load(b"not a certificate", (SANDBOX / "EKU9003173C9.key").read_bytes(), "12345678a")

    assert _messages(error.value) == [("csd.certificate", "The .cer file is not a SAT certificate.")]


def test_another_rfcs_csd_is_refused_in_spanish():
    with translation.override("es"), pytest.raises(FiscalDataError) as error:
        invoice_seal(invoice(), csd=sandbox_csd("FUNK671228PH6"))

    assert ("csd", "El CSD pertenece al RFC FUNK671228PH6, no al RFC de la empresa EKU9003173C9.") in _messages(
        error.value)


def test_an_expired_csd_is_refused():
    with translation.override("pt-br"), pytest.raises(FiscalDataError) as error:
        invoice_seal(invoice(), csd=fixture_csd("EKU9003173C9_2019_expired"))

    assert _messages(error.value) == [("csd", "O CSD venceu em 17 de junho de 2023; solicite um novo ao SAT e "
                                              "envie-o.")]


def test_an_efirma_is_not_a_csd():
    fiel = fixture_csd("EKU9003173C9_fiel_2019")
    issuer_2020 = invoice(issued_at=datetime(2020, 6, 1, 17, tzinfo=UTC))

    with pytest.raises(FiscalDataError) as error:
        invoice_seal(issuer_2020, csd=fiel)

    assert _messages(error.value) == [("csd", "This certificate is an e.firma (FIEL); CFDI are sealed with a CSD "
                                              "(Certificado de Sello Digital).")]


def test_the_seal_itself_refuses_a_csd_the_preflight_would_have_refused():
    """Sealing checks the CSD again, so no caller can seal with a wrong one by skipping the pre-flight."""
    comprobante = invoice_comprobante(invoice(issuer=Issuer("FUNK671228PH6", "KARLA FUENTE NOLASCO", "612")))

    with pytest.raises(FiscalDataError):
        comprobante_seal(comprobante, sandbox_csd("EKU9003173C9"), at=invoice().issued_at, decimals=2)


def test_no_csd_at_all_is_named():
    with pytest.raises(FiscalDataError) as error:
        invoice_seal(invoice(), csd=None)

    assert error.value.as_dict() == {"csd": ["Upload the company's CSD (the .cer and .key files SAT issued for "
                                             "invoicing, with their password) before issuing CFDI."]}

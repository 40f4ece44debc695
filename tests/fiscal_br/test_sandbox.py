"""The homologation sandbox: authorised NF-e in an nfeProc valid against procNFe, the protocol
drawn from the key, SEFAZ's rejections for what SEFAZ checks first, the cancellation and the CC-e
registered, and the NFS-e generated from a DPS of the Padrão Nacional."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from lxml import etree

from modules.invoicing.fiscal_br.access_key import check_digit
from modules.invoicing.fiscal_br.errors import FiscalDataError
from modules.invoicing.fiscal_br.inputs import Address, DPSInput, Emitter, Service
from modules.invoicing.fiscal_br.nfe import nfe_issue
from modules.invoicing.fiscal_br.nfe_events import (
    CORRECTION_CONDITIONS,
    cancellation_check,
    cancellation_event,
    correction_check,
    correction_event,
)
from modules.invoicing.fiscal_br.nfse import dps_id, dps_issue
from modules.invoicing.fiscal_br.results import AUTHORIZED, REJECTED
from modules.invoicing.fiscal_br.sandbox import dps_authorize, event_register, nfe_authorize, sandbox_certificate
from modules.invoicing.fiscal_br.schemas import schema_errors

from .conftest import COMPANY_CNPJ, NOW, customer, invoice, make_certificate, resign, verify_independently

NS = {"n": "http://www.portalfiscal.inf.br/nfe", "s": "http://www.sped.fazenda.gov.br/nfse",
      "ds": "http://www.w3.org/2000/09/xmldsig#"}


@pytest.fixture(scope="module")
def issued(certificate):
    return nfe_issue(invoice(), certificate)


@pytest.fixture(scope="module")
def authorized(issued):
    return nfe_authorize(issued.xml)


def test_a_valid_nfe_is_authorised_in_an_nfeproc(authorized, issued, certificate):
    proc = etree.fromstring(authorized.xml)

    assert (authorized.outcome, authorized.code, authorized.key) == (AUTHORIZED, "100", issued.key.value)
    assert schema_errors(proc, "nfeProc") == []
    assert proc.findtext("n:protNFe/n:infProt/n:chNFe", namespaces=NS) == issued.key.value
    assert proc.findtext("n:protNFe/n:infProt/n:xMotivo", namespaces=NS) == "Autorizado o uso da NF-e"
    verify_independently(authorized.xml, certificate)  # the NFe inside is untouched


def test_the_protocol_is_shaped_like_sefazs_and_carries_the_digest(authorized, issued):
    proc = etree.fromstring(authorized.xml)
    protocol = authorized.protocol

    assert len(protocol) == 15 and protocol.startswith("1" + issued.key.state_code + issued.key.year_month[:2])
    assert proc.findtext("n:protNFe/n:infProt/n:nProt", namespaces=NS) == protocol
    assert proc.findtext("n:protNFe/n:infProt/n:digVal", namespaces=NS) == proc.findtext(".//ds:DigestValue",
                                                                                       namespaces=NS)
    assert authorized.received_at.isoformat() == proc.findtext(".//n:ide/n:dhEmi", namespaces=NS)


def test_the_same_nfe_is_authorised_the_same_way_twice(authorized, issued):
    again = nfe_authorize(issued.xml)

    assert again.xml == authorized.xml and again.protocol == authorized.protocol


def test_a_tampered_nfe_is_rejected_for_its_signature(issued):
    answer = nfe_authorize(issued.xml.replace(b"<vNF>", b"<vNF>1", 1))

    assert (answer.outcome, answer.code) == (REJECTED, "297")
    assert answer.reason == "Rejeição: Assinatura difere do calculado"


def test_a_document_that_breaks_the_schema_is_rejected(issued, certificate):
    broken = resign(issued.xml, certificate, lambda root: root.find(".//n:ide/n:natOp", NS).getparent().remove(
        root.find(".//n:ide/n:natOp", NS)))

    assert nfe_authorize(broken).code == "225"


def test_a_key_that_is_not_its_fields_is_rejected(issued, certificate):
    def change_numeric_code(root):
        root.find(".//n:ide/n:cNF", NS).text = "13572468"

    assert nfe_authorize(resign(issued.xml, certificate, change_numeric_code)).code == "502"


def test_the_sandbox_only_homologates(certificate):
    production = nfe_issue(invoice(environment=1), certificate)

    assert nfe_authorize(production.xml).code == "252"


def test_a_real_recipient_name_in_homologation_is_rejected_with_sefazs_598(issued, certificate):
    def real_name(root):
        root.find(".//n:dest/n:xNome", NS).text = "Mercado Brooklin Ltda"

    answer = nfe_authorize(resign(issued.xml, certificate, real_name))

    assert answer.code == "598"
    with translation.override("pt-br"):
        assert "SEFAZ rejeitou a NF-e (598: Rejeição: NF-e emitida em ambiente de homologação" in answer.message


def test_a_document_signed_with_another_companys_certificate_is_rejected(issued):
    answer = nfe_authorize(resign(issued.xml, make_certificate("19131243000197")))

    assert answer.code == "213"


def test_a_cancellation_is_registered_and_follows_its_schema(authorized, certificate):
    event = cancellation_event(key=authorized.key, protocol=authorized.protocol,
                               justification="Cliente desistiu da compra antes da entrega", cnpj=COMPANY_CNPJ,
                               environment=2, at=NOW, certificate=certificate)

    registered = event_register(event, at=NOW)
    proc = etree.fromstring(registered.xml)

    assert (registered.registered, registered.code, registered.kind) == (True, "135", "cancellation")
    assert schema_errors(proc, "cancellation") == []
    assert proc.findtext(".//n:evento/n:infEvento/n:detEvento/n:nProt", namespaces=NS) == authorized.protocol
    assert proc.find(".//n:evento/n:infEvento", NS).get("Id") == f"ID110111{authorized.key}01"
    verify_independently(registered.xml, certificate)


def test_correction_letters_are_numbered_and_carry_the_conditions_of_use(authorized, certificate):
    registered = [
        event_register(correction_event(key=authorized.key, correction=f"Corrige o complemento do endereço ({n})",
                                        sequence=n, cnpj=COMPANY_CNPJ, environment=2, at=NOW,
                                        certificate=certificate), at=NOW)
        for n in (1, 2)
    ]
    second = etree.fromstring(registered[1].xml)

    assert [result.sequence for result in registered] == [1, 2]
    assert schema_errors(second, "correction") == []
    assert second.findtext(".//n:xCondUso", namespaces=NS) == CORRECTION_CONDITIONS
    assert registered[0].protocol != registered[1].protocol
    with translation.override("es"):
        assert registered[1].message == f"Se registró la carta de corrección 2. Protocolo: {registered[1].protocol}."


def test_an_event_with_a_broken_signature_is_refused(authorized, certificate):
    event = cancellation_event(key=authorized.key, protocol=authorized.protocol,
                               justification="Cliente desistiu da compra antes da entrega", cnpj=COMPANY_CNPJ,
                               environment=2, at=NOW, certificate=certificate)
    event.element.find(".//n:xJust", NS).text = "Outro motivo qualquer, alterado depois"

    assert event_register(event, at=NOW).code == "297"


@pytest.mark.parametrize("justification, authorized_ago, problem", [
    ("curto demais", timedelta(hours=1), "15"),
    ("Cliente desistiu da compra antes da entrega", timedelta(hours=25), "24"),
])
def test_cancelling_needs_a_reason_and_the_24_hours(justification, authorized_ago, problem):
    with translation.override("pt-br"), pytest.raises(FiscalDataError) as refused:
        cancellation_check(justification, NOW - authorized_ago, NOW)

    assert problem in refused.value.problems[0].message
    cancellation_check("Cliente desistiu da compra antes da entrega", NOW - timedelta(hours=23), NOW)


def test_a_correction_needs_15_characters_and_at_most_20_letters():
    with pytest.raises(FiscalDataError):
        correction_check("curta")
    with pytest.raises(FiscalDataError):
        correction_check("Corrige o complemento do endereço", sequence=21)


# --- NFS-e Padrão Nacional ---------------------------------------------------------------------


def consultancy(**overrides) -> Emitter:
    fields = dict(tax_id="11.222.333/0001-81", name="Consultoria Vale Ltda", municipal_registration="152422",
                  address=Address("Rua XV de Novembro", "1200", "Centro", "Blumenau", "4202404", "SC", "89010-001"),
                  tax_regime="simples_nacional")
    return Emitter(**(fields | overrides))


def dps(**overrides) -> DPSInput:
    fields = dict(provider=consultancy(), taker=customer(), series=1, number=42, issued_at=NOW - timedelta(minutes=1),
                  service=Service("01.07.01", "Suporte técnico em informática, novembro", Decimal("1500.00"),
                                  "Blumenau", "4202404", iss_rate=Decimal("2.50"), nbs="115022000",
                                  discount=Decimal("100.00")))
    return DPSInput(**(fields | overrides))


def test_dps_ids_reproduce_the_published_ones():
    # nfelib's samples of the national layout: dps-simples.xml (Caracaraí/RR, series 900, DPS 6)
    # and dps-regime-normal.xml (Blumenau/SC, series 7, DPS 2, the CNPJ zeroed).
    simples = dps(provider=consultancy(tax_id="01761135000132",
                                       address=Address("R", "1", "Centro", "Caracaraí", "1400159", "RR", "69360000")),
                  series=900, number=6)
    normal = dps(provider=consultancy(tax_id="00000000000000"), series=7, number=2)

    assert dps_id(simples) == "DPS140015920176113500013200900000000000000006"
    assert dps_id(normal) == "DPS420240420000000000000000007000000000000002"


@pytest.mark.parametrize("regime, option, assessment", [("simples_nacional", "3", "1"),
                                                        ("simples_nacional_excess", "3", "2"),
                                                        ("mei", "2", None), ("normal", "1", None)])
def test_a_dps_is_signed_and_follows_the_national_schema(regime, option, assessment, certificate):
    issued = dps_issue(dps(provider=consultancy(tax_regime=regime)), certificate)
    root = etree.fromstring(issued.xml)

    assert schema_errors(root, "DPS") == []
    assert len(issued.id) == 45 and issued.id == root[0].get("Id")
    assert root.findtext(".//s:prest/s:regTrib/s:opSimpNac", namespaces=NS) == option
    assert root.findtext(".//s:prest/s:regTrib/s:regApTribSN", namespaces=NS) == assessment
    assert root.findtext(".//s:cServ/s:cTribNac", namespaces=NS) == "010701"
    assert root.findtext(".//s:cServ/s:cNBS", namespaces=NS) == "115022000"
    assert root.findtext(".//s:locPrest/s:cLocPrestacao", namespaces=NS) == "4202404"
    assert root.findtext(".//s:vDescIncond", namespaces=NS) == "100.00"
    verify_independently(issued.xml, certificate)


def test_a_dps_for_a_person_pads_the_cpf_in_its_id(certificate):
    person = consultancy(tax_id="529.982.247-25")

    assert dps_id(dps(provider=person)) == "DPS" + "4202404" + "1" + "00052998224725" + "00001" + "000000000000042"


def test_the_sandbox_generates_the_nfse_of_a_dps(certificate):
    document = dps()
    signed = dps_issue(document, certificate).xml

    answer = dps_authorize(document, signed)
    nfse = etree.fromstring(answer.xml)

    assert (answer.outcome, answer.document, answer.number) == (AUTHORIZED, "NFS-e", "42")
    assert schema_errors(nfse, "NFSe") == []
    assert nfse[0].get("Id") == "NFS" + answer.key and len(answer.key) == 50
    assert answer.key[-1] == check_digit(answer.key[:-1])
    # ISS: 2.5% of 1,500.00 less the 100.00 discount.
    assert nfse.findtext(".//s:valores/s:vBC", namespaces=NS) == "1400.00"
    assert nfse.findtext(".//s:valores/s:pAliqAplic", namespaces=NS) == "2.50"
    assert nfse.findtext(".//s:valores/s:vISSQN", namespaces=NS) == "35.00"
    assert nfse.find(".//s:infNFSe/s:DPS", NS) is not None
    nfse_tag = "{http://www.sped.fazenda.gov.br/nfse}"
    verify_independently(answer.xml, certificate, location=f"./{nfse_tag}infNFSe/{nfse_tag}DPS/")  # the provider's
    verify_independently(answer.xml, sandbox_certificate("33683111000107", "SANDBOX NFS-E NACIONAL"),
                         location="./")  # the national system's
    assert dps_authorize(document, signed).xml == answer.xml


def test_a_tampered_dps_is_refused(certificate):
    document = dps()
    signed = dps_issue(document, certificate).xml.replace(b"1500.00", b"15.00")

    assert dps_authorize(document, signed).outcome == REJECTED


def test_the_competence_is_the_day_the_service_was_rendered_else_the_issue_day(certificate):
    given = etree.fromstring(dps_issue(dps(competence=date(2026, 11, 30)), certificate).xml)
    default = etree.fromstring(dps_issue(dps(), certificate).xml)

    assert given.findtext(".//s:dCompet", namespaces=NS) == "2026-11-30"
    assert default.findtext(".//s:dCompet", namespaces=NS) == default.findtext(".//s:dhEmi", namespaces=NS)[:10]

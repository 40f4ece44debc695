"""Pre-flight: everything wrong named at once, with the input's path, in the user's language; the
rules SEFAZ applies first refused before anything is built."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from modules.invoicing.fiscal_br.errors import FiscalDataError
from modules.invoicing.fiscal_br.inputs import Address, DPSInput, Payment, Service
from modules.invoicing.fiscal_br.preflight import dps_preflight, ibge_city_code_valid, nfe_preflight

from .conftest import NOW, company, consumer_elsewhere, customer, invoice, line, make_certificate


def problems_of(document, language="en", **kwargs) -> dict[str, str]:
    with translation.override(language), pytest.raises(FiscalDataError) as refused:
        nfe_preflight(document, now=NOW, **kwargs)
    return {problem.field: problem.message for problem in refused.value.problems}


def test_a_complete_invoice_passes(certificate):
    nfe_preflight(invoice(), certificate=certificate, certificate_required=True, now=NOW)
    nfe_preflight(invoice(emitter=company(tax_regime="normal", pis_cofins_regime="cumulative"),
                          items=(line(1, icms_rate=Decimal("18")),)), now=NOW)


BROKEN = invoice(
    emitter=company(tax_id="11.222.333/0001-82", state_registration="110.042.490.115",
                    address=Address("", "", "Centro", "Alumínio", "3501153", "SP", "1812")),
    recipient=customer(state_registration="ISENTO"),
    items=(line(1, ncm="1905"), line(2, ncm="00"), line(3, cfop="6102", quantity=Decimal("0"))),
    payment=Payment("barter"),
)
EXPECTED_FIELDS = {
    "emitter.tax_id", "emitter.state_registration", "emitter.address.street", "emitter.address.number",
    "emitter.address.city_code", "emitter.address.postal_code", "recipient.state_registration", "items[0].ncm",
    "items[1].ncm", "items[2].cfop", "items[2].quantity", "payment.method",
}


def test_everything_wrong_is_named_at_once_with_its_path():
    assert set(problems_of(BROKEN)) == EXPECTED_FIELDS


@pytest.mark.parametrize("language, expected", [
    ("pt-br", {
        "emitter.tax_id": "Empresa: o CNPJ não é válido: confira os dígitos.",
        "emitter.state_registration": "Empresa: a inscrição estadual (IE) 110.042.490.115 não é válida em SP.",
        "emitter.address.city_code": "Empresa: o código IBGE do município deve ter 7 dígitos",
        "recipient.state_registration": "Cliente: a SEFAZ-SP não aceita cliente marcado como ISENTO",
        "items[1].ncm": "Item 2: esta linha é um serviço (NCM 00): serviços vão numa NFS-e",
        "items[2].cfop": "Item 3: o CFOP 6102 não serve para esta venda: deve começar com 5",
        "payment.method": "Pagamento: escolha como a fatura é paga",
    }),
    ("es", {
        "emitter.tax_id": "Empresa: el CNPJ no es válido: revise sus dígitos.",
        "emitter.state_registration": "Empresa: la inscripción estatal (IE) 110.042.490.115 no es válida en SP.",
        "emitter.address.city_code": "Empresa: el código IBGE del municipio debe tener 7 dígitos",
        "recipient.state_registration": "Cliente: la SEFAZ-SP no acepta un cliente marcado como ISENTO",
        "items[1].ncm": "Ítem 2: esta línea es un servicio (NCM 00): los servicios van en una NFS-e",
        "items[2].cfop": "Ítem 3: el CFOP 6102 no corresponde a esta venta: debe empezar con 5",
        "payment.method": "Pago: elija cómo se paga la factura",
    }),
])
def test_the_problems_speak_the_users_language(language, expected):
    problems = problems_of(BROKEN, language)

    for field, message in expected.items():
        assert problems[field].startswith(message), problems[field]


def test_isento_is_accepted_where_sefaz_allows_it():
    in_rio = customer(state_registration="ISENTO", address=consumer_elsewhere().address)

    nfe_preflight(invoice(recipient=in_rio), now=NOW)


@pytest.mark.parametrize("code, valid", [("3550308", True), ("3304557", True), ("5300108", True),
                                         ("3550309", False), ("355030", False), ("4305871", True),
                                         ("2201919", True)])
def test_ibge_codes_carry_their_check_digit_but_for_the_nine_ibge_exceptions(code, valid):
    assert ibge_city_code_valid(code) is valid


def test_a_city_of_another_state_is_named():
    address = replace(company().address, city_code="3304557")  # Rio de Janeiro, in SP

    assert "3304557" in problems_of(invoice(emitter=company(address=address)))["emitter.address.city_code"]


def test_outside_the_simples_every_line_needs_its_icms_rate_and_the_company_its_pis_cofins_regime():
    problems = problems_of(invoice(emitter=company(tax_regime="normal")), "pt-br")

    assert set(problems) == {"items[0].icms_rate", "items[1].icms_rate", "emitter.pis_cofins_regime"}
    assert problems["items[0].icms_rate"] == ("Item 1: falta a alíquota do ICMS: fora do Simples Nacional, "
                                              "cada linha precisa da sua.")


def test_an_interstate_sale_to_an_unregistered_consumer_outside_the_simples_is_named():
    document = invoice(emitter=company(tax_regime="normal", pis_cofins_regime="cumulative"),
                       recipient=consumer_elsewhere(), items=(line(1, icms_rate=Decimal("12")),))

    assert "DIFAL" in problems_of(document)["recipient"]
    nfe_preflight(replace(document, emitter=company()), now=NOW)  # the Simples owes no DIFAL group


def test_an_mei_cannot_grant_credit_nor_a_rate_be_out_of_range():
    problems = problems_of(invoice(emitter=company(tax_regime="mei", simples_credit_rate=Decimal("2"))))
    assert set(problems) == {"emitter.simples_credit_rate"}
    assert "emitter.simples_credit_rate" in problems_of(invoice(emitter=company(simples_credit_rate=Decimal("120"))))


@pytest.mark.parametrize("issued_at, words", [
    (NOW + timedelta(minutes=30), "futuro"),
    (NOW - timedelta(days=31), "30 dias"),
    (NOW.replace(tzinfo=None), "fuso horário"),
])
def test_the_issue_time_is_one_sefaz_takes(issued_at, words):
    assert words in problems_of(invoice(issued_at=issued_at), "pt-br")["issued_at"]


def test_numbers_series_and_the_random_code_are_checked():
    problems = problems_of(invoice(series=890, number=0, numeric_code="12345678"))

    assert set(problems) == {"series", "number", "numeric_code"}


def test_production_without_a_certificate_is_named():
    problems = problems_of(invoice(environment=1), "es", certificate_required=True)

    assert problems == {"certificate": "Certificado: suba el certificado A1 (.pfx) de la empresa para emitir en "
                                       "producción."}


def test_an_expired_certificate_is_refused_before_anything_is_built():
    expired = make_certificate(not_before=NOW - timedelta(days=400), not_after=NOW - timedelta(days=1))

    problems = problems_of(invoice(), "pt-br", certificate=expired)

    assert set(problems) == {"certificate"} and "venceu" in problems["certificate"]


def test_another_companys_certificate_is_refused():
    assert set(problems_of(invoice(), certificate=make_certificate("19131243000197"))) == {"certificate"}


def test_a_dps_names_what_the_nfse_needs():
    document = DPSInput(
        provider=company(tax_id="529.982.247-26", tax_regime="lucro"), taker=None, series=1, number=7,
        issued_at=NOW, service=Service("1.07", "", Decimal("0"), "Blumenau", "4202405", iss_rate=Decimal("6"),
                                       nbs="1150"),
    )

    with translation.override("pt-br"), pytest.raises(FiscalDataError) as refused:
        dps_preflight(document, now=NOW)

    problems = {problem.field: problem.message for problem in refused.value.problems}
    assert set(problems) == {"provider.tax_id", "provider.tax_regime", "service.service_code", "service.nbs",
                             "service.description", "service.amount", "service.discount", "service.city_code",
                             "service.iss_rate"}
    assert problems["service.iss_rate"] == "Serviço: a alíquota do ISS deve ficar entre 2% e 5% (LC 116/2003)."


def test_a_dps_of_a_self_employed_person_passes_without_ie():
    dps_preflight(DPSInput(
        provider=company(tax_id="529.982.247-25", state_registration=""), taker=customer(), series=1, number=7,
        issued_at=NOW, service=Service("01.07.01", "Suporte", Decimal("100.00"), "Alumínio", "3501152",
                                       iss_rate=Decimal("5"), nbs="115022000"),
    ), now=NOW)

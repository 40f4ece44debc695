"""The NF-e 4.00 as we build it: every document valid against the official schema, the taxes of
each regime in their groups, totals that add up, and a real note SEFAZ-PR authorised rebuilt from
its own data."""

from dataclasses import replace
from decimal import Decimal

import pytest
from lxml import etree

from modules.invoicing.fiscal_br.inputs import Address, Emitter, Item, Payment, Recipient, TechnicalResponsible
from modules.invoicing.fiscal_br.nfe import nfe_element, nfe_issue
from modules.invoicing.fiscal_br.schemas import schema_errors

from .conftest import NFELIB_SAMPLES, company, consumer_elsewhere, customer, invoice, line

NS = {"n": "http://www.portalfiscal.inf.br/nfe"}


def text(root, path: str) -> str:
    return root.findtext(path, namespaces=NS)


def texts(root, path: str) -> list[str]:
    return [element.text for element in root.findall(path, NS)]


def issued_root(document, certificate):
    issued = nfe_issue(document, certificate)
    root = etree.fromstring(issued.xml)
    assert schema_errors(root, "NFe") == []
    return root, issued


REGIMES = {
    "simples-credit": dict(emitter=company(simples_credit_rate=Decimal("2.70"))),
    "simples-no-credit": dict(emitter=company(), recipient=consumer_elsewhere()),
    "mei": dict(emitter=company(tax_regime="mei"), recipient=customer(state_registration="")),
    "over-sublimit": dict(emitter=company(tax_regime="simples_nacional_excess"),
                          items=(line(1, icms_rate=Decimal("18")),)),
    "presumido": dict(emitter=company(tax_regime="normal", pis_cofins_regime="cumulative"),
                      items=(line(1, icms_rate=Decimal("18")),
                             line(2, quantity=Decimal("1.5"), icms_rate=Decimal("12"), discount=Decimal("1")))),
    "real-interstate": dict(emitter=company(tax_regime="normal", pis_cofins_regime="non_cumulative"),
                            recipient=customer(address=Address("Rua da Bahia", "1000", "Centro", "Belo Horizonte",
                                                               "3106200", "MG", "30160-011"),
                                               state_registration="062.307.904/0081"),
                            items=(line(1, icms_rate=Decimal("12")),)),
}


@pytest.mark.parametrize("regime", REGIMES)
def test_every_regime_builds_a_document_the_official_schema_accepts(regime, certificate):
    root, issued = issued_root(invoice(**REGIMES[regime]), certificate)

    assert text(root, ".//n:infNFe").strip() == "" and root[0].get("Id") == f"NFe{issued.key.value}"
    assert text(root, "n:infNFe/n:ide/n:cDV") == issued.key.check_digit


def test_a_simples_company_grants_its_icms_credit_only_to_a_buyer_that_can_take_it(certificate):
    to_company, _ = issued_root(invoice(emitter=company(simples_credit_rate=Decimal("2.70"))), certificate)
    to_person, _ = issued_root(invoice(emitter=company(simples_credit_rate=Decimal("2.70")),
                                       recipient=consumer_elsewhere()), certificate)

    assert texts(to_company, ".//n:ICMSSN101/n:CSOSN") == ["101", "101"]
    assert texts(to_company, ".//n:ICMSSN101/n:pCredSN") == ["2.7000", "2.7000"]
    assert texts(to_company, ".//n:ICMSSN101/n:vCredICMSSN") == ["0.72", "0.36"]  # 26.70 and 13.35 at 2.7%
    assert texts(to_person, ".//n:ICMSSN102/n:CSOSN") == ["102", "102"]
    assert "PERMITE O APROVEITAMENTO DO CRÉDITO DE ICMS NO VALOR DE R$ 1,08" in text(to_company, ".//n:infCpl")
    assert "CRÉDITO DE ICMS" not in text(to_person, ".//n:infCpl")
    assert text(to_person, ".//n:infCpl").startswith("DOCUMENTO EMITIDO POR ME OU EPP OPTANTE PELO SIMPLES NACIONAL")


def test_an_mei_never_grants_credit(certificate):
    root, _ = issued_root(invoice(emitter=company(tax_regime="mei")), certificate)

    assert text(root, ".//n:CRT") == "4"
    assert texts(root, ".//n:ICMSSN102/n:CSOSN") == ["102", "102"]


def test_the_regime_normal_pays_icms_pis_and_cofins_on_the_document(certificate):
    document = invoice(**REGIMES["presumido"])
    root, issued = issued_root(document, certificate)

    # Line 1: 3 × 8.90 = 26.70 at 18% ICMS = 4.81; PIS and COFINS on 26.70 - 4.81 = 21.89.
    # Line 2: 1.5 × 8.90 = 13.35 - 1.00 discount = 12.35 at 12% = 1.48; on 10.87.
    assert texts(root, ".//n:ICMS00/n:CST") == ["00", "00"]
    assert texts(root, ".//n:ICMS00/n:vBC") == ["26.70", "12.35"]
    assert texts(root, ".//n:ICMS00/n:vICMS") == ["4.81", "1.48"]
    assert texts(root, ".//n:PISAliq/n:vBC") == ["21.89", "10.87"]
    assert texts(root, ".//n:PISAliq/n:pPIS") == ["0.6500", "0.6500"]
    assert texts(root, ".//n:PISAliq/n:vPIS") == ["0.14", "0.07"]
    assert texts(root, ".//n:COFINSAliq/n:pCOFINS") == ["3.0000", "3.0000"]
    assert texts(root, ".//n:COFINSAliq/n:vCOFINS") == ["0.66", "0.33"]
    assert issued.totals.icms == Decimal("6.29") and issued.totals.total == Decimal("39.05")
    assert text(root, ".//n:infAdic") is None  # no Simples notes to print, nothing else asked


def test_non_cumulative_pis_and_cofins_use_the_lucro_real_rates(certificate):
    root, _ = issued_root(invoice(**REGIMES["real-interstate"]), certificate)

    assert texts(root, ".//n:PISAliq/n:pPIS") == ["1.6500"]
    assert texts(root, ".//n:COFINSAliq/n:pCOFINS") == ["7.6000"]


def test_the_totals_add_up_to_the_lines(certificate):
    items = tuple(line(number, quantity=Decimal("1.3333"), unit_price=Decimal("7.1234567891"),
                       discount=Decimal("0.05") * number, icms_rate=Decimal("17.5")) for number in range(1, 11))
    root, issued = issued_root(invoice(emitter=company(tax_regime="normal", pis_cofins_regime="cumulative"),
                                       items=items), certificate)

    def total(tag):
        return Decimal(text(root, f".//n:ICMSTot/n:{tag}"))

    def summed(path):
        return sum((Decimal(value) for value in texts(root, path)), Decimal("0"))

    assert total("vProd") == summed(".//n:det/n:prod/n:vProd")
    assert total("vDesc") == summed(".//n:det/n:prod/n:vDesc")
    assert total("vBC") == summed(".//n:ICMS00/n:vBC")
    assert total("vICMS") == summed(".//n:ICMS00/n:vICMS")
    assert total("vPIS") == summed(".//n:PISAliq/n:vPIS")
    assert total("vCOFINS") == summed(".//n:COFINSAliq/n:vCOFINS")
    assert total("vNF") == total("vProd") - total("vDesc") == Decimal(text(root, ".//n:detPag/n:vPag"))
    for det in root.findall(".//n:det", NS):  # SEFAZ's rule 629: vProd = qCom × vUnCom, to the centavo
        product = Decimal(text(det, "n:prod/n:qCom")) * Decimal(text(det, "n:prod/n:vUnCom"))
        assert abs(product - Decimal(text(det, "n:prod/n:vProd"))) <= Decimal("0.005")


@pytest.mark.parametrize("recipient, expected", [
    (customer(), ("5102", "1", "1")),
    (customer(address=Address("Rua da Bahia", "1000", "Centro", "Belo Horizonte", "3106200", "MG", "30160-011"),
              state_registration="062.307.904/0081"), ("6102", "2", "1")),
    (consumer_elsewhere(), ("6108", "2", "9")),
    (customer(state_registration="ISENTO", address=Address("Rua A", "1", "Centro", "Rio de Janeiro", "3304557",
                                                          "RJ", "20000-000")), ("6102", "2", "2")),
])
def test_the_cfop_and_destination_follow_the_states_and_the_customers_registration(recipient, expected, certificate):
    root, _ = issued_root(invoice(recipient=recipient), certificate)

    assert (text(root, ".//n:det/n:prod/n:CFOP"), text(root, ".//n:ide/n:idDest"),
            text(root, ".//n:dest/n:indIEDest")) == expected
    assert (text(root, ".//n:dest/n:IE") is not None) == (expected[2] == "1")


def test_a_cfop_given_on_the_line_is_kept(certificate):
    root, _ = issued_root(invoice(items=(line(1, cfop="5101"),)), certificate)

    assert text(root, ".//n:CFOP") == "5101"


def test_homologation_writes_sefazs_own_recipient_name_and_production_the_customers():
    homologation, *_ = nfe_element(invoice())
    production, *_ = nfe_element(invoice(environment=1))

    assert text(homologation, ".//n:dest/n:xNome") == "NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL"
    assert text(production, ".//n:dest/n:xNome") == "Mercado Brooklin Ltda"
    assert text(production, ".//n:ide/n:tpAmb") == "1"


@pytest.mark.parametrize("method, code, card", [("cash", "01", False), ("credit_card", "03", True),
                                                 ("card", "03", True), ("boleto", "15", False),
                                                 ("pix", "17", True), ("bank_transfer", "18", False)])
def test_each_payment_method_has_its_tpag(method, code, card):
    root, *_ = nfe_element(invoice(payment=Payment(method, deferred=True)))

    assert text(root, ".//n:detPag/n:tPag") == code
    assert text(root, ".//n:detPag/n:indPag") == "1"
    assert (text(root, ".//n:detPag/n:card/n:tpIntegra") == "2") == card


def test_dates_are_the_emitters_local_time_and_the_sale_is_marked_not_in_person():
    root, key, *_ = nfe_element(invoice(emitter=company(address=Address(
        "Avenida Brasil", "10", "Centro", "Manaus", "1302603", "AM", "69010-000"), state_registration="04.293.368-4")))

    assert text(root, ".//n:dhEmi").endswith("-04:00")  # Manaus keeps UTC-4
    assert key.state_code == "13"
    assert (text(root, ".//n:indPres"), text(root, ".//n:indIntermed")) == ("9", "0")


def test_names_are_written_within_the_schemas_characters(certificate):
    messy = line(1, description="Café  “gourmet” — 500 g\n(torra média) ☕")
    root, _ = issued_root(invoice(items=(messy,), recipient=customer(name="  Łukasz Øster\tComércio  ")),
                          certificate)

    assert text(root, ".//n:xProd") == "Café gourmet 500 g (torra média)"
    assert text(root, ".//n:infNFe/n:emit/n:xNome") == "Padaria São José Ltda"


def test_the_technical_responsible_is_written_when_given(certificate):
    responsible = TechnicalResponsible("11.222.333/0001-81", "Equipe Innexar", "fiscal@innexar.example",
                                       "(11) 4000-1234")
    root, _ = issued_root(invoice(technical_responsible=responsible), certificate)

    assert [element.text for element in root.find(".//n:infRespTec", NS)] == [
        "11222333000181", "Equipe Innexar", "fiscal@innexar.example", "1140001234"]


def test_a_real_simples_nacional_note_is_rebuilt_from_its_data(certificate):
    """UNIMAKE's note 46320 (SEFAZ-PR, homologation, protocol 141170000487910; nfelib's sample):
    a Simples Nacional company granting credit at 2.4199% on one line, from Paraná to São Paulo."""
    published = etree.parse(str(NFELIB_SAMPLES / "leiauteNFe"
                                / "41170706117473000150550010000463202612756525-procNFe.xml")).getroot()
    document = invoice(
        emitter=Emitter(
            tax_id="06117473000150", name="UNIMAKE SOLUCOES CORPORATIVAS LTDA", trade_name="UNIMAKE - PARANAVAI",
            address=Address("RUA ANTONIO FELIPE", "01500", "CENTRO", "PARANAVAI", "4118402", "PR", "87704030",
                            phone="04431414900"),
            tax_regime="simples_nacional", state_registration="9032000301", simples_credit_rate=Decimal("2.4199")),
        recipient=Recipient(
            tax_id="27373722000148", name="Cliente", final_consumer=False, state_registration="260205835115",
            address=Address("RUA DUARTINA", "850", "JARDIM SOTO", "CATANDUVA", "3511102", "SP", "15810150",
                            phone="01735237730")),
        items=(Item("01042", "NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL", "84714900",
                    Decimal("1"), Decimal("84.90"), unit="LU", cfop="6101"),),
        payment=Payment("cash"), series=1, number=46320, numeric_code="61275652", presence="1",
        operation="VENDA PRODUC.DO ESTABELEC",
    )
    root, _ = issued_root(document, certificate)

    same = [
        "n:ide/n:cUF", "n:ide/n:cNF", "n:ide/n:natOp", "n:ide/n:mod", "n:ide/n:serie", "n:ide/n:nNF",
        "n:ide/n:tpNF", "n:ide/n:idDest", "n:ide/n:cMunFG", "n:ide/n:tpImp", "n:ide/n:tpAmb", "n:ide/n:finNFe",
        "n:ide/n:indFinal", "n:ide/n:indPres", "n:ide/n:procEmi",
        "n:emit/n:CNPJ", "n:emit/n:xNome", "n:emit/n:xFant", "n:emit/n:enderEmit/n:xLgr", "n:emit/n:enderEmit/n:nro",
        "n:emit/n:enderEmit/n:cMun", "n:emit/n:enderEmit/n:UF", "n:emit/n:enderEmit/n:CEP",
        "n:emit/n:enderEmit/n:fone", "n:emit/n:IE", "n:emit/n:CRT",
        "n:dest/n:CNPJ", "n:dest/n:xNome", "n:dest/n:enderDest/n:cMun", "n:dest/n:enderDest/n:UF",
        "n:dest/n:indIEDest", "n:dest/n:IE",
        "n:det/n:prod/n:cProd", "n:det/n:prod/n:NCM", "n:det/n:prod/n:CFOP", "n:det/n:prod/n:uCom",
        "n:det/n:prod/n:vUnCom", "n:det/n:prod/n:vProd", "n:det/n:prod/n:indTot",
        "n:det/n:imposto/n:ICMS/n:ICMSSN101/n:orig", "n:det/n:imposto/n:ICMS/n:ICMSSN101/n:CSOSN",
        "n:det/n:imposto/n:ICMS/n:ICMSSN101/n:pCredSN", "n:det/n:imposto/n:ICMS/n:ICMSSN101/n:vCredICMSSN",
        *[f"n:total/n:ICMSTot/n:{tag}" for tag in ("vBC", "vICMS", "vICMSDeson", "vFCP", "vBCST", "vST", "vFCPST",
                                                   "vFCPSTRet", "vProd", "vFrete", "vSeg", "vDesc", "vII", "vIPI",
                                                   "vIPIDevol", "vPIS", "vCOFINS", "vOutro", "vNF")],
        "n:pag/n:detPag/n:tPag", "n:pag/n:detPag/n:vPag",
    ]
    ours, theirs = root.find("n:infNFe", NS), published.find(".//n:infNFe", NS)
    assert {path: text(ours, path) for path in same} == {path: text(theirs, path) for path in same}
    # Written differently for the same thing: "outras operações" (we 49 "de saída", they 99), one
    # unit (1.0000 and 1), and the credit note in our words and theirs.
    assert Decimal(text(ours, ".//n:qCom")) == Decimal(text(theirs, ".//n:qCom"))
    assert "R$ 2,05, CORRESPONDENTE À ALÍQUOTA DE 2,42%" in text(ours, ".//n:infCpl")
    assert "R$ 2,05, correspondente ao percentual de 2,42%" in text(theirs, ".//n:infCpl")


def test_a_thousand_lines_are_refused_by_the_schema_not_silently_cut():
    root, *_ = nfe_element(invoice(items=tuple(line(number) for number in range(1, 992))))

    assert any("det" in error for error in schema_errors(root, "NFe"))


def test_the_unsigned_document_lacks_only_its_signature():
    root, *_ = nfe_element(invoice())

    errors = schema_errors(root, "NFe")
    assert len(errors) == 1 and "Signature" in errors[0]


def test_the_document_is_one_line_as_sefaz_wants_it(certificate):
    issued = nfe_issue(invoice(), certificate)

    body = issued.xml.split(b"?>", 1)[1]
    assert b"\n" not in body and b"> <" not in body


def test_the_same_invoice_builds_the_same_document(certificate):
    document = invoice()

    assert nfe_issue(document, certificate).xml == nfe_issue(replace(document), certificate).xml

"""The 44-character access key against published keys: the NF-e manual's worked example, the
example in our API spec, and the keys of real notes SEFAZ authorised (nfelib's samples), each
rebuilt from its own fields."""

from datetime import date

import pytest
from django.utils import translation
from lxml import etree
from stdnum.br import cnpj

from modules.invoicing.fiscal_br.access_key import (
    access_key_build,
    access_key_parse,
    check_digit,
    numeric_code_acceptable,
    numeric_code_new,
)
from modules.invoicing.fiscal_br.errors import FiscalDataError

from .conftest import NFELIB_SAMPLES

NS = {"n": "http://www.portalfiscal.inf.br/nfe"}
# MOC 7.0, "Visão Geral", 2.2.6.2: the weighted sum of these 43 digits is 644, remainder 6, DV 5.
MOC_EXAMPLE = "52060433009911002506550120000007800267301615"
# /work/shared/spec/innexar-backend-api.md, FATURAMENTO: the `nfe_key` of the invoice example.
SPEC_EXAMPLE = "35251111222333000145550010001234561234567890"


def test_the_manuals_worked_example_has_check_digit_5():
    body = MOC_EXAMPLE[:43]
    weighted = sum(int(digit) * (2 + position % 8) for position, digit in enumerate(reversed(body)))

    assert weighted == 644
    assert check_digit(body) == "5"
    assert access_key_parse(MOC_EXAMPLE).check_digit == "5"


def test_the_spec_example_key_has_a_right_check_digit_but_an_illustrative_cnpj():
    key = access_key_parse(SPEC_EXAMPLE)

    assert (key.state_code, key.year_month, key.model, key.series, key.number) == ("35", "2511", "55", "001",
                                                                                    "000123456")
    assert (key.emission_type, key.numeric_code, key.check_digit) == ("1", "23456789", "0")
    # Its CNPJ 11.222.333/0001-45 does not check out (11.222.333/0001-81 would): a made-up key
    # whose own check digit is nonetheless right.
    assert not cnpj.is_valid(key.cnpj)


def _sample(path):
    return etree.parse(str(path)).find(".//n:infNFe", NS)


ALL_SAMPLES = sorted(path for path in NFELIB_SAMPLES.rglob("*.xml") if _sample(path) is not None)
# The notes whose body still agrees with their key: ten SEFAZ-SP notes of 2018 and three of SC
# (SVRS) of 2021-2022, with their protocols. The other samples' bodies were edited after issue
# (their ide says tpEmis 1 where the key says 2, or carries another cDV or CNPJ than the key's),
# so only their keys are checked.
UNEDITED = [path for path in ALL_SAMPLES if path.name[:4] in ("3518", "4221", "4222")]


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda path: path.name[:44])
def test_every_published_key_has_a_right_check_digit(path):
    key = access_key_parse(_sample(path).get("Id"))

    assert key.check_digit == check_digit(key.value[:43])


@pytest.mark.parametrize("path", UNEDITED, ids=lambda path: path.name[:44])
def test_the_keys_of_real_notes_are_rebuilt_from_their_fields(path):
    info = _sample(path)
    ide = info.find("n:ide", NS)
    issued = ide.findtext("n:dhEmi", namespaces=NS)

    key = access_key_build(
        state_code=ide.findtext("n:cUF", namespaces=NS), issued_on=date.fromisoformat(issued[:10]),
        cnpj=info.findtext("n:emit/n:CNPJ", namespaces=NS), series=int(ide.findtext("n:serie", namespaces=NS)),
        number=int(ide.findtext("n:nNF", namespaces=NS)), numeric_code=ide.findtext("n:cNF", namespaces=NS),
        emission_type=ide.findtext("n:tpEmis", namespaces=NS),
    )

    assert "NFe" + key.value == info.get("Id")
    assert key.check_digit == ide.findtext("n:cDV", namespaces=NS)
    assert access_key_parse(info.get("Id")) == key


def test_enough_real_samples_are_there_to_mean_something():
    assert len(ALL_SAMPLES) >= 18 and len(UNEDITED) == 13


def test_a_mistyped_key_is_caught_by_its_check_digit():
    mistyped = MOC_EXAMPLE[:10] + ("1" if MOC_EXAMPLE[10] != "1" else "2") + MOC_EXAMPLE[11:]

    with translation.override("pt-br"), pytest.raises(FiscalDataError) as refused:
        access_key_parse(mistyped)

    assert refused.value.problems[0].field == "key"
    assert "dígito verificador" in refused.value.problems[0].message  # translated: see test_preflight


@pytest.mark.parametrize("key", ["1234", "52060433009911002506550120000007800267301615X",
                                 "99060433009911002506550120000007800267301615",
                                 "52061333009911002506550120000007800267301615"])
def test_what_is_not_a_key_is_refused(key):
    with pytest.raises(FiscalDataError):
        access_key_parse(key)


def test_a_key_with_an_alphanumeric_cnpj_weighs_letters_as_the_cnpj_does():
    # Receita Federal's example of the new CNPJ, 12.ABC.345/01DE-35 (Nota Técnica COCAD 49/2024):
    # its two check digits are this same modulo 11, letters counting their ASCII code minus 48.
    assert cnpj.is_valid("12ABC34501DE35")
    assert check_digit("12ABC34501DE") == "3"
    assert check_digit("12ABC34501DE3") == "5"

    key = access_key_build(state_code="35", issued_on=date(2026, 8, 3), cnpj="12ABC34501DE35", series=1,
                           number=42, numeric_code="48151623")

    assert key.value.startswith("35260812ABC34501DE3555001000000042148151623")
    assert access_key_parse(key.value) == key


def test_the_danfe_prints_the_key_in_groups_of_four():
    assert access_key_parse(MOC_EXAMPLE).formatted == "5206 0433 0099 1100 2506 5501 2000 0007 8002 6730 1615"


def test_numeric_codes_are_never_ones_sefaz_refuses():
    refused = ["00000000", "11111111", "99999999", "12345678", "23456789", "34567890", "45678901", "56789012",
               "67890123", "78901234", "89012345", "90123456", "01234567"]

    assert not any(numeric_code_acceptable(code, 5) for code in refused)
    assert not numeric_code_acceptable("00001234", 1234)  # equal to the number
    assert numeric_code_acceptable("87654321", 1234)
    drawn = {numeric_code_new(number) for number in range(300)}
    assert len(drawn) > 290 and all(numeric_code_acceptable(code, 0) for code in drawn)

"""The DANFE: its Code 128 C barcode checked against published check symbols and read back bar by
bar, and the PDF drawn from authorised XML, ours and SEFAZ's own."""

import re

import pytest
import weasyprint

from modules.invoicing.fiscal_br.code128 import PATTERNS, START_C, STOP, code128_svg, code128_values, code128_widths
from modules.invoicing.fiscal_br.danfe import danfe_context, danfe_html, danfe_pdf
from modules.invoicing.fiscal_br.nfe import nfe_issue
from modules.invoicing.fiscal_br.sandbox import nfe_authorize

from .conftest import NFELIB_SAMPLES, invoice, line

REAL_PRODUCTION_NOTE = NFELIB_SAMPLES / "leiauteNFe" / "42220575277525000178550030000292481295366801-procNFe.xml"


def test_the_symbol_table_is_code_128s():
    assert len(PATTERNS) == 107
    assert all(len(pattern) == 6 and sum(map(int, pattern)) == 11 for pattern in PATTERNS[:106])
    assert PATTERNS[STOP] == "2331112" and sum(map(int, PATTERNS[STOP])) == 13
    assert PATTERNS[START_C] == "211232" and len(set(PATTERNS)) == 107


@pytest.mark.parametrize("text, values", [
    # barcoderesource.com, "Calculation of Code128 Check Character": 128C "345678" -> 73 and
    # 128B "abcdef" -> 97.
    ("345678", [105, 34, 56, 78, 73]),
    ("abcdef", [104, 65, 66, 67, 68, 69, 70, 97]),
])
def test_published_check_symbols_are_reproduced(text, values):
    assert code128_values(text) == values


def read_back(widths: list[int]) -> str:
    """The text of a Code 128 B/C symbol, from its bar and space widths."""
    symbols = {pattern: value for value, pattern in enumerate(PATTERNS)}
    values = [symbols["".join(map(str, widths[start:start + 6]))] for start in range(0, len(widths) - 7, 6)]
    assert "".join(map(str, widths[-7:])) == PATTERNS[STOP]
    check = (values[0] + sum(value * weight for weight, value in enumerate(values[1:-1], start=1))) % 103
    assert values[-1] == check
    text, code = [], values[0]
    for value in values[1:-1]:
        if value in (99, 100):
            code = 105 if value == 99 else 104
        else:
            text.append(f"{value:02d}" if code == 105 else chr(value + 32))
    return "".join(text)


def test_an_access_key_is_all_set_c_and_reads_back():
    key = "41170706117473000150550010000463202612756525"
    values = code128_values(key)

    assert values[0] == START_C and len(values) == 1 + 22 + 1
    assert read_back(code128_widths(key)) == key


def test_a_key_with_an_alphanumeric_cnpj_switches_to_set_b_for_its_letters():
    key = "3526081" + "2ABC34501DE35" + "55001000000042148151623" + "5"

    assert read_back(code128_widths(key)) == key
    assert 100 in code128_values(key) and 99 in code128_values(key)


def test_the_barcode_svg_draws_one_rectangle_per_bar_with_quiet_zones():
    key = "41170706117473000150550010000463202612756525"
    svg = code128_svg(key, width_mm=95, height_mm=11)

    bars = re.findall(r"M(\d+) 0h(\d+)v1h-\d+z", svg)
    widths = code128_widths(key)
    assert [int(width) for _x, width in bars] == widths[::2]
    assert bars[0][0] == "10" and f'viewBox="0 0 {sum(widths) + 20} 1"' in svg


@pytest.fixture(scope="module")
def authorised(certificate):
    items = tuple(line(number) for number in range(1, 41))
    return nfe_authorize(nfe_issue(invoice(items=items), certificate).xml)


def test_the_danfe_prints_what_sefaz_authorised(authorised):
    context = danfe_context(authorised.xml)

    assert context["key"].replace(" ", "") == authorised.key
    assert context["protocol"].startswith(authorised.protocol)
    assert context["homologation"] and len(context["items"]) == 40
    assert context["number"] == "000.001.234" and context["series"] == "001"
    assert context["totals"]["vNF"] == "1.068,00"  # 40 × 3 × 8,90
    assert context["recipient"]["tax_id"] == "81.493.979/0001-89"
    assert context["payments"] == [{"name": "Pagamento Instantâneo (PIX)", "deferred": False, "amount": "1.068,00"}]
    assert context["freight"] == "9 - Sem Ocorrência de Transporte"


def test_the_danfe_is_a_pdf_that_spans_pages_when_the_lines_do(authorised):
    html = danfe_html(authorised.xml)
    pdf = danfe_pdf(authorised.xml)

    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(weasyprint.HTML(string=html).render().pages) == 2
    assert "SEM VALOR FISCAL" in html and "<svg" in html and "DANFE" in html
    assert "DOCUMENTO EMITIDO POR ME OU EPP OPTANTE PELO SIMPLES NACIONAL" in html


def test_a_real_production_note_prints_its_protocol_and_no_warning():
    """Fornos Ltda's export of May 2022, authorised by SVRS for SC (nfelib's sample): XML we did
    not build, as a provider would hand it over."""
    xml = REAL_PRODUCTION_NOTE.read_bytes()

    context = danfe_context(xml)
    html = danfe_html(xml)

    assert context["protocol"] == "342220106391922 - 27/05/2022 13:53:15"
    assert not context["homologation"] and "SEM VALOR FISCAL" not in html
    assert context["emitter"]["tax_id"] == "75.277.525/0001-78"
    assert [item["situation"] for item in context["items"]] == ["041", "041"]
    assert context["totals"]["vNF"] == "64.237,04" and context["totals"]["vFrete"] == "7.597,02"
    assert danfe_pdf(xml).startswith(b"%PDF-")

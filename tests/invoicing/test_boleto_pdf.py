"""A boleto's PDF: FEBRABAN's layout, the payer's receipt above the cut and the compensation slip
below it, with the bank's code, the digitable line, the bars of the barcode, the beneficiary and
the payer; the receipt speaks the invoice's language, the slip the layout's Portuguese."""

import base64
import re

import pytest
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context

from modules.invoicing.boletos import boleto_pdf_html
from modules.invoicing.brazil.boleto import i2of5_elements
from tests.invoicing.charges_fixtures import *  # noqa: F403 (its fixtures)
from tests.invoicing.charges_fixtures import PAYER


def html_of(charges, boleto) -> str:
    with tenant_context(charges.team.tenant):
        return boleto_pdf_html(boleto)


def test_the_pdf_is_stored_with_the_workspaces_files(charges_a):
    charges_a.bank_account("bradesco")
    boleto = charges_a.boleto()

    assert boleto.pdf.startswith(f"tenants/{charges_a.team.tenant.pk}/boletos/")
    with default_storage.open(boleto.pdf, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_the_slip_carries_what_a_bank_reads(charges_a):
    charges_a.company()
    charges_a.bank_account("bradesco")
    boleto = charges_a.boleto(payer=PAYER)

    page = html_of(charges_a, boleto)

    assert page.count(boleto.digitable_line) == 2  # on the receipt and on the slip
    assert page.count(">237-2<") == 2  # the bank's code and its check digit
    assert "Padaria São José Ltda" in page and "11.222.333/0001-81" in page
    assert "José da Conceição" in page and "52998224725" in page and "CEP 01001-000" in page
    assert "R$ 5.999,00" in page and boleto.our_number in page and "3381-0 / 1234567-2" in page
    for title in ("Local de pagamento", "Vencimento", "Nosso número", "(=) Valor do documento", "Pagador"):
        assert title in page
    svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page).group(1)).decode()
    bars = re.findall(r"M\d+ 0h(\d+)", svg)
    assert [int(width) for width in bars] == i2of5_elements(boleto.barcode)[::2]


@pytest.mark.parametrize("language, receipt, cut", [
    ("en", "Payer's receipt", "Cut here"),
    ("pt-br", "Recibo do pagador", "Corte aqui"),
    ("es", "Recibo del pagador", "Corte aquí"),
])
def test_the_receipt_speaks_the_invoices_language_and_the_slip_portuguese(charges_a, language, receipt, cut):
    charges_a.bank_account("sicredi")
    boleto = charges_a.boleto(charges_a.invoice(language=language), bank="sicredi")

    page = html_of(charges_a, boleto)

    assert receipt in page and cut in page
    assert "Instruções (texto de responsabilidade do beneficiário)" in page
    assert "Agência/Código do Beneficiário" in page and "0165.02.00623" in page

from decimal import Decimal

import pytest

from modules.core.money import format_money, minor_units, quantize


@pytest.mark.parametrize("amount, currency, locale, text", [
    ("5000", "USD", "en", "$5,000.00"),
    ("5000", "BRL", "pt-BR", "R$ 5.000,00"),
    ("5000", "BRL", "en", "R$5,000.00"),
    ("1234.5", "MXN", "es", "MXN 1,234.50"),
    ("1500000", "CLP", "es", "CLP 1,500,000"),
    ("0.005", "USD", "en", "$0.01"),
])
def test_format_money(amount, currency, locale, text):
    assert format_money(Decimal(amount), currency, locale) == text


def test_currencies_know_their_minor_units():
    assert [minor_units(c) for c in ("USD", "BRL", "MXN", "CLP")] == [2, 2, 2, 0]
    assert quantize(Decimal("10.4"), "CLP") == Decimal("10")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        format_money(5000.0, "USD", "en")


@pytest.mark.parametrize("locale", ["en", "pt-BR", "es"])
@pytest.mark.parametrize("currency", ["USD", "BRL", "MXN", "ARS", "CLP", "COP"])
def test_the_fast_formatter_writes_what_babel_writes(locale, currency):
    from django.utils import translation

    from modules.core.money import money_formatter

    amounts = [Decimal(value) for value in ("0.01", "7", "1000", "98765.43", "-250.5", "123456789.99")]
    with translation.override(locale):
        fast = money_formatter(currency)
        assert [fast(amount) for amount in amounts] == [format_money(amount, currency) for amount in amounts]

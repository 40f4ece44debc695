from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import isolate_apps
from django.utils import translation

from modules.core.money import (
    AmountField,
    CurrencyMismatch,
    Money,
    QuantityField,
    RateField,
    UnitPriceField,
    allocate,
    country_override,
    format_locale,
    format_money,
    from_minor_units,
    minor_units,
    money_locale,
    parse_amount,
    quantize,
    to_minor_units,
    total_by_document,
    total_by_line,
)


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


# --- The currency table ----------------------------------------------------------------------------


def test_colombian_pesos_are_counted_in_centavos_though_cldr_says_none():
    assert minor_units("COP") == 2
    assert quantize(Decimal("1500.456"), "COP") == Decimal("1500.46")
    # ...and written without them, as Colombians write prices.
    assert format_money(Decimal("1500000.40"), "COP", "es") == "COP 1,500,000"


@pytest.mark.parametrize("amount, currency, units", [
    ("12.34", "USD", 1234), ("1500", "CLP", 1500), ("0.01", "BRL", 1), ("-5.00", "MXN", -500),
    ("2000.50", "COP", 200050),
])
def test_amounts_become_the_integers_a_payment_provider_counts_and_back(amount, currency, units):
    assert to_minor_units(Decimal(amount), currency) == units
    assert from_minor_units(units, currency) == quantize(Decimal(amount), currency)


def test_an_amount_finer_than_the_minor_unit_is_refused_rather_than_rounded():
    with pytest.raises(ValueError):
        to_minor_units(Decimal("10.5"), "CLP")
    with pytest.raises(ValueError):
        to_minor_units(Decimal("10.005"), "USD")


# --- Money -----------------------------------------------------------------------------------------


def test_money_adds_and_compares_within_one_currency():
    total = Money(Decimal("10.50"), "BRL") + Money(Decimal("4.50"), "BRL") - Money(Decimal("1"), "BRL")
    assert total == Money(Decimal("14.00"), "BRL")
    assert Money(Decimal("3"), "USD") < Money(Decimal("4"), "USD")
    assert (Money(Decimal("19.99"), "USD") * Decimal("0.16")).quantized() == Money(Decimal("3.20"), "USD")


@pytest.mark.parametrize("combine", [
    lambda usd, brl: usd + brl, lambda usd, brl: usd - brl, lambda usd, brl: usd < brl,
])
def test_money_refuses_to_mix_currencies(combine):
    with pytest.raises(CurrencyMismatch):
        combine(Money(Decimal("1"), "USD"), Money(Decimal("1"), "BRL"))


def test_money_refuses_floats_and_unknown_currencies():
    with pytest.raises(TypeError):
        Money(1.5, "USD")
    with pytest.raises(ValueError):
        Money(Decimal("1"), "XYZ")


# --- Rounding and splitting ------------------------------------------------------------------------


def test_line_and_document_rounding_give_their_own_totals():
    lines = [Decimal("0.335"), Decimal("0.335"), Decimal("0.335")]  # three items of 0.335 each
    assert total_by_line(lines, "BRL") == Decimal("1.02")  # 0.34 + 0.34 + 0.34
    assert total_by_document(lines, "BRL") == Decimal("1.01")  # 1.005 → 1.01


def test_a_hundred_split_in_three_sums_exactly():
    assert allocate(Decimal("100.00"), [1, 1, 1], "USD") == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


@pytest.mark.parametrize("total, weights, currency, parts", [
    ("100", [1, 1, 1], "CLP", ["34", "33", "33"]),
    ("10.00", [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")], "BRL", ["5.00", "3.00", "2.00"]),
    ("0.05", [1, 1, 1, 1], "USD", ["0.02", "0.01", "0.01", "0.01"]),
    ("-100.00", [1, 2], "MXN", ["-33.33", "-66.67"]),
    ("1.00", [1, 0, 3], "USD", ["0.25", "0.00", "0.75"]),
])
def test_allocation_gives_the_leftover_units_to_the_largest_remainders(total, weights, currency, parts):
    shares = allocate(Decimal(total), weights, currency)
    assert shares == [Decimal(part) for part in parts]
    assert sum(shares) == Decimal(total)


def test_money_allocates_in_its_own_currency():
    assert Money(Decimal("10"), "CLP").allocate([1, 2]) == [Money(Decimal("3"), "CLP"), Money(Decimal("7"), "CLP")]


# --- Reading amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize("language, country, text, amount", [
    ("pt-BR", "BR", "R$ 12.500,00", "12500.00"),
    ("pt-BR", "BR", "12500,5", "12500.5"),
    ("en", "US", "12,500.50", "12500.50"),
    ("es", "MX", "$12,500.50 MXN", "12500.50"),
])
def test_parse_amount_reads_the_locales_writing(language, country, text, amount):
    with translation.override(language), country_override(country):
        assert parse_amount(text) == Decimal(amount)


def test_parse_amount_refuses_what_is_ambiguous_or_not_a_number():
    with translation.override("en"), country_override("US"):
        with pytest.raises(ValidationError) as ambiguous:
            parse_amount("1,234", decimal_places=4)
        assert ambiguous.value.code == "ambiguous"
        with pytest.raises(ValidationError) as wrong_sign:
            parse_amount("12500,50")
        assert wrong_sign.value.code == "invalid"


def test_parse_amount_reads_a_machines_number_whatever_the_locale():
    with translation.override("pt-BR"), country_override("BR"):
        assert parse_amount("1234.56", machine=True) == Decimal("1234.56")
        with pytest.raises(ValidationError):
            parse_amount("1.234,56", machine=True)


def test_money_locale_is_the_format_locale_callers_already_use():
    assert money_locale("es", "MX") == format_locale("es", "MX") == "es_MX"


# --- The model fields ------------------------------------------------------------------------------


@pytest.mark.django_db
@isolate_apps("tests.core")
def test_the_fields_keep_every_digit_nfe_and_cfdi_need():
    class Line(models.Model):  # noqa: DJ008  (a table for this test only)
        amount = AmountField()
        unit_price = UnitPriceField()
        quantity = QuantityField()
        rate = RateField()

        class Meta:
            app_label = "core"
            db_table = "test_money_line"

    with connection.schema_editor() as editor:
        editor.create_model(Line)
    values = {
        "amount": Decimal("123456789012.34"), "unit_price": Decimal("12345678901.1234567891"),
        "quantity": Decimal("123456789012.123456"), "rate": Decimal("0.160000"),
    }
    line = Line.objects.create(**values)
    line.refresh_from_db()
    assert {name: getattr(line, name) for name in values} == values
    assert [Line._meta.get_field(name).decimal_places for name in values] == [2, 10, 6, 6]


def test_a_quantity_field_is_typed_in_the_readers_locale_and_refuses_the_ambiguous():
    field = QuantityField().formfield()
    with translation.override("pt-BR"), country_override("BR"):
        assert field.clean("2,5") == Decimal("2.5")
        with pytest.raises(ValidationError) as ambiguous:
            field.clean("1.234")  # a thousand and some, or one and a bit: six decimals fit both
    assert ambiguous.value.code == "ambiguous"


def test_money_is_written_and_counted_like_its_amount():
    price = Money(Decimal("5000"), "BRL")
    with translation.override("pt-BR"):
        assert price.format() == "R$ 5.000,00"
    assert price.to_minor_units() == 500000

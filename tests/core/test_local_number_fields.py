"""Money and quantities typed as people type them: a text field read strictly in the reader's locale."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from modules.core.forms import LocalDecimalField, LocalIntegerField
from modules.core.money import country_override


class AmountForm(forms.Form):
    value = LocalDecimalField(min_value=Decimal(0))
    quantity = LocalDecimalField(decimal_places=3, required=False)
    score = LocalIntegerField(min_value=0, max_value=100, required=False)


def read(language: str, country: str | None = None, **data):
    with translation.override(language), country_override(country):
        form = AmountForm(data)
        valid = form.is_valid()
        return (form.cleaned_data if valid else {}), {name: list(errors) for name, errors in form.errors.items()}


@pytest.mark.parametrize("language, country, typed, amount", [
    ("pt-br", "BR", "12.500,00", Decimal("12500.00")),
    ("pt-br", "BR", "12500,50", Decimal("12500.50")),
    ("pt-br", "BR", "R$ 12.500,00", Decimal("12500.00")),
    ("pt-br", "BR", "1.234", Decimal("1234")),
    ("en", "US", "12,500.50", Decimal("12500.50")),
    ("en", "US", "$12500.5", Decimal("12500.5")),
    ("es", "MX", "12,500.50 MXN", Decimal("12500.50")),
])
def test_an_amount_is_read_in_the_readers_locale(language, country, typed, amount):
    data, errors = read(language, country, value=typed)
    assert errors == {}
    assert data["value"] == amount


@pytest.mark.parametrize("language, country, typed, message", [
    ("pt-br", "BR", "12500.50", "Informe um número como 12.500,50."),
    ("en", "US", "12.500,00", "Enter a number such as 12,500.50."),
    ("en", "US", "12500,50", "Enter a number such as 12,500.50."),
    ("es", "MX", "12.500,50", "Ingrese un número como 12,500.50."),
    ("en", "US", "1e5", "Enter a number such as 12,500.50."),
    ("en", "US", "NaN", "Enter a number such as 12,500.50."),
])
def test_an_amount_in_another_locales_form_is_refused_not_misread(language, country, typed, message):
    assert read(language, country, value=typed) == ({}, {"value": [message]})


def test_a_number_two_locales_read_differently_is_refused_where_both_readings_fit():
    """"1.234" is 1234 in pt-BR and 1.234 in en: a field of three decimals cannot tell which."""
    assert read("pt-br", "BR", value="1", quantity="1.234")[1] == {"quantity": [
        "“1.234” pode ser 1234 ou 1,234: escreva o que você quer dizer sem separador de milhar."
    ]}
    assert read("en", "US", value="1", quantity="1,234")[1] == {"quantity": [
        "“1,234” could be 1234 or 1.234: write the one you mean without a thousands separator."
    ]}
    assert read("pt-br", "BR", value="1", quantity="1234")[0]["quantity"] == Decimal("1234")
    assert read("pt-br", "BR", value="1", quantity="1,234")[0]["quantity"] == Decimal("1.234")
    assert read("en", "US", value="1", quantity="1.234")[0]["quantity"] == Decimal("1.234")
    assert read("en", "US", value="1", quantity="12,345.678")[0]["quantity"] == Decimal("12345.678")


def test_a_whole_number_field_takes_whole_numbers_only():
    assert read("pt-br", "BR", value="1", score="75")[0]["score"] == 75
    assert read("en", "US", value="1", score="7.5")[1] == {"score": ["Enter a whole number such as 12,500."]}


def test_the_widget_is_a_text_field_that_writes_the_amount_back_in_the_locale():
    with translation.override("pt-br"), country_override("BR"):
        html = str(AmountForm(initial={"value": Decimal("12500.5"), "score": 40})["value"])
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    assert 'value="12.500,50"' in html
    assert "step" not in html

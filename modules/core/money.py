"""Money: currencies we bill in, their minor units, and locale-aware formatting (Babel)."""

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, get_currency_precision
from django.db import models
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    USD = "USD", _("US dollar")
    BRL = "BRL", _("Brazilian real")
    MXN = "MXN", _("Mexican peso")
    ARS = "ARS", _("Argentine peso")
    CLP = "CLP", _("Chilean peso")
    COP = "COP", _("Colombian peso")


def minor_units(currency: str) -> int:
    """Digits after the decimal point the currency is counted in (CLP has none)."""
    return get_currency_precision(currency)


def quantize(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def babel_locale(language: str | None = None) -> str:
    """Django language code (pt-br) to a Babel locale (pt_BR)."""
    return to_locale(language or get_language() or "en")


def format_money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """`$5,000.00` in en, `R$ 5.000,00` in pt-BR: the currency's own digits, the locale's signs.

    Babel separates symbol and number with a no-break space; API clients compare plain text,
    so it becomes an ordinary space.
    """
    if not isinstance(amount, Decimal):
        raise TypeError("format_money takes a Decimal, never a float")
    text = format_currency(
        quantize(amount, currency), currency, locale=babel_locale(locale), currency_digits=True
    )
    return text.replace("\xa0", " ").replace("\u202f", " ")


def money_formatter(currency: str) -> Callable[[Decimal], str]:
    """format_money at board speed. Babel takes ~50 µs an amount, which 2,000 cards cannot
    afford: it formats samples once, and each amount is then written by Python with the signs
    the samples show. A locale whose pattern is more than prefix, grouped digits and suffix
    fails the check below and keeps Babel for every amount."""
    digits = minor_units(currency)
    sample = format_money(Decimal("1234567.89"), currency)
    number = re.search(r"\d.*\d", sample)
    prefix, suffix = sample[: number.start()], sample[number.end():]
    signs = str.maketrans({",": number.group()[1], ".": number.group()[-digits - 1] if digits else ""})

    def fast(amount: Decimal) -> str:
        sign = "-" if amount < 0 else ""
        return f"{sign}{prefix}{f'{quantize(abs(amount), currency):,.{digits}f}'.translate(signs)}{suffix}"

    checks = [Decimal(value) for value in ("0", "5", "999.99", "1234.5", "12345.67", "1234567.89", "-1234.5")]
    if all(fast(amount) == format_money(amount, currency) for amount in checks):
        return fast
    return lambda amount: format_money(amount, currency)

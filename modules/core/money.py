"""Money: currencies we bill in, their minor units, and locale-aware formatting (Babel).

Numbers, money, dates and times are written in one locale: the reader's language together with
their company's country (format_locale). Pages, the API's `formatted` fields, mails and PDFs all
ask format_locale, never the language alone.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from asgiref.local import Local
from babel import localedata
from babel.numbers import format_currency, get_currency_precision
from django.db import models
from django.utils.translation import get_language, to_language, to_locale
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


# The company country of the request or task under way (set with the tenant, see
# tenancy.selectors.tenant_locale_activate); None on the public faces.
_active = Local()

# A language alone, where the country adds nothing CLDR knows: Spanish without a company reads
# as Latin America's (our market), not Spain's; English as the United States'.
LANGUAGE_LOCALES = {"en": "en_US", "es": "es_419"}


def country_activate(country: str | None) -> None:
    _active.country = country or None


def active_country() -> str | None:
    return getattr(_active, "country", None)


@contextmanager
def country_override(country: str | None) -> Iterator[None]:
    """Format as for a company in `country` (a task or a mail written outside a request)."""
    previous = active_country()
    country_activate(country)
    try:
        yield
    finally:
        country_activate(previous)


def format_locale(language: str | None = None, country: str | None = None) -> str:
    """The Babel locale numbers, money and dates are written in: the language together with the
    company's country where CLDR knows the pair (es + MX → es_MX, es + US → es_US), else the
    language's own (pt-BR → pt_BR, en → en_US, es → es_419)."""
    if country is None:
        country = active_country()
    return _locale_for(to_locale(language or get_language() or "en"), country)


@cache
def _locale_for(own: str, country: str | None) -> str:
    paired = f"{own.split('_')[0]}_{country}"
    if country and localedata.exists(paired):
        return paired
    return own if "_" in own else LANGUAGE_LOCALES.get(own, own)


def format_language(language: str | None = None, country: str | None = None) -> str:
    """format_locale as a Django language code (es-mx), for Django's date and number formats."""
    return to_language(format_locale(language, country))


# CLDR puts a space between a currency's letters and its digits (currencySpacing); Babel
# does not, and es_MX would write "USD12,500.50".
_LETTERS_THEN_DIGIT = re.compile(r"(?<=[^\W\d])(?=[\d-])|(?<=\d)(?=[^\W\d])")


def format_money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """`$5,000.00` in en, `R$ 5.000,00` in pt-BR, `$12,500.50` in es for a Mexican company:
    the currency's own digits, the signs of format_locale.

    Babel separates symbol and number with a no-break space; API clients compare plain text,
    so it becomes an ordinary space.
    """
    if not isinstance(amount, Decimal):
        raise TypeError("format_money takes a Decimal, never a float")
    text = format_currency(
        quantize(amount, currency), currency, locale=format_locale(locale), currency_digits=True
    )
    return _LETTERS_THEN_DIGIT.sub(" ", text.replace("\xa0", " ").replace("\u202f", " "))


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

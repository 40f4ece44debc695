"""Money: the currencies we bill in and their digits, amounts that keep their currency, the model
fields fiscal documents need, rounding and splitting, and reading and writing amounts in a locale.

Numbers, money, dates and times are written in one locale: the reader's language together with
their company's country (money_locale, also known as format_locale). Pages, the API's
`formatted` fields, mails and PDFs all ask it, never the language alone.
"""

import copy
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from asgiref.local import Local
from babel import Locale, localedata
from babel.numbers import NumberFormatError, format_decimal, get_decimal_symbol, get_group_symbol, parse_decimal
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, ngettext, to_language, to_locale
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    USD = "USD", _("US dollar")
    BRL = "BRL", _("Brazilian real")
    MXN = "MXN", _("Mexican peso")
    ARS = "ARS", _("Argentine peso")
    CLP = "CLP", _("Chilean peso")
    COP = "COP", _("Colombian peso")


@dataclass(frozen=True)
class CurrencySpec:
    """What we know of a currency, owned here rather than read from CLDR: CLDR (Babel) counts
    COP in 0 digits where ISO 4217, our invoices and Stripe count 2.

    iso_digits: the digits amounts are stored, checked and rounded to (minor_units).
    display_digits: the digits a reader sees (Colombians write pesos without centavos).
    provider_multiplier: what an amount is multiplied by to become the integer a payment
    provider counts (Stripe: 100 for cents, 1 for its zero-decimal currencies such as CLP).
    """

    code: str
    iso_digits: int
    display_digits: int
    provider_multiplier: int


CURRENCIES: dict[str, CurrencySpec] = {
    spec.code: spec
    for spec in (
        CurrencySpec("USD", 2, 2, 100),
        CurrencySpec("BRL", 2, 2, 100),
        CurrencySpec("MXN", 2, 2, 100),
        CurrencySpec("ARS", 2, 2, 100),
        CurrencySpec("CLP", 0, 0, 1),  # zero-decimal for ISO and Stripe alike
        CurrencySpec("COP", 2, 0, 100),
    )
}


def currency_spec(currency: str) -> CurrencySpec:
    try:
        return CURRENCIES[currency]
    except KeyError:
        raise ValueError(f"Unknown currency {currency!r}") from None


def minor_units(currency: str) -> int:
    """Digits after the decimal point the currency is counted in (ISO 4217: CLP has none)."""
    return currency_spec(currency).iso_digits


def quantize(amount: Decimal, currency: str) -> Decimal:
    """The amount rounded half up to the currency's ISO digits."""
    return _round(amount, minor_units(currency))


def _round(amount: Decimal, digits: int) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """The integer a payment provider counts: 12.34 USD → 1234, 1500 CLP → 1500. An amount
    finer than that unit is refused rather than rounded: money must not change on its way out."""
    scaled = amount * currency_spec(currency).provider_multiplier
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {currency} is finer than the currency's minor unit")
    return int(scaled)


def from_minor_units(value: int, currency: str) -> Decimal:
    """The amount a provider's integer stands for: 1234 USD cents → Decimal("12.34")."""
    spec = currency_spec(currency)
    return _round(Decimal(value) / spec.provider_multiplier, spec.iso_digits)


class CurrencyMismatch(ValueError):
    """Amounts in two currencies met where one was expected: adding USD to BRL has no answer."""


@dataclass(frozen=True, slots=True)
class Money:
    """An amount together with its currency. Arithmetic keeps the currency and refuses to mix
    two; multiplying by a quantity or a rate keeps every digit (round with `.quantized()`)."""

    amount: Decimal
    currency: str

    def __post_init__(self):
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money takes a Decimal amount, never a float")
        currency_spec(self.currency)

    def _same(self, other: "Money") -> "Money":
        if not isinstance(other, Money):
            raise TypeError(f"Money meets {type(other).__name__}: give it a currency")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} cannot be combined")
        return other

    def __add__(self, other: "Money") -> "Money":
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        return Money(self.amount - self._same(other).amount, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> "Money":
        if not isinstance(factor, (Decimal, int)) or isinstance(factor, bool):
            raise TypeError("Money is multiplied by a Decimal or an int")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: "Money") -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: "Money") -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: "Money") -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: "Money") -> bool:
        return self.amount >= self._same(other).amount

    def quantized(self) -> "Money":
        return Money(quantize(self.amount, self.currency), self.currency)

    def allocate(self, weights: Sequence[Decimal | int]) -> list["Money"]:
        return [Money(part, self.currency) for part in allocate(self.amount, weights, self.currency)]

    def to_minor_units(self) -> int:
        return to_minor_units(self.amount, self.currency)

    def format(self, locale: str | None = None) -> str:
        return format_money(self.amount, self.currency, locale)


def amount_check(amount: Decimal | None, currency: str, *, field: str, positive: bool = True) -> None:
    """A service's check of an amount it is given: above zero (unless `positive` is False: an
    opening balance may be anything) and in the currency's digits (12.5 CLP is refused, never
    rounded). Raises ValidationError on `field`."""
    if amount is None or (positive and amount <= 0):
        raise ValidationError({field: [gettext_now("Enter an amount greater than zero.")]})
    if quantize(amount, currency) != amount:
        raise ValidationError({field: [amount_digits_message(currency)]})


def amount_digits_message(currency: str) -> str:
    """Why an amount finer than its currency is refused: "CLP amounts are whole numbers…"."""
    digits = minor_units(currency)
    if digits == 0:  # "at most 0 decimal places" reads oddly, and Portuguese makes 0 singular
        return gettext_now("%(currency)s amounts are whole numbers, with no decimal places.") % {"currency": currency}
    return ngettext(
        "%(currency)s amounts have at most %(digits)d decimal place.",
        "%(currency)s amounts have at most %(digits)d decimal places.",
        digits,
    ) % {"currency": currency, "digits": digits}


# --- Rounding and splitting ----------------------------------------------------------------------
# NF-e rounds each item (vProd = qCom × vUnCom, to cents) and adds the rounded items; some
# invoices round the document's sum once instead. The two totals can differ by a cent a line,
# so a document says which it follows and calls one of these, never its own sum.


def total_by_line(amounts: Iterable[Decimal], currency: str) -> Decimal:
    """Each line rounded to the currency's digits, then added: the total the lines show add up to."""
    return sum((quantize(amount, currency) for amount in amounts), Decimal(0))


def total_by_document(amounts: Iterable[Decimal], currency: str) -> Decimal:
    """The unrounded lines added, then the sum rounded once."""
    return quantize(sum(amounts, Decimal(0)), currency)


def allocate(total: Decimal, weights: Sequence[Decimal | int], currency: str) -> list[Decimal]:
    """`total` split in proportion to `weights`, in the currency's digits, summing exactly to it
    (largest remainder: the units left after rounding down go to the largest fractions, the
    earlier share on a tie). 100.00 in three equal parts is 33.34, 33.33, 33.33."""
    if not weights or any(weight < 0 for weight in weights) or sum(weights) <= 0:
        raise ValueError("allocate needs weights that are not negative and not all zero")
    digits = minor_units(currency)
    units = total.scaleb(digits)
    if units != units.to_integral_value():
        raise ValueError(f"{total} {currency} is finer than the currency's minor unit")
    sign, units = (-1 if units < 0 else 1), abs(int(units))
    whole = sum(weights)
    exact = [Decimal(units) * weight / whole for weight in weights]
    shares = [int(share) for share in exact]  # rounded down: shares are not negative
    by_remainder = sorted(range(len(weights)), key=lambda index: (shares[index] - exact[index], index))
    for index in by_remainder[: units - sum(shares)]:
        shares[index] += 1
    return [Decimal(sign * share).scaleb(-digits) for share in shares]


# --- Model fields --------------------------------------------------------------------------------
# Fiscal documents fix their own precisions: NF-e counts quantities in 4 decimals and unit prices
# in 10, CFDI both in 6. The fields store the finest of them; an adapter rounds to its format's.


class _DecimalKind(models.DecimalField):
    max_digits_default: int
    decimal_places_default: int

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", self.max_digits_default)
        kwargs.setdefault("decimal_places", self.decimal_places_default)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_digits", self.max_digits_default), ("decimal_places", self.decimal_places_default)):
            if kwargs.get(key) == default:
                del kwargs[key]
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        from .forms import LocalDecimalField  # forms reads amounts with this module's parse_amount

        return super().formfield(**{"form_class": LocalDecimalField, **kwargs})


class AmountField(_DecimalKind):
    """A sum of money in its currency's digits (at most 2): a total, a payment, a line's value."""

    max_digits_default, decimal_places_default = 14, 2


class UnitPriceField(_DecimalKind):
    """A price for one unit: NF-e's vUnCom has 10 decimals (CFDI's ValorUnitario 6)."""

    max_digits_default, decimal_places_default = 21, 10


class QuantityField(_DecimalKind):
    """How many units: CFDI's Cantidad has 6 decimals (NF-e's qCom 4)."""

    max_digits_default, decimal_places_default = 18, 6


class RateField(_DecimalKind):
    """A fraction such as a tax rate: 0.160000 is CFDI's TasaOCuota for 16 % (NF-e's 18.0000 %
    is 0.180000)."""

    max_digits_default, decimal_places_default = 9, 6


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


def money_locale(language: str | None = None, country: str | None = None) -> str:
    """The Babel locale numbers, money and dates are written in: the language together with the
    company's country where CLDR knows the pair (es + MX → es_MX, es + US → es_US), else the
    language's own (pt-BR → pt_BR, en → en_US, es → es_419)."""
    if country is None:
        country = active_country()
    return _locale_for(to_locale(language or get_language() or "en"), country)


format_locale = money_locale


@cache
def _locale_for(own: str, country: str | None) -> str:
    paired = f"{own.split('_')[0]}_{country}"
    if country and localedata.exists(paired):
        return paired
    return own if "_" in own else LANGUAGE_LOCALES.get(own, own)


def format_language(language: str | None = None, country: str | None = None) -> str:
    """money_locale as a Django language code (es-mx), for Django's date and number formats."""
    return to_language(format_locale(language, country))


# CLDR puts a space between a currency's letters and its digits (currencySpacing); Babel
# does not, and es_MX would write "USD12,500.50".
_LETTERS_THEN_DIGIT = re.compile(r"(?<=[^\W\d])(?=[\d-])|(?<=\d)(?=[^\W\d])")


def format_money(amount: Decimal, currency: str, locale: str | None = None, *, digits: int | None = None) -> str:
    """`$5,000.00` in en, `R$ 5.000,00` in pt-BR, `$12,500.50` in es for a Mexican company:
    the currency's display digits (CurrencySpec), or `digits` (a unit price of 0.125), the
    signs of money_locale.

    Babel separates symbol and number with a no-break space; API clients compare plain text,
    so it becomes an ordinary space.
    """
    if not isinstance(amount, Decimal):
        raise TypeError("format_money takes a Decimal, never a float")
    locale = money_locale(locale)
    if digits is None:
        digits = currency_spec(currency).display_digits
    pattern = _currency_pattern(locale, digits)
    text = pattern.apply(_round(amount, digits), locale, currency=currency, currency_digits=False)
    return _LETTERS_THEN_DIGIT.sub(" ", text.replace("\xa0", " ").replace("\u202f", " "))


@cache
def _currency_pattern(locale: str, digits: int):
    """The locale's currency pattern with the display digits we own, not CLDR's."""
    pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return pattern


def money_formatter(currency: str) -> Callable[[Decimal], str]:
    """format_money at board speed. Babel takes ~50 µs an amount, which 2,000 cards cannot
    afford: it formats samples once, and each amount is then written by Python with the signs
    the samples show. A locale whose pattern is more than prefix, grouped digits and suffix
    fails the check below and keeps Babel for every amount."""
    digits = currency_spec(currency).display_digits
    sample = format_money(Decimal("1234567.89"), currency)
    number = re.search(r"\d.*\d", sample)
    prefix, suffix = sample[: number.start()], sample[number.end():]
    signs = str.maketrans({",": number.group()[1], ".": number.group()[-digits - 1] if digits else ""})

    def fast(amount: Decimal) -> str:
        sign = "-" if amount < 0 else ""
        return f"{sign}{prefix}{f'{_round(abs(amount), digits):,.{digits}f}'.translate(signs)}{suffix}"

    checks = [Decimal(value) for value in ("0", "5", "999.99", "1234.5", "12345.67", "1234567.89", "-1234.5")]
    if all(fast(amount) == format_money(amount, currency) for amount in checks):
        return fast
    return lambda amount: format_money(amount, currency)


# --- Reading amounts -----------------------------------------------------------------------------
# People type "12.500,00" in pt-BR and "12,500.00" in en; imports carry either, or a machine's
# "12500.00". The pages' LocalDecimalField and the imports read them with this one function.


def number_in_locale(value: Decimal | int, decimal_places: int | None, locale: str | None = None) -> str:
    """`12.500,00` in pt-BR, `12,500.00` in en; `decimal_places` None writes the digits it has."""
    fraction = ".######" if decimal_places is None else "." + "0" * decimal_places if decimal_places else ""
    return format_decimal(
        value, format=f"#,##0{fraction}", locale=locale or money_locale(), decimal_quantization=False
    )


# Currency signs and spaces around a pasted amount ("R$ 12.500,00", "12,500.50 MXN") say nothing
# about the number.
_AROUND_NUMBER = re.compile(r"^[^\d.,+-]*(.*?)[^\d.,]*$", re.DOTALL)
# A thousands separator alone before three digits ("1.234" in pt-BR, "1,234" in en) is how
# another locale writes decimals.
_GROUPED_ONCE = re.compile(r"[+-]?(\d{1,3})([.,])(\d{3})")
# Digits and the locale's signs only: Babel would also take "1e5" and "NaN".
_NUMBER_CHARACTERS = re.compile(r"[+-]?[\d.,]+")
_MACHINE_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def amount_expected_message(decimal_places: int | None, locale: str | None = None) -> str:
    example = number_in_locale(Decimal("12500.5"), 2 if decimal_places is None else decimal_places, locale)
    return gettext_now("Enter a number such as %(example)s.") % {"example": example}


def parse_amount(
    text: str, *, decimal_places: int | None = 2, machine: bool = False, locale: str | None = None
) -> Decimal:
    """A number as written in money_locale, read with Babel's strict parser ("12500,50" in en is
    refused, not read as 1250050); with `machine`, only "-1234.56" as a program writes it; with
    `locale`, as written there whoever reads (a file that keeps its bank's style).
    Raises ValidationError (code "invalid" or "ambiguous").

    "1.234" is 1234 in pt-BR and 1.234 in en. Where `decimal_places` allows three decimals (or
    None: any), so that either reading fits, the locale's thousands separator alone before
    three digits is refused and the message names both forms; for money (two decimals) only the
    thousands reading fits, and the locale's decimal sign always means decimals."""
    text = str(text).strip()
    if machine:
        if not _MACHINE_NUMBER.fullmatch(text):
            raise ValidationError(
                gettext_now("Enter a number such as %(example)s.") % {"example": "12500.50"}, code="invalid"
            )
        return Decimal(text)
    text = _AROUND_NUMBER.match(text).group(1).strip()
    locale = locale or money_locale()
    if not _NUMBER_CHARACTERS.fullmatch(text):
        raise ValidationError(amount_expected_message(decimal_places, locale), code="invalid")
    grouped = _GROUPED_ONCE.fullmatch(text)
    fits_both = decimal_places is None or decimal_places >= 3
    if grouped and grouped[2] == get_group_symbol(locale) and fits_both:
        whole, fraction = grouped[1], grouped[3]
        raise ValidationError(
            gettext_now("“%(typed)s” could be %(whole)s or %(decimal)s: write the one you mean without a thousands "
                        "separator.") % {
                "typed": text, "whole": whole + fraction,
                "decimal": f"{whole}{get_decimal_symbol(locale)}{fraction}",
            },
            code="ambiguous",
        )
    try:
        return parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        raise ValidationError(amount_expected_message(decimal_places, locale), code="invalid") from None

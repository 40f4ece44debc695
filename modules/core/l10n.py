"""Dates, times and plain numbers written like money is (money.format_locale): the reader's
language together with their company's country.

Django formats dates for the active language alone (es is Spain, en says "3:20 a.m."); these
helpers ask Django for the formats of format_language() instead (es-mx for Spanish in a Mexican
company), from innexar/formats where ours differ from Django's. The templates' `date`, `time`
and `floatformat` filters are these (core/templatetags/l10n_builtins.py, a template builtin).
"""

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from django.template import defaultfilters
from django.utils import dateformat, formats

from .money import format_language, format_locale


def local_format(name: str) -> str:
    """A Django format (`SHORT_DATE_FORMAT`) for format_language(); any other text is itself a format."""
    return formats.get_format(name, lang=format_language())


def date_text(value: date | datetime, format_name: str = "DATE_FORMAT") -> str:
    return dateformat.format(value, local_format(format_name))


def time_text(value: time | datetime, format_name: str = "TIME_FORMAT") -> str:
    return dateformat.time_format(value, local_format(format_name))


def number_text(value, arg: str | int = -1) -> str:
    """Django's floatformat (same rounding and arguments), written with format_locale's signs."""
    arg = str(arg)
    if "u" in arg:
        return defaultfilters.floatformat(value, arg)
    plain = defaultfilters.floatformat(value, f"{arg.replace('g', '')}u")
    try:
        number = Decimal(plain)
    except InvalidOperation:
        return plain
    decimals = len(plain.partition(".")[2])
    pattern = ("#,##0" if "g" in arg else "0") + (f".{'0' * decimals}" if decimals else "")
    return format_decimal(number, format=pattern, locale=format_locale(), decimal_quantization=False)

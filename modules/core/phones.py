"""Phone numbers: accept what people type, store E.164 (phonenumbers, Google's libphonenumber).

How a number is read, so that none is stored under a country the user did not mean:
- `+55 41 99123-4567`, `0055 41 99123-4567` (or the country's own international prefix, 011 in
  the US) are international: the country code says where the number is.
- Anything else is a national number of the workspace's country (company settings) and only
  of it: `55 1234 5678` is Mexico City in a Mexican workspace, never New Jersey.
- A national number that is not valid there but is in one of our other markets is refused with
  its international form to copy (`+55 41 99123-4567`), not guessed.
- A number valid in both, but grouped the way the other market writes its numbers and not the
  way ours does (`55 1234 5678` in a US workspace, where it would read `(551) 234-5678`), is
  refused too, showing both readings.
"""

import re
from collections.abc import Callable

import phonenumbers
from babel import Locale
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

# The countries we sell in: where a mistyped or ambiguous national number most likely comes from.
MARKETS = ("US", "BR", "MX")
_FROM_DEFAULT_COUNTRY = phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY


# tenant → its company's country, given by tenancy when the apps load (TenancyConfig.ready):
# core sits below tenancy and knows no tenants.
_tenant_country: Callable[[object], str] | None = None


def tenant_country_lookup_set(lookup: Callable[[object], str]) -> None:
    global _tenant_country
    _tenant_country = lookup


def tenant_region() -> str:
    """The country a national number without `+` belongs to: the current tenant's country."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "pk", None) is None or _tenant_country is None:
        return "US"
    return _tenant_country(tenant)


# `+`, a country code and 7 to 14 more digits, once spaces, dots, dashes and brackets are gone.
E164 = re.compile(r"\+[1-9]\d{7,14}")
SEPARATORS = re.compile(r"[\s().-]")


def _e164_pattern() -> str:
    """E.164 with a country code that exists, as a JSON schema pattern: what phone_normalize
    keeps as written (a national number of the workspace's country is taken too)."""
    by_length: dict[int, list[str]] = {}
    for code in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        by_length.setdefault(len(str(code)), []).append(str(code))
    numbers = [
        rf"\+(?:{'|'.join(codes)})[0-9]{{{8 - length},{15 - length}}}" for length, codes in sorted(by_length.items())
    ]
    return rf"^(?:{'|'.join(numbers)})?$"


E164_PATTERN = _e164_pattern()


def _parse(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None


def _groups(text: str) -> tuple[int, ...]:
    """How the digits are grouped: `55 1234 5678` → (2, 4, 4)."""
    return tuple(len(run) for run in re.findall(r"\d+", text))


def _national_elsewhere(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    """The same digits read as a valid national number of another of our markets, if any."""
    for other in MARKETS:
        if other != region:
            number = _parse(raw, other)
            if number is not None and phonenumbers.is_valid_number(number):
                return number
    return None


def _country_name(region: str) -> str:
    language = translation.to_locale(translation.get_language() or "en")
    try:
        return Locale.parse(language).territories.get(region, region)
    except (ValueError, LookupError):
        return region


def _international(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_normalize(raw: str, *, region: str) -> str:
    """`(11) 98765-4321` in BR → `+5511987654321`; empty stays empty; nonsense is refused.

    A number written in E.164 is kept as written when its country code exists: numbering
    plans change faster than any library (and the API's own example, +1234567890, is one of
    those). A national number has to be a real one, since we turn it into E.164 ourselves.
    """
    raw = (raw or "").strip()
    if not raw:
        return ""
    compact = SEPARATORS.sub("", raw)
    number = _parse(raw, region)
    if compact.startswith("00") and (number is None or number.country_code_source == _FROM_DEFAULT_COUNTRY):
        # 00 dials abroad from most of the world, even where the country's own prefix differs.
        compact = "+" + compact[2:]
        number = _parse(compact, region)
    if number is not None and E164.fullmatch(compact):
        return compact
    if number is None or not phonenumbers.is_valid_number(number):
        elsewhere = None if compact.startswith("+") else _national_elsewhere(raw, region)
        if elsewhere is not None:
            raise ValidationError(
                _("Not a valid phone number in your company's country (%(country)s). If it is a number from "
                  "abroad, write it with its country code: %(international)s.")
                % {"country": _country_name(region), "international": _international(elsewhere)},
                code="invalid_phone",
            )
        raise ValidationError(
            _("Enter a valid phone number, in international format (+5511987654321) or your country's format."),
            code="invalid_phone",
        )
    if number.country_code_source == _FROM_DEFAULT_COUNTRY:
        ours = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        elsewhere = _national_elsewhere(raw, region)
        typed = _groups(raw)
        if (
            elsewhere is not None and len(typed) > 1 and typed != _groups(ours)
            and typed == _groups(phonenumbers.format_number(elsewhere, phonenumbers.PhoneNumberFormat.NATIONAL))
        ):
            raise ValidationError(
                _("This number is written as in another country. Write it with its country code "
                  "(%(international)s), or as a number of your company's country (%(national)s).")
                % {"international": _international(elsewhere), "national": ours},
                code="ambiguous_phone",
            )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(value: str, *, region: str) -> str:
    """A stored number for reading: national for the workspace's country (`(41) 99123-4567`),
    international for any other (`+52 55 1234 5678`); one no library knows stays as stored."""
    number = _parse(value, region) if value else None
    if number is None or not phonenumbers.is_possible_number(number):
        return value or ""
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return _international(number)

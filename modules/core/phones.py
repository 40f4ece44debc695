"""Phone numbers: accept what people type, store E.164 (phonenumbers, Google's libphonenumber)."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def tenant_region() -> str:
    """The country a national number without `+` belongs to: the current tenant's country."""
    from modules.tenancy.selectors import company_profile_current

    profile = company_profile_current()
    return profile.country if profile is not None else "US"


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
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and E164.fullmatch(compact):
        return compact
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, in international format (+5511987654321) or your country's format."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

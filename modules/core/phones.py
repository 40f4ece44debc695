"""Phone numbers: accept what people type, store E.164 (phonenumbers, Google's libphonenumber)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def tenant_region() -> str:
    """The country a national number without `+` belongs to: the current tenant's country."""
    from modules.tenancy.selectors import company_profile_current

    profile = company_profile_current()
    return profile.country if profile is not None else "US"


def phone_normalize(raw: str, *, region: str) -> str:
    """`(11) 98765-4321` in BR → `+5511987654321`; empty stays empty; nonsense is refused."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, in international format (+5511987654321) or your country's format."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

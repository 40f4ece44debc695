"""One spelling per address: the form that is stored, looked up and rate limited.

PostgreSQL's case-insensitive comparisons fold more than Python's `lower()` does (`ı` matches
`I`, `ſ` matches `S`), so two different strings could reach one account while counting against
two rate-limit buckets. Instead an address is stored in its canonical form, found by an exact
match on it, and an address typed in a spelling that only canonicalises to an account (rather
than being one, give or take letter case) is refused.
"""

import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

# The codes of the refusals below, which the signup API and page show beside the email field.
EMAIL_ERROR_CODES = frozenset({"email_look_alike", "email_reserved", "email_taken"})


def canonical_email(value: str) -> str:
    """NFKC-normalized, then lower-cased (twice: NFKC can yield capitals, `ℌ` → `H`)."""
    folded = unicodedata.normalize("NFKC", value.strip()).lower()
    return unicodedata.normalize("NFKC", folded).lower()


def email_canonical_or_refuse(value: str) -> str:
    """The canonical form of `value`, if `value` differs from it by letter case alone.

    Refused: compatibility characters (`ſ`, `K`, full-width letters) and letters whose case
    does not round-trip (`ı`, `ß`), the spellings a look-alike attack is made of."""
    typed = value.strip()
    canonical = canonical_email(typed)
    if (
        unicodedata.normalize("NFKC", typed) != typed
        or canonical != typed.lower()
        or canonical != canonical_email(canonical.upper())
    ):
        raise ValidationError(
            _("This email address contains look-alike characters. Type it with ordinary letters."),
            code="email_look_alike",
        )
    return canonical


def is_platform_address(email: str) -> bool:
    """An address at one of the platform's own mail domains (INNEXAR_PLATFORM_EMAIL_DOMAINS).

    The domains themselves, not their subdomains: those are workspaces (the demo's team is
    `@demo.innexar.app`), where staff have no address."""
    return email.rpartition("@")[2] in settings.INNEXAR_PLATFORM_EMAIL_DOMAINS


def new_account_email(email: str) -> str:
    """The canonical form of an address a new account may have; ValidationError if none may.

    The platform's own mail domains are refused whether or not an account exists there, so the
    answer never tells a staff address from any other address at those domains."""
    email = email_canonical_or_refuse(email)
    if is_platform_address(email):
        raise ValidationError(
            _("Addresses at this domain cannot be used for a workspace account."), code="email_reserved"
        )
    if get_user_model().objects.filter(email=email).exists():
        raise ValidationError(_("A user with this email already exists."), code="email_taken")
    return email


class CanonicalEmailFormField(forms.EmailField):
    def clean(self, value):
        value = super().clean(value)
        return email_canonical_or_refuse(value) if value else value


class CanonicalEmailSerializerField(serializers.EmailField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return email_canonical_or_refuse(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from None

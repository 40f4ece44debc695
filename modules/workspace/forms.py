import unicodedata
import zoneinfo
from functools import lru_cache

from babel.dates import get_timezone_location
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from modules.accounts.emails import CanonicalEmailFormField
from modules.accounts.models import Role
from modules.core.forms import FilePickerInput, changed_values
from modules.core.validators import validate_single_line
from modules.tenancy.countries import COUNTRIES
from modules.tenancy.models import CompanyProfile
from modules.tenancy.services import COMPANY_PROFILE_FIELDS


class PasswordResetRequestForm(forms.Form):
    email = CanonicalEmailFormField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class PasswordResetConfirmForm(forms.Form):
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords do not match."))
        return cleaned


class InvitationAcceptForm(PasswordResetConfirmForm):
    """The same two fields, worded for someone who has no password yet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Choose a password")
        self.fields["new_password2"].label = _("The same password again")


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, validators=[validate_single_line])
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class InviteForm(forms.Form):
    email = CanonicalEmailFormField(label=_("Email"))
    name = forms.CharField(label=_("Name"), max_length=150, validators=[validate_single_line])
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.USER)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


def _yes_no(value: str) -> bool:
    return value == "true"


class MemberForm(forms.Form):
    """A teammate's role or status, as the buttons in their row post them: either, or both."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, required=False)
    is_active = forms.TypedChoiceField(
        label=_("Status"),
        choices=[("true", _("Active")), ("false", _("Deactivated"))],
        coerce=_yes_no,
        required=False,
        empty_value=None,
    )

    def changes(self) -> dict:
        """Only what was sent: member_update leaves alone what it is not given."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


# IANA's areas: the other names (US/Central, Brazil/East, EST5EDT...) are old aliases of these.
TIMEZONE_AREAS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian",
                  "Pacific")


def _timezone_choices() -> list[tuple[str, str]]:
    return _timezone_choices_in(translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE))


@lru_cache(maxsize=8)
def _timezone_choices_in(locale: str) -> list[tuple[str, str]]:
    """Time zones named in the reader's language by country and city ("Horário Brasil (São
    Paulo)") and sorted by that name, UTC first; one entry per name (aliases are left out)."""
    labels: dict[str, str] = {}
    for name in sorted(zoneinfo.available_timezones()):
        if name.split("/", 1)[0] in TIMEZONE_AREAS:
            labels.setdefault(get_timezone_location(name, locale=locale), name)
    by_name = sorted(labels.items(), key=lambda item: _sort_key(item[0]))
    return [("UTC", "UTC")] + [(name, label) for label, name in by_name]


def _sort_key(label: str) -> str:
    return unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()


class CompanyProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=_timezone_choices)

    class Meta:
        model = CompanyProfile
        fields = list(COMPANY_PROFILE_FIELDS)
        # No "clear" checkbox: the service sets what it is given, and a logo is replaced, not unset.
        widgets = {"logo": FilePickerInput(attrs={"accept": "image/*"})}

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.timezone
        choices = self.fields["timezone"].choices
        if current and all(value != current for value, _label in choices):  # saved as an alias
            self.fields["timezone"].choices = [(current, current.replace("_", " ")), *choices]
        self._fields_for_country(self._chosen_country())
        if read_only:
            for field in self.fields.values():
                field.disabled = True
        else:
            # Choosing another country redraws the form for it, unsaved (views.company).
            self.fields["country"].widget.attrs["hx-post"] = reverse("workspace:company")

    def _chosen_country(self) -> str:
        chosen = self.data.get(self.add_prefix("country")) if self.is_bound else self.initial.get("country")
        return chosen if chosen in COUNTRIES else self.instance.country

    def _fields_for_country(self, country: str) -> None:
        """Only what applies to the country: its tax regimes, a PIX key in Brazil, and, when it
        is not the saved one, the offer to switch currency and time zone to its own."""
        defaults = COUNTRIES[country]
        if defaults.tax_regimes:
            self.fields["tax_regime"] = forms.ChoiceField(
                label=self.fields["tax_regime"].label, choices=[("", "—"), *defaults.tax_regimes], required=False
            )
        if not defaults.pix:
            del self.fields["pix_key"]
        if country != "BR":  # Brazil's registrations and its choice of NF-e or NFS-e
            for name in ("state_registration", "municipal_registration", "city_code", "fiscal_document"):
                del self.fields[name]
        else:
            self.fields["fiscal_document"].required = False  # left out, it stays as it is (NF-e at first)
            self.fields["city_code"].help_text = _("Left empty, it is found from the city and state.")
            self.fields["state_registration"].help_text = _("The IE of the company's state, or ISENTO.")
        switch = (defaults.currency, defaults.timezone) != (self.instance.default_currency, self.instance.timezone)
        if country != self.instance.country and switch:
            zone = dict(self.fields["timezone"].choices).get(defaults.timezone, defaults.timezone)
            self.fields["follow_country"] = forms.BooleanField(
                label=_("Also switch currency to %(currency)s and time zone to %(timezone)s")
                % {"currency": defaults.currency, "timezone": zone},
                required=False, initial=True,
            )
            up_to_country = COMPANY_PROFILE_FIELDS[: COMPANY_PROFILE_FIELDS.index("country") + 1]
            self.order_fields([*up_to_country, "follow_country"])

    def follow_country(self) -> bool:
        return self.cleaned_data.get("follow_country", False)

    def changes(self) -> dict:
        changes = changed_values(self, COMPANY_PROFILE_FIELDS)
        if not changes.get("fiscal_document", "nfe"):
            del changes["fiscal_document"]
        return changes

import re

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from modules.accounts.emails import EMAIL_ERROR_CODES, new_account_email
from modules.accounts.models import User
from modules.core.money import format_money
from modules.core.search import fold
from modules.core.validators import validate_single_line
from modules.tenancy.models import Country, Tenant
from modules.tenancy.plans import OFFERS, Plan
from modules.tenancy.validators import validate_subdomain

# tenant_signup raises plain ValidationErrors: validate_subdomain's codes and "taken" (a signup
# racing for the same name), the email's (accounts.emails.EMAIL_ERROR_CODES); the rest come from
# the password validators (AUTH_PASSWORD_VALIDATORS).
SUBDOMAIN_ERROR_CODES = frozenset({"lowercase", "invalid", "reserved", "taken"})


def plan_choices() -> list[tuple[str, str]]:
    return [
        (
            offer.plan.value,
            _("%(plan)s · %(price)s/month")
            % {
                "plan": offer.plan.label,
                "price": format_money(offer.monthly_price_usd, "USD"),
            },
        )
        for offer in OFFERS.values()
    ]


class SignupForm(forms.Form):
    name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=Country.choices, widget=forms.Select(attrs={"autocomplete": "country"}),
        required=False,  # left out (a script's post), the language picks it, as in the API
        help_text=_("Sets your currency, time zone and phone format. You can change it in settings."),
    )
    subdomain = forms.CharField(
        label=_("Workspace address"),
        max_length=300,  # a pasted URL is welcome; only its first label counts
        help_text=_("Lowercase letters, digits and hyphens. You can't change it later."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    plan = forms.ChoiceField(
        label=_("Plan"), choices=plan_choices, widget=forms.RadioSelect, initial=Plan.PROFESSIONAL
    )
    admin_name = forms.CharField(
        label=_("Your name"), max_length=150, validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(label=_("Work email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    # Every rule tenant_signup applies is checked here too, so one round shows every problem;
    # the service checks again (a signup may race this one for the name or the email).

    def clean_subdomain(self) -> str:
        value = self.cleaned_data["subdomain"].strip().lower()  # "NewCo" means newco
        validate_subdomain(value)
        if Tenant.objects.filter(subdomain=value).exists():
            raise ValidationError(_("This name is already taken."), code="taken")
        return value

    def clean_email(self) -> str:
        return new_account_email(self.cleaned_data["email"])

    def clean(self) -> dict:
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(email=cleaned.get("email", ""), name=cleaned.get("admin_name", ""))
            try:
                validate_password(password, user=candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned

    def add_signup_error(self, error: ValidationError) -> None:
        """Show what tenant_signup refused beside the field it is about."""
        for item in error.error_list:
            if item.code in SUBDOMAIN_ERROR_CODES:
                self.add_error("subdomain", item)
            else:
                self.add_error("email" if item.code in EMAIL_ERROR_CODES else "password", item)


def workspace_name_from(typed: str) -> str:
    """`acme`, `Acme.innexar.app` or `https://acme.innexar.app:8000/crm/` all mean `acme`;
    `padaria-são-josé` means `padaria-sao-jose` (addresses are plain ASCII)."""
    value = fold(typed.strip())
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)  # a scheme
    value = re.split(r"[/:?#]", value, maxsplit=1)[0]  # a port, path, query or fragment
    return value.split(".", 1)[0]


class FindWorkspaceForm(forms.Form):
    subdomain = forms.CharField(
        label=_("Workspace address"),
        max_length=300,  # a pasted URL is welcome; only its first label counts
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )

    def clean_subdomain(self) -> str:
        value = workspace_name_from(self.cleaned_data["subdomain"])
        # A suspended workspace is found too: its own page says it is suspended and what to do.
        self.tenant = Tenant.objects.filter(subdomain=value).exclude(schema_name=get_public_schema_name()).first()
        if self.tenant is None:
            raise ValidationError(_("We couldn't find a workspace at that address."), code="not_found")
        return value

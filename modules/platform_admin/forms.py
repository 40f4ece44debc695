from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from modules.accounts.emails import CanonicalEmailFormField
from modules.tenancy.plans import Plan


class TenantFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Company or subdomain")}),
    )
    plan = forms.ChoiceField(label=_("Plan"), required=False, choices=[("", _("All plans")), *Plan.choices])


def _yes_no(value: str) -> bool:
    return value == "true"


class TenantStatusForm(forms.Form):
    """What the Suspend and Reactivate buttons post."""

    active = forms.TypedChoiceField(
        label=_("Status"), choices=[("true", _("Active")), ("false", _("Suspended"))], coerce=_yes_no
    )


class StaffSignInForm(AuthenticationForm):
    # Django's username field folds NFKC silently (`ſtaff` becomes `staff`); refuse that spelling
    # like every other sign-in does.
    username = CanonicalEmailFormField(widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))

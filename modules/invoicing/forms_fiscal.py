"""The fiscal pages' forms: the settings, the certificates' uploads, and the invoice's correction
letter; the services check what a tax authority would."""

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.core.forms import FilePickerInput, LocalDecimalField, LocalIntegerField, ServiceForm
from modules.finance.models import PaymentMethod

from .models import FiscalEnvironment, FiscalProvider, FiscalSettings, PisCofinsRegime

SETTINGS_FIELDS = (
    "enabled", "provider", "environment", "provider_token", "provider_base_url", "nfe_series", "nfse_series",
    "pis_cofins_regime", "payment_method", "iss_rate", "nbs",
)


class FiscalSettingsForm(ServiceForm):
    enabled = forms.BooleanField(label=_("Issue the fiscal document when an invoice is issued"), required=False)
    provider = forms.ChoiceField(label=_("Provider"), choices=FiscalProvider.choices)
    environment = forms.ChoiceField(
        label=_("Environment"), choices=FiscalEnvironment.choices,
        help_text=_("The sandbox always issues in homologation, with no fiscal value."),
    )
    provider_token = forms.CharField(
        label=_("Provider API token"), required=False, max_length=500, widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the one saved."),
    )
    provider_base_url = forms.URLField(label=_("Provider API address"), required=False, assume_scheme="https",
                                       help_text=_("Leave empty for the provider's own."))
    nfe_series = LocalIntegerField(label=_("NF-e series"), min_value=0, max_value=889)
    nfse_series = LocalIntegerField(label=_("NFS-e series"), min_value=0, max_value=99999)
    pis_cofins_regime = forms.ChoiceField(label=_("PIS and COFINS (regime normal)"),
                                          choices=[("", "—"), *PisCofinsRegime.choices], required=False)
    payment_method = forms.ChoiceField(label=_("How invoices are paid (NF-e)"),
                                       choices=[("", "—"), *PaymentMethod.choices], required=False)
    iss_rate = LocalDecimalField(label=_("ISS rate, % (NFS-e)"), max_digits=5, decimal_places=2, required=False)
    nbs = forms.CharField(label=_("NBS code (NFS-e)"), max_length=9, required=False)

    @classmethod
    def initial_from(cls, settings: FiscalSettings) -> dict:
        return {name: getattr(settings, name) for name in SETTINGS_FIELDS if name != "provider_token"}


class A1CertificateForm(ServiceForm):
    file = forms.FileField(label=_("A1 certificate (.pfx)"), widget=FilePickerInput(attrs={"accept": ".pfx,.p12"}))
    password = forms.CharField(label=_("Certificate password"), max_length=200,
                               widget=forms.PasswordInput(render_value=False))


class CsdForm(ServiceForm):
    certificate = forms.FileField(label=_("CSD certificate (.cer)"), widget=FilePickerInput(attrs={"accept": ".cer"}))
    private_key = forms.FileField(label=_("CSD private key (.key)"), widget=FilePickerInput(attrs={"accept": ".key"}))
    password = forms.CharField(label=_("Private key password"), max_length=200,
                               widget=forms.PasswordInput(render_value=False))


class CorrectionForm(ServiceForm):
    correction = forms.CharField(
        label=_("What does the correction letter correct?"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("15 to 1,000 characters. It cannot change amounts, taxes, the parties or the dates."),
    )

"""The charge pages' forms: a boleto or a PIX charge for an invoice (its dialogs), a remittance, a
return file, and the PIX settings. The services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.core.forms import FilePickerInput, LocalIntegerField, ServiceForm, date_input

from .models import BoletoBank, PixType
from .pix_charges import MAX_EXPIRY_HOURS
from .psp import API_PIX, SANDBOX
from .selectors_charges import boleto_bank_accounts

PAYER_FIELDS = ("document", "address", "district", "zip_code", "city", "state")


class BoletoForm(ServiceForm):
    bank = forms.ChoiceField(label=_("Bank"), choices=BoletoBank.choices)
    due_date = forms.DateField(label=_("Due date"), widget=date_input())
    # Needed when the boleto is sent to the bank in a remittance file (CNAB segment Q).
    document = forms.CharField(label=_("Payer's CPF or CNPJ"), max_length=20, required=False)
    address = forms.CharField(label=_("Payer's address"), max_length=40, required=False)
    district = forms.CharField(label=_("District"), max_length=15, required=False)
    zip_code = forms.CharField(label=_("CEP"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=15, required=False)
    state = forms.CharField(label=_("State"), max_length=2, required=False, help_text=_("Two letters, such as SP."))

    def main_fields(self):
        return [self["bank"], self["due_date"]]

    def payer_fields(self):
        return [self[name] for name in PAYER_FIELDS]

    def payer_errors(self) -> bool:
        return any(self[name].errors for name in PAYER_FIELDS)

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {"bank": data["bank"], "due_date": data["due_date"],
                "payer": {name: data[name] for name in PAYER_FIELDS}}


class PixForm(ServiceForm):
    type = forms.ChoiceField(
        label=_("Kind of code"), choices=PixType.choices, initial=PixType.DYNAMIC, widget=forms.RadioSelect,
        help_text=_("A dynamic charge is paid once and expires; a static code never expires."),
    )
    expires_in_hours = LocalIntegerField(
        label=_("Expires in (hours)"), required=False, min_value=1, max_value=MAX_EXPIRY_HOURS,
        help_text=_("Dynamic charges only; 24 hours when left empty."),
    )

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        if values["type"] == PixType.STATIC:
            values["expires_in_hours"] = None  # the field is only offered for dynamic charges
        return values


class BankAccountChoiceForm(ServiceForm):
    bank_account = forms.ModelChoiceField(label=_("Bank account"), queryset=None, empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_account"].queryset = boleto_bank_accounts()


class RemittanceForm(BankAccountChoiceForm):
    remittance_number = LocalIntegerField(
        label=_("Remittance number"), required=False, min_value=1, max_value=2**31 - 1,
        help_text=_("Leave empty to send the boletos not sent yet; a number writes that file again."),
    )


class ReturnFileForm(BankAccountChoiceForm):
    file = forms.FileField(label=_("Return file"), widget=FilePickerInput(attrs={"accept": ".ret,.txt,.RET,.TXT"}))


class PixSettingsForm(ServiceForm):
    key = forms.CharField(label=_("PIX key"), max_length=77,
                          help_text=_("CPF, CNPJ, email, phone with +55 or random key."))
    merchant_name = forms.CharField(label=_("Name shown to the payer"), max_length=25)
    merchant_city = forms.CharField(label=_("City shown to the payer"), max_length=15)
    psp = forms.ChoiceField(
        label=_("Dynamic charges through"),
        choices=[(SANDBOX, _("The sandbox (no bank: codes no app can pay)")), (API_PIX, _("A PSP's API Pix"))],
    )
    psp_base_url = forms.URLField(label=_("PSP API address"), required=False, max_length=200, assume_scheme="https")
    psp_client_id = forms.CharField(label=_("PSP client id"), required=False, max_length=255)
    psp_client_secret = forms.CharField(
        label=_("PSP client secret"), required=False, max_length=255,
        widget=forms.PasswordInput(render_value=False), help_text=_("Leave empty to keep the one saved."),
    )
    rotate_webhook_secret = forms.BooleanField(label=_("Make a new webhook secret"), required=False)

    def service_values(self) -> tuple[dict, bool]:
        """The changes for pix_settings_save, and whether to rotate the webhook secret."""
        values = dict(self.cleaned_data)
        rotate = values.pop("rotate_webhook_secret")
        if not values["psp_client_secret"]:
            del values["psp_client_secret"]  # a password field is never filled back in: empty keeps it
        return values, rotate

"""The statement page's forms: a statement file to import into a bank account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.core.forms import FilePickerInput, ServiceForm

from .models import BankAccount


class StatementImportForm(ServiceForm):
    bank_account = forms.ModelChoiceField(
        label=_("Bank account"), queryset=BankAccount.objects.filter(is_active=True).order_by("name"),
    )
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_("OFX from your bank, or a CSV with a date, a description and an amount (or debit and credit) "
                    "column."),
        widget=FilePickerInput(attrs={"accept": ".ofx,.qfx,.csv,text/csv"}),
    )

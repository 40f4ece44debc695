"""The reconciliation page's forms: which lines to show, which account to give a line to, which
lines to auto-reconcile."""

from django import forms
from django.utils.translation import pgettext_lazy

from modules.core.forms import ServiceForm

from .models import BankAccount

# Short words other pages may say otherwise: they carry the page's context.
SHOW_CHOICES = [
    ("unreconciled", pgettext_lazy("reconciliation", "To reconcile")),
    ("reconciled", pgettext_lazy("reconciliation", "Reconciled")),
]


class BankAccountField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=BankAccount.objects.order_by("name", "pk"), required=False,
            label=pgettext_lazy("reconciliation", "Bank account"),
            empty_label=pgettext_lazy("reconciliation", "Every bank account"), **kwargs,
        )


class LineFilterForm(forms.Form):
    bank_account = BankAccountField()
    show = forms.ChoiceField(choices=SHOW_CHOICES, required=False, label=pgettext_lazy("reconciliation", "Show"))

    def shows_reconciled(self) -> bool:
        return self.is_valid() and self.cleaned_data["show"] == "reconciled"

    def picked_bank_account(self) -> BankAccount | None:
        return self.cleaned_data["bank_account"] if self.is_valid() else None


class ReconcileForm(ServiceForm):
    account = forms.IntegerField(min_value=1, max_value=2**63 - 1, label=pgettext_lazy("reconciliation", "Account"))


class AutoReconcileForm(ServiceForm):
    bank_account = BankAccountField()

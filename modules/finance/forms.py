"""The finance pages' forms: they parse what a person typed (money in their locale); the services
decide what may be stored."""

from datetime import datetime, time
from decimal import Decimal

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.core.forms import (
    LocalDecimalField,
    RecordForm,
    RecordSelect,
    ServiceForm,
    TeammateField,
    date_input,
)
from modules.core.money import Currency
from modules.crm.forms import record_choices
from modules.crm.models import Contact, RelatedType

from .models import AccountType, Category, CategoryType, PaymentMethod
from .selectors import category_tree


def category_choices(*, exclude: Category | None = None) -> list:
    """The category tree as a select's options, grouped by type, subcategories indented; without
    `exclude` and those below it (a category cannot go under itself)."""
    groups: dict[str, list] = {value: [] for value in CategoryType.values}
    skipping_below = None
    for category in category_tree():
        if skipping_below is not None and category.depth > skipping_below:
            continue
        skipping_below = None
        if exclude is not None and category.pk == exclude.pk:
            skipping_below = category.depth
            continue
        groups[category.type].append((category.pk, f"{'— ' * category.depth}{category.name}"))
    labels = dict(CategoryType.choices)
    return [("", "---------"), *((labels[kind], options) for kind, options in groups.items() if options)]


class CategorySelectField(forms.ModelChoiceField):
    """A category picked from the tree (category_choices)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.all(), required=False, **kwargs)


class AccountForm(RecordForm):
    type = forms.ChoiceField(label=_("Type"), choices=AccountType.choices, initial=AccountType.RECEIVABLE)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    amount = LocalDecimalField(label=_("Amount"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    due_date = forms.DateField(label=_("Due date"), widget=date_input())
    category = CategorySelectField(label=_("Category"), help_text=_("Income for a receivable, expense for a payable."))
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Contact.objects.all(), required=False,
        widget=RecordSelect(lookup_url=reverse_lazy("crm:lookup"), record_type=RelatedType.CONTACT),
    )
    vendor = forms.CharField(label=_("Vendor"), max_length=200, required=False)
    reference = forms.CharField(
        label=_("Reference"), max_length=100, required=False,
        help_text=_("The bill's or invoice's number, as bank statements may quote it."),
    )
    assigned_to = TeammateField()
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["customer"].widget.choices = [
            ("", "---------"), *record_choices(RelatedType.CONTACT, selected=self["customer"].value())
        ]


class MarkPaidForm(ServiceForm):
    """The day it was paid and how; a day other than today is taken at noon in the company's time."""

    paid_on = forms.DateField(label=_("Paid on"), widget=date_input())
    payment_method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)

    def clean(self) -> dict:
        cleaned = super().clean()
        day = cleaned.pop("paid_on", None)
        if day is not None and day == timezone.localdate():
            cleaned["paid_at"] = timezone.now()
        elif day is not None:
            cleaned["paid_at"] = timezone.make_aware(datetime.combine(day, time(12)))
        return cleaned


class CancelForm(ServiceForm):
    reason = forms.CharField(
        label=_("Why is it cancelled?"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CategoryForm(RecordForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    type = forms.ChoiceField(label=_("Type"), choices=CategoryType.choices, initial=CategoryType.INCOME)
    parent = CategorySelectField(label=_("Under"), help_text=_("Empty for a top-level category."))
    color = forms.CharField(
        label=_("Colour"), max_length=7, initial="#64748b", widget=forms.TextInput(attrs={"type": "color"})
    )

    def __init__(self, *args, category: Category | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = category_choices(exclude=category)
        if category is not None:
            self.auto_id = f"category_{category.pk}_%s"  # several rows' forms on one page


class BankAccountForm(RecordForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    bank = forms.CharField(label=_("Bank"), max_length=100, required=False)
    bank_code = forms.CharField(
        label=_("Bank code"), max_length=3, required=False, help_text=_("Three digits, such as 001 (Brazil's COMPE)."),
    )
    agency = forms.CharField(label=_("Agency"), max_length=10, required=False)
    account_number = forms.CharField(label=_("Account number"), max_length=30)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    opening_balance = LocalDecimalField(
        label=_("Opening balance"), required=False,
        help_text=_("What the account held before its first statement line."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    boleto_agreement = forms.CharField(label=_("Boleto agreement"), max_length=20, required=False)
    boleto_wallet = forms.CharField(label=_("Boleto wallet"), max_length=5, required=False)

    def clean_opening_balance(self):
        return self.cleaned_data["opening_balance"] or Decimal(0)


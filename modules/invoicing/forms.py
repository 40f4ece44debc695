"""The invoice pages' forms: they read what a person typed (money and quantities in their locale,
never a browser's number field); the services decide what may be stored."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from modules.core.forms import LocalDecimalField, RecordSelect, ServiceForm, date_input
from modules.core.money import Currency
from modules.crm.forms import record_choices
from modules.crm.models import Contact, RelatedType
from modules.inventory.models import Product

from .models import Invoice
from .services import ITEM_FIELDS, ITEM_FISCAL_FIELDS, MAX_ITEMS


class InvoiceForm(ServiceForm):
    """The invoice's own fields; its items are ItemFormSet's."""

    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Contact.objects.all(),
        widget=RecordSelect(lookup_url=reverse_lazy("crm:lookup"), record_type=RelatedType.CONTACT),
    )
    issue_date = forms.DateField(label=_("Issue date"), widget=date_input())
    due_date = forms.DateField(label=_("Due date"), widget=date_input())
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("The customer's")), *settings.LANGUAGES], required=False,
        help_text=_("What its PDF and mail are written in."),
    )
    invoice_discount = LocalDecimalField(
        label=_("Discount on the whole invoice"), required=False, help_text=_("Spread over the items, before tax."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].widget.choices = [
            ("", "---------"), *record_choices(RelatedType.CONTACT, selected=self["customer"].value())
        ]

    @classmethod
    def initial_from(cls, invoice: Invoice) -> dict:
        return {
            "customer": invoice.customer_id, "issue_date": invoice.issue_date, "due_date": invoice.due_date,
            "currency": invoice.currency, "language": invoice.language, "invoice_discount": invoice.invoice_discount,
            "notes": invoice.notes,
        }

    def clean_invoice_discount(self) -> Decimal:
        return self.cleaned_data["invoice_discount"] or Decimal(0)


class ItemForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=500)
    quantity = LocalDecimalField(label=_("Quantity"), max_digits=15, decimal_places=6)
    unit_price = LocalDecimalField(label=_("Unit price"), max_digits=21, decimal_places=10)
    discount = LocalDecimalField(label=_("Discount"), required=False)
    tax_rate = LocalDecimalField(label=_("Tax rate"), max_digits=7, decimal_places=4, required=False)
    # An inventory product's line (made through the API) stays that product's when edited here.
    product = forms.ModelChoiceField(queryset=Product.objects.all(), required=False, widget=forms.HiddenInput)
    # What was sold, for the tax authorities (models.InvoiceItem): in a row's "Fiscal codes" drawer.
    ncm = forms.RegexField(label=_("NCM"), regex=r"^(\d{8}|00)$", required=False,
                           error_messages={"invalid": _("8 digits, or 00 for a service.")})
    cfop = forms.RegexField(label=_("CFOP"), regex=r"^\d{4}$", required=False,
                            error_messages={"invalid": _("4 digits.")})
    service_code = forms.RegexField(label=_("Service code (LC 116)"), regex=r"^\d{2}\.?\d{2}\.?\d{2}$",
                                    required=False, error_messages={"invalid": _("Like 01.07.01.")})
    sat_product_code = forms.RegexField(label=_("SAT product code"), regex=r"^\d{8}$", required=False,
                                        error_messages={"invalid": _("8 digits.")})
    sat_unit_code = forms.RegexField(label=_("SAT unit code"), regex=r"^[A-Za-z0-9]{2,3}$", required=False,
                                     error_messages={"invalid": _("2 or 3 letters or digits (H87, ACT).")})

    def main_fields(self):
        return [self[name] for name in ("description", "quantity", "unit_price", "discount", "tax_rate")]

    def fiscal_fields(self):
        return [self[name] for name in ITEM_FISCAL_FIELDS]

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in ("discount", "tax_rate"):
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = Decimal(0)
        return cleaned


ItemFormSet = formset_factory(ItemForm, extra=0, min_num=1, validate_min=True, max_num=MAX_ITEMS, validate_max=True)


def item_rows(invoice: Invoice) -> list[dict]:
    """An invoice's items as its edit form starts from them."""
    return [{field: getattr(item, field) for field in ITEM_FIELDS} for item in invoice.items.all()]


class CancelForm(ServiceForm):
    reason = forms.CharField(
        label=_("Why is it cancelled?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
    )


class CfdiCancelForm(CancelForm):
    """A stamped CFDI is cancelled with SAT's reason, and for 01 the UUID of the CFDI replacing it."""

    cancel_reason_code = forms.ChoiceField(label=_("SAT's reason"), choices=[
        ("01", _("01 · Issued with errors, replaced by another CFDI")),
        ("02", _("02 · Issued with errors, not replaced")),
        ("03", _("03 · The operation did not take place")),
        ("04", _("04 · Nominative operation included in a global invoice")),
    ])
    substitute_uuid = forms.UUIDField(label=_("UUID of the CFDI replacing it"), required=False,
                                      help_text=_("Reason 01 only."))

    def clean_substitute_uuid(self) -> str:
        value = self.cleaned_data["substitute_uuid"]
        return str(value) if value else ""


class SendForm(ServiceForm):
    to = forms.EmailField(label=_("Send to"), required=False, help_text=_("The customer's email when left empty."))

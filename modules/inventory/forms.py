"""The inventory pages' forms: they parse what a person typed (prices and quantities in their
locale, as text); the services decide what may be stored."""

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.core.forms import LocalDecimalField, RecordForm, ServiceForm, date_input

from .models import MovementReason, MovementType, Product, Unit


def quantity_field(**kwargs) -> LocalDecimalField:
    """Up to six decimals (kilograms, litres); whole units are refused by the service when they must be."""
    return LocalDecimalField(max_digits=18, decimal_places=6, **kwargs)


class ProductForm(RecordForm):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.CharField(label=_("Category"), max_length=100, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.UNIT)
    barcode = forms.CharField(
        label=_("Barcode"), max_length=14, required=False,
        help_text=_("EAN-13, UPC-A or EAN-8, as the label prints it."),
    )
    cost_price = LocalDecimalField(label=_("Cost price"), required=False)
    sale_price = LocalDecimalField(label=_("Sale price"), required=False)
    min_stock = quantity_field(label=_("Minimum stock"), required=False, help_text=_("Below it, the product is low."))
    max_stock = quantity_field(
        label=_("Maximum stock"), required=False, help_text=_("What a reorder fills up to."),
    )
    ncm = forms.CharField(label=_("NCM (Brazil)"), max_length=10, required=False)
    sat_product_code = forms.CharField(label=_("SAT product code (Mexico)"), max_length=8, required=False)
    sat_unit_code = forms.CharField(label=_("SAT unit code (Mexico)"), max_length=3, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        # Left empty, a price or a minimum is zero; the maximum stays unset.
        for name in ("cost_price", "sale_price", "min_stock"):
            if name in data and data[name] is None:
                data[name] = 0
        return data


class MovementForm(ServiceForm):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.filter(is_active=True))
    type = forms.ChoiceField(label=_("Type"), choices=MovementType.choices)
    reason = forms.ChoiceField(label=_("Reason"), choices=MovementReason.choices)
    quantity = quantity_field(label=_("Quantity"))
    reference = forms.CharField(
        label=_("Reference"), max_length=100, required=False, help_text=_("A supplier's bill, an invoice's number.")
    )
    unit_cost = LocalDecimalField(
        label=_("Unit cost"), max_digits=21, decimal_places=4, required=False,
        help_text=_("For stock coming in; the cost price by default."),
    )

    def __init__(self, *args, product: Product | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if product is not None:  # on the product's own page the product is given
            self.fields["product"].queryset = Product.objects.filter(pk=product.pk)
            self.fields["product"].initial = product.pk
            self.fields["product"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if data.get("unit_cost") is None:
            data.pop("unit_cost", None)
        elif data.get("type") == MovementType.OUT:
            self.add_error("unit_cost", _("Only stock coming in has a unit cost."))
        return data


class CountForm(ServiceForm):
    date = forms.DateField(label=_("Date"), widget=date_input())
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000)


class CountItemForm(ServiceForm):
    """A product named by its barcode (a scanner types it and presses Enter) or its SKU."""

    code = forms.CharField(
        label=_("Barcode or SKU"), max_length=64,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    actual_quantity = quantity_field(label=_("Quantity found"))

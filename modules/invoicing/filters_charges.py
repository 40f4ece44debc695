"""The boleto and PIX lists' filters, shared by the API (`?status=pending,paid`) and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from modules.core.filters import CommaSeparatedChoiceFilter, CommaSeparatedIdFilter, IntegerFilter, StableOrderingFilter

from .models import Boleto, BoletoBank, ChargeStatus, Pix, PixType


class BoletoFilter(django_filters.FilterSet):
    status = CommaSeparatedChoiceFilter(choices=ChargeStatus.choices, label=_("Status"))
    invoice_id = CommaSeparatedIdFilter(field_name="invoice_id", label=_("Invoice"))
    bank = CommaSeparatedChoiceFilter(choices=BoletoBank.choices, label=_("Bank"))
    bank_account_id = CommaSeparatedIdFilter(field_name="bank_account_id", label=_("Bank account"))
    remittance_number = IntegerFilter(min_value=1, max_value=2**31 - 1, label=_("Remittance"))
    ordering = StableOrderingFilter(
        fields=(("created_at", "created_at"), ("due_date", "due_date"), ("amount", "amount")), label=_("Order by")
    )

    class Meta:
        model = Boleto
        fields = []


class PixFilter(django_filters.FilterSet):
    # The status a reader sees: a charge past its expiry is expired already (selectors_charges.pix_list).
    status = CommaSeparatedChoiceFilter(field_name="current_status", choices=ChargeStatus.choices, label=_("Status"))
    invoice_id = CommaSeparatedIdFilter(field_name="invoice_id", label=_("Invoice"))
    type = CommaSeparatedChoiceFilter(choices=PixType.choices, label=_("Type"))
    ordering = StableOrderingFilter(
        fields=(("created_at", "created_at"), ("expires_at", "expires_at"), ("amount", "amount")), label=_("Order by")
    )

    class Meta:
        model = Pix
        fields = []

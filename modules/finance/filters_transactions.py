"""The statement lines' filters, shared by the API (`?bank_account_id=1&reconciled=false`) and the
statement page."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from modules.core.filters import BooleanFilter, CommaSeparatedChoiceFilter, CommaSeparatedIdFilter, StableOrderingFilter
from modules.core.search import folded_contains

from .models import Transaction, TransactionType


class TransactionFilter(django_filters.FilterSet):
    bank_account_id = CommaSeparatedIdFilter(field_name="bank_account_id", label=_("Bank account"))
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Until"))
    reconciled = BooleanFilter(label=_("Reconciled"))
    type = CommaSeparatedChoiceFilter(choices=TransactionType.choices, label=_("Type"))
    category_id = CommaSeparatedIdFilter(field_name="category_id", label=_("Category"))
    search = django_filters.CharFilter(method="filter_search", label=_("Search"))
    ordering = StableOrderingFilter(fields=(("date", "date"), ("amount", "amount")), label=_("Order by"))

    class Meta:
        model = Transaction
        fields = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Within the description, accents and case aside. It reads the rows the other filters
        leave (a bank account's, a month's), so it has no index of its own."""
        return queryset.filter(folded_contains(value, "description")) if value.strip() else queryset

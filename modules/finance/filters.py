"""The finance lists' filters, shared by the API (`?status=pending,overdue`) and the workspace pages."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from modules.core.filters import BooleanFilter, CommaSeparatedChoiceFilter, CommaSeparatedIdFilter, StableOrderingFilter
from modules.core.money import Currency
from modules.core.search import folded_contains, search_query
from modules.crm.models import Contact

from .models import Account, AccountStatus, AccountType, BankAccount
from .selectors import category_with_descendants


class AccountFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search"))
    type = django_filters.ChoiceFilter(choices=AccountType.choices, label=_("Type"))
    # The status as of today (selectors.status_expression): a pending account past its due date is overdue.
    status = CommaSeparatedChoiceFilter(
        field_name="current_status", choices=AccountStatus.choices, label=_("Status")
    )
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("Due from"))
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("Due until"))
    category_id = CommaSeparatedIdFilter(
        method="filter_category", label=_("Category"),
        help_text=_("A category's accounts include those of its subcategories."),
    )
    customer_id = CommaSeparatedIdFilter(field_name="customer_id", label=_("Customer"))
    currency = CommaSeparatedChoiceFilter(choices=Currency.choices, label=_("Currency"))
    ordering = StableOrderingFilter(
        fields=(("due_date", "due_date"), ("amount", "amount"), ("created_at", "created_at"), ("name", "name")),
        label=_("Order by"),
    )

    class Meta:
        model = Account
        fields = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """By name, description, reference and vendor, or by the customer (name, email, company,
        phone), each from its own index. A reference is also matched as typed: the full-text
        parser splits "NF-2231" into "nf" and "-2231", which a search for 2231 would miss."""
        query = search_query(value)
        if query is None:
            return queryset
        return queryset.filter(
            Q(search_document=query) | folded_contains(value, "reference")
            | Q(customer__in=Contact.objects.filter(search_document=query).values("pk"))
        )

    def filter_category(self, queryset: QuerySet, name: str, value: list[int]) -> QuerySet:
        return queryset.filter(category_id__in=category_with_descendants(value))


class BankAccountFilter(django_filters.FilterSet):
    is_active = BooleanFilter(label=_("Active"))
    currency = CommaSeparatedChoiceFilter(choices=Currency.choices, label=_("Currency"))

    class Meta:
        model = BankAccount
        fields = []

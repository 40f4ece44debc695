"""The invoice list's filters, shared by the API (`?status=issued,overdue`) and the workspace page."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from modules.core.filters import CommaSeparatedChoiceFilter, CommaSeparatedIdFilter, StableOrderingFilter
from modules.core.money import Currency
from modules.core.search import fold, search_query
from modules.crm.models import Contact

from .models import Invoice, InvoiceStatus


class InvoiceFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label=_("Search"), help_text=_("The invoice's number or its customer's name."),
    )
    # The status as of today (selectors.status_expression): an issued invoice past its due date is overdue.
    status = CommaSeparatedChoiceFilter(field_name="current_status", choices=InvoiceStatus.choices, label=_("Status"))
    customer_id = CommaSeparatedIdFilter(field_name="customer_id", label=_("Customer"))
    issue_date_after = django_filters.DateFilter(field_name="issue_date", lookup_expr="gte", label=_("Issued from"))
    issue_date_before = django_filters.DateFilter(field_name="issue_date", lookup_expr="lte", label=_("Issued until"))
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("Due from"))
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("Due until"))
    currency = CommaSeparatedChoiceFilter(choices=Currency.choices, label=_("Currency"))
    ordering = StableOrderingFilter(
        fields=(
            ("issue_date", "issue_date"), ("due_date", "due_date"), ("total", "total"), ("number", "number"),
            ("created_at", "created_at"),
        ),
        label=_("Order by"),
    )

    class Meta:
        model = Invoice
        fields = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """By number as typed (`2025-01`, `inv-2025`) or by the customer (name, email, company),
        from the contacts' own index: accents and case aside either way."""
        text = fold(value.strip())
        if not text:
            return queryset
        by_number = Q(number__icontains=text)
        query = search_query(value)
        if query is None:
            return queryset.filter(by_number)
        return queryset.filter(by_number | Q(customer__in=Contact.objects.filter(search_document=query).values("pk")))

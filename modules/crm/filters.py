"""The CRM lists' filters, shared by the API (`?status=new,contacted`) and the workspace pages."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from modules.core.filters import (
    AmountFilter,
    BooleanFilter,
    CommaSeparatedChoiceFilter,
    CommaSeparatedIdFilter,
    DayFilter,
    IdFilter,
    IntegerFilter,
    StableOrderingFilter,
)
from modules.core.money import Currency
from modules.core.search import search_query

from . import selectors
from .models import Activity, ActivityType, Contact, Deal, Lead, LeadStatus, RelatedType, Source, Stage


class PersonFilter(django_filters.FilterSet):
    """What lead and contact lists share."""

    search = django_filters.CharFilter(method="filter_search", label=_("Search"))
    created_after = DayFilter(field_name="created_at", label=_("Created from"))
    created_before = DayFilter(field_name="created_at", end=True, label=_("Created until"))
    assigned_to = CommaSeparatedIdFilter(field_name="assigned_to_id", label=_("Assigned to"))
    tags = django_filters.CharFilter(method="filter_tags", label=_("Tags"))

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        query = search_query(value)
        return queryset if query is None else queryset.filter(search_document=query)

    def filter_tags(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """`tags=vip,retail`: records with any of them."""
        tags = [tag.strip() for tag in value.split(",") if tag.strip()]
        return queryset.filter(tags__overlap=tags) if tags else queryset


class LeadFilter(PersonFilter):
    status = CommaSeparatedChoiceFilter(choices=LeadStatus.choices, label=_("Status"))
    source = CommaSeparatedChoiceFilter(choices=Source.choices, label=_("Source"))
    score_min = IntegerFilter(
        field_name="score", lookup_expr="gte", min_value=0, max_value=100, label=_("Minimum score")
    )
    score_max = IntegerFilter(
        field_name="score", lookup_expr="lte", min_value=0, max_value=100, label=_("Maximum score")
    )
    ordering = StableOrderingFilter(
        fields=(("score", "score"), ("created_at", "created_at"), ("name", "name")), label=_("Order by")
    )

    class Meta:
        model = Lead
        fields = []


class ContactFilter(PersonFilter):
    ordering = StableOrderingFilter(fields=(("name", "name"), ("created_at", "created_at")), label=_("Order by"))

    class Meta:
        model = Contact
        fields = []


class DealFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search"))
    stage = CommaSeparatedChoiceFilter(choices=Stage.choices, label=_("Stage"))
    value_min = AmountFilter(field_name="value", lookup_expr="gte", label=_("Minimum value"))
    value_max = AmountFilter(field_name="value", lookup_expr="lte", label=_("Maximum value"))
    currency = CommaSeparatedChoiceFilter(choices=Currency.choices, label=_("Currency"))
    contact_id = CommaSeparatedIdFilter(field_name="contact_id", label=_("Contact"))
    assigned_to = CommaSeparatedIdFilter(field_name="assigned_to_id", label=_("Assigned to"))
    expected_close_after = django_filters.DateFilter(
        field_name="expected_close_date", lookup_expr="gte", label=_("Expected close from")
    )
    expected_close_before = django_filters.DateFilter(
        field_name="expected_close_date", lookup_expr="lte", label=_("Expected close until")
    )
    ordering = StableOrderingFilter(
        fields=(
            ("value", "value"), ("expected_close_date", "expected_close_date"), ("created_at", "created_at"),
            ("probability", "probability"), ("title", "title"),
        ),
        label=_("Order by"),
    )

    class Meta:
        model = Deal
        fields = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """By the deal's title or its contact (name, email, company, phone), each from its own index."""
        query = search_query(value)
        if query is None:
            return queryset
        return queryset.filter(
            Q(search_document=query) | Q(contact__in=Contact.objects.filter(search_document=query).values("pk"))
        )


class ActivityFilter(django_filters.FilterSet):
    type = CommaSeparatedChoiceFilter(choices=ActivityType.choices, label=_("Type"))
    completed = BooleanFilter(label=_("Completed"))
    due_after = DayFilter(field_name="due_date", label=_("Due from"))
    due_before = DayFilter(field_name="due_date", end=True, label=_("Due until"))
    related_to_type = django_filters.ChoiceFilter(
        choices=RelatedType.choices, method="filter_related", label=_("Related to")
    )
    related_to_id = IdFilter(method="filter_related", label=_("Related record"))
    assigned_to = CommaSeparatedIdFilter(field_name="assigned_to_id", label=_("Assigned to"))
    ordering = StableOrderingFilter(
        fields=(("due_date", "due_date"), ("created_at", "created_at")), label=_("Order by")
    )

    class Meta:
        model = Activity
        fields = []

    def filter_related(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """One record's activities (with its lead's, selectors.record_activities) when both are
        given; either alone filters by itself."""
        wanted = {key: self.form.cleaned_data.get(key) for key in ("related_to_type", "related_to_id")}
        if wanted["related_to_type"] and wanted["related_to_id"] is not None:
            if name == "related_to_id":
                return queryset  # the type's call applied both
            return queryset.filter(selectors.record_activities(wanted["related_to_type"], wanted["related_to_id"]))
        return queryset.filter(**{name: value})

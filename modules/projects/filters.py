"""The projects lists' filters, shared by the API (`?status=planning,in_progress`) and the pages."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from modules.core.filters import CommaSeparatedChoiceFilter, CommaSeparatedIdFilter, StableOrderingFilter
from modules.core.search import search_query
from modules.crm.models import Contact

from .models import Project, ProjectStatus, Task, TaskPriority, TaskStatus


class ProjectFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search"))
    status = CommaSeparatedChoiceFilter(choices=ProjectStatus.choices, label=_("Status"))
    customer_id = CommaSeparatedIdFilter(field_name="customer_id", label=_("Customer"))
    ordering = StableOrderingFilter(
        fields=(("start_date", "start_date"), ("end_date", "end_date"), ("name", "name"), ("created_at", "created_at")),
        label=_("Order by"),
    )

    class Meta:
        model = Project
        fields = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """By name, or by the customer (name, email, company), accents ignored."""
        query = search_query(value)
        if query is None:
            return queryset
        return queryset.filter(
            Q(search_document=query) | Q(customer__in=Contact.objects.filter(search_document=query).values("pk"))
        )


class TaskFilter(django_filters.FilterSet):
    project_id = CommaSeparatedIdFilter(field_name="project_id", label=_("Project"))
    status = CommaSeparatedChoiceFilter(choices=TaskStatus.choices, label=_("Status"))
    priority = CommaSeparatedChoiceFilter(choices=TaskPriority.choices, label=_("Priority"))
    assigned_to = CommaSeparatedIdFilter(field_name="assigned_to_id", label=_("Assigned to"))
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("Due until"))
    ordering = StableOrderingFilter(
        fields=(("due_date", "due_date"), ("position", "position"), ("created_at", "created_at")),
        label=_("Order by"),
    )

    class Meta:
        model = Task
        fields = []

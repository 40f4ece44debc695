"""The inventory lists' filters, shared by the API (`?low_stock=true`) and the workspace pages."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from modules.core.filters import (
    BooleanFilter,
    CommaSeparatedChoiceFilter,
    CommaSeparatedIdFilter,
    DayFilter,
    StableOrderingFilter,
)
from modules.core.search import folded_contains

from .models import CountStatus, InventoryCount, MovementReason, MovementType, Product, StockMovement
from .selectors import low_stock_filter


class ProductFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label=_("Search"), help_text=_("SKU, name or barcode; accents and case aside."),
    )
    category = django_filters.CharFilter(field_name="category", lookup_expr="iexact", label=_("Category"))
    is_active = BooleanFilter(label=_("Active"))
    low_stock = BooleanFilter(
        method="filter_low_stock", label=_("Low stock"), help_text=_("Active products below their minimum stock."),
    )
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("sku", "sku"), ("stock", "stock"), ("sale_price", "sale_price"),
                ("created_at", "created_at")),
        label=_("Order by"),
    )

    class Meta:
        model = Product
        fields = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        return queryset.filter(folded_contains(value, "sku", "name", "barcode"))

    def filter_low_stock(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if value is None:
            return queryset
        low = low_stock_filter(queryset)
        return low if value else queryset.exclude(pk__in=low.values("pk"))


class MovementFilter(django_filters.FilterSet):
    product_id = CommaSeparatedIdFilter(field_name="product_id", label=_("Product"))
    type = django_filters.ChoiceFilter(choices=MovementType.choices, label=_("Type"))
    reason = CommaSeparatedChoiceFilter(choices=MovementReason.choices, label=_("Reason"))
    created_after = DayFilter(field_name="created_at", label=_("Created from"))
    created_before = DayFilter(field_name="created_at", end=True, label=_("Created until"))

    class Meta:
        model = StockMovement
        fields = []


class CountFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CountStatus.choices, label=_("Status"))

    class Meta:
        model = InventoryCount
        fields = []

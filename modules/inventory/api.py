"""/api/v1/inventory/: products (and their low stock), the stock ledger (movements) and counts.
Parse, call a service, serialize.

Records are written out over the payload builders of events.py plus what depends on the reader:
prices formatted in the reader's locale, whether a product is low. The read serializers declare
those fields for the OpenAPI schema and hand the work to the functions below.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from modules.core import serializers as input_serializers
from modules.core.api import ServiceViewSet, UserRefSerializer
from modules.core.formats import amount_json, number_json
from modules.core.money import format_money
from modules.tenancy.plans import Feature

from . import access, events, selectors, services
from .filters import CountFilter, MovementFilter, ProductFilter
from .models import (
    STOCK_MAX,
    InventoryCount,
    InventoryCountItem,
    MovementReason,
    MovementType,
    Product,
    StockMovement,
    Unit,
)

QUANTITY_MAX = Decimal(STOCK_MAX)

# --- Reading -------------------------------------------------------------------------------------


def product_representation(product: Product) -> dict:
    payload = events.product_json(product)
    currency = payload["currency"]
    return {
        **payload,
        "formatted": {field: format_money(getattr(product, field), currency) for field in ("cost_price", "sale_price")},
        "stock_value": amount_json(product.stock * product.average_cost, currency),
        "is_low": product.is_active and product.is_low,
    }


def movement_representation(movement: StockMovement) -> dict:
    payload = events.movement_json(movement)
    return {**payload, "product": product_representation(movement.product)}


def count_item_representation(item: InventoryCountItem) -> dict:
    return {**events.count_item_json(item), "product": product_representation(item.product)}


def count_representation(count: InventoryCount) -> dict:
    return {
        **events.count_json(count),
        "items": [count_item_representation(item) for item in count.items.all()],
    }


def _number(**kwargs) -> serializers.FloatField:
    return serializers.FloatField(read_only=True, **kwargs)


class ProductSerializer(serializers.ModelSerializer):
    stock = _number(help_text="Read-only: only movements change it.")
    min_stock = _number()
    max_stock = _number(allow_null=True)
    average_cost = serializers.CharField(read_only=True, help_text="The weighted average cost of what is in stock.")
    currency = serializers.CharField(read_only=True, help_text="The company's currency, which prices are in.")
    formatted = inline_serializer("ProductFormattedPrices", {
        "cost_price": serializers.CharField(), "sale_price": serializers.CharField(),
    }, help_text="The prices written for the request's locale.")
    stock_value = serializers.CharField(read_only=True, help_text="Stock × average cost.")
    is_low = serializers.BooleanField(read_only=True, help_text="Active and below its minimum stock.")

    class Meta:
        model = Product
        fields = [
            "id", "sku", "name", "description", "category", "unit", "cost_price", "sale_price", "average_cost",
            "currency", "barcode", "stock", "min_stock", "max_stock", "is_active", "ncm", "sat_product_code",
            "sat_unit_code", "formatted", "stock_value", "is_low", "created_at", "updated_at",
        ]

    def to_representation(self, instance: Product) -> dict:
        return product_representation(instance)


class MovementSerializer(serializers.ModelSerializer):
    product = ProductSerializer(read_only=True)
    product_id = serializers.IntegerField(read_only=True)
    quantity = _number()
    unit_cost = serializers.CharField(read_only=True)
    stock_after = _number(help_text="The product's stock once this movement was written.")
    reference = serializers.CharField(read_only=True, allow_null=True)
    invoice_id = serializers.IntegerField(read_only=True, allow_null=True)
    created_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = StockMovement
        fields = [
            "id", "product_id", "product", "type", "quantity", "reason", "reference", "unit_cost", "stock_after",
            "invoice_id", "created_at", "created_by",
        ]

    def to_representation(self, instance: StockMovement) -> dict:
        return movement_representation(instance)


class CountItemSerializer(serializers.ModelSerializer):
    product_id = serializers.IntegerField(read_only=True)
    product = ProductSerializer(read_only=True)
    expected_quantity = _number(help_text="The books' stock when the product was first counted.")
    actual_quantity = _number()
    difference = _number(help_text="actual_quantity − expected_quantity.")

    class Meta:
        model = InventoryCountItem
        fields = ["id", "product_id", "product", "expected_quantity", "actual_quantity", "difference"]

    def to_representation(self, instance: InventoryCountItem) -> dict:
        return count_item_representation(instance)


class CountSerializer(serializers.ModelSerializer):
    items = CountItemSerializer(many=True, read_only=True)

    class Meta:
        model = InventoryCount
        fields = ["id", "date", "status", "notes", "completed_at", "items"]

    def to_representation(self, instance: InventoryCount) -> dict:
        return count_representation(instance)


LOW_STOCK_ANSWER = inline_serializer("LowStockProduct", many=True, fields={
    "product": ProductSerializer(),
    "current_stock": serializers.FloatField(),
    "min_stock": serializers.FloatField(),
    "suggested_order": serializers.FloatField(
        help_text="Up to the maximum stock; without one, up to twice the minimum stock."
    ),
})


# --- Writing -------------------------------------------------------------------------------------


def _quantity(**kwargs) -> input_serializers.NumberField:
    return input_serializers.NumberField(max_digits=18, decimal_places=6, max_value=QUANTITY_MAX, **kwargs)


def _price(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0), **kwargs)


class ProductWriteSerializer(input_serializers.Serializer):
    sku = serializers.CharField(max_length=64, help_text="Unique in the workspace, case aside.")
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    category = serializers.CharField(required=False, allow_blank=True, max_length=100)
    unit = serializers.ChoiceField(choices=Unit.choices, required=False)
    cost_price = _price(required=False)
    sale_price = _price(required=False)
    barcode = serializers.CharField(
        required=False, allow_blank=True, max_length=14,
        help_text="EAN-13, UPC-A, EAN-8 or GTIN-14, check digit included.",
    )
    min_stock = _quantity(min_value=Decimal(0), required=False)
    max_stock = _quantity(min_value=Decimal(0), required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
    ncm = serializers.CharField(required=False, allow_blank=True, max_length=10, help_text="Brazil: 8 digits.")
    sat_product_code = serializers.CharField(
        required=False, allow_blank=True, max_length=8, help_text="Mexico's ClaveProdServ: 8 digits."
    )
    sat_unit_code = serializers.CharField(
        required=False, allow_blank=True, max_length=3, help_text="Mexico's ClaveUnidad: H87, KGM, LTR, MTR."
    )

    def validate(self, attrs: dict) -> dict:
        if isinstance(self.initial_data, dict) and "stock" in self.initial_data:
            raise serializers.ValidationError({"stock": [_("The stock changes only through stock movements.")]})
        return attrs


class MovementWriteSerializer(input_serializers.Serializer):
    product_id = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), source="product")
    type = serializers.ChoiceField(choices=MovementType.choices)
    quantity = _quantity(min_value=Decimal("0.000001"), help_text="Greater than zero; whole for products in units.")
    reason = serializers.ChoiceField(
        choices=MovementReason.choices, help_text="A purchase comes in, a sale goes out; the others go either way."
    )
    reference = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="A document it follows: an invoice's number."
    )
    unit_cost = serializers.DecimalField(
        max_digits=22, decimal_places=10, min_value=Decimal(0), required=False,
        help_text="For an `in`: what one unit cost (by default the cost price for a purchase, else the average cost).",
    )

    def validate(self, attrs: dict) -> dict:
        if "unit_cost" in attrs and attrs["type"] != MovementType.IN:
            raise serializers.ValidationError({"unit_cost": [_("Only stock coming in has a unit cost.")]})
        return attrs


class CountWriteSerializer(input_serializers.Serializer):
    date = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class CountItemWriteSerializer(input_serializers.Serializer):
    product_id = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), source="product")
    actual_quantity = _quantity(min_value=Decimal(0), help_text="What was found on the shelves.")


# --- Views ---------------------------------------------------------------------------------------


@extend_schema(tags=["Inventory: products"])
@extend_schema_view(
    create=extend_schema(description="A product with no stock: stock comes in by movements."),
    partial_update=extend_schema(description="Its own fields; `stock` is refused (movements change it)."),
    destroy=extend_schema(description="Only a product with no movements, invoice lines or counts."),
)
class ProductViewSet(ServiceViewSet):
    feature = Feature.INVENTORY
    serializer_class = ProductSerializer
    write_serializer_class = ProductWriteSerializer
    filterset_class = ProductFilter
    queryset = Product.objects.none()
    access_record = staticmethod(access.access_product)

    def get_queryset(self):
        return selectors.product_list()

    def create_record(self, data):
        return services.product_create(actor=self.request.user, **data)

    def update_record(self, product, data):
        return services.product_update(actor=self.request.user, product=product, changes=data)

    def delete_record(self, product):
        services.product_delete(actor=self.request.user, product=product)

    @extend_schema(responses=LOW_STOCK_ANSWER, filters=False)
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def low_stock(self, request: Request) -> Response:
        """Active products below their minimum stock, with how much to order: up to the maximum stock,
        or twice the minimum when there is no maximum."""
        return Response([
            {
                "product": product_representation(product),
                "current_stock": number_json(product.stock),
                "min_stock": number_json(product.min_stock),
                "suggested_order": number_json(selectors.suggested_order(product)),
            }
            for product in selectors.low_stock_list()
        ])


@extend_schema(tags=["Inventory: stock movements"])
@extend_schema_view(
    create=extend_schema(description="Moves the product's stock; an `out` beyond the stock is refused (400)."),
)
class MovementViewSet(ServiceViewSet):
    """The ledger: written by POST, never changed or deleted."""

    feature = Feature.INVENTORY
    serializer_class = MovementSerializer
    write_serializer_class = MovementWriteSerializer
    filterset_class = MovementFilter
    queryset = StockMovement.objects.none()
    access_record = staticmethod(access.access_movement)
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.movement_list()

    def create_record(self, data):
        return services.stock_move(actor=self.request.user, **data)


@extend_schema(tags=["Inventory: counts"])
class CountViewSet(ServiceViewSet):
    """Physical counts: products counted one by one, then `complete/` adjusts the stock."""

    feature = Feature.INVENTORY
    serializer_class = CountSerializer
    write_serializer_class = CountWriteSerializer
    filterset_class = CountFilter
    queryset = InventoryCount.objects.none()
    access_record = staticmethod(access.access_count)
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.count_list()

    def create_record(self, data):
        return services.count_create(actor=self.request.user, **data)

    def delete_record(self, count):
        services.count_delete(actor=self.request.user, count=count)

    def answer(self, record, *args, **kwargs):
        return super().answer(selectors.count_list().get(pk=record.pk), *args, **kwargs)

    @extend_schema(request=CountItemWriteSerializer, responses={200: CountItemSerializer, 201: CountItemSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request: Request, pk=None) -> Response:
        """What was found of a product: 201 the first time it is counted (its books' stock is kept as
        `expected_quantity`), 200 when it is counted again."""
        count = self.access(for_write=True)
        data = self.validated(CountItemWriteSerializer)
        before = count.items.filter(product=data["product"]).exists()
        item = services.count_item_set(actor=request.user, count=count, **data)
        return Response(
            count_item_representation(item), status=status.HTTP_200_OK if before else status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=CountSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk=None) -> Response:
        """One `adjustment` movement per difference, all or none; a completed count takes nothing more."""
        return self.answer(services.count_complete(actor=request.user, count=self.access(for_write=True)))


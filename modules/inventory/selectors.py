"""Inventory's reads: the lists the API and the pages share, low stock and what to reorder."""

from decimal import Decimal

from django.db.models import Count, F, Prefetch, QuerySet, Sum

from .events import company_currency
from .models import InventoryCount, InventoryCountItem, Product, StockMovement

# Without a maximum stock, a low product is reordered up to twice its minimum.
REORDER_MULTIPLE_OF_MIN = 2


def product_list() -> QuerySet[Product]:
    return Product.objects.all()


def low_stock_filter(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Active products whose stock is below their minimum (a minimum of 0 is never low)."""
    return queryset.filter(is_active=True, stock__lt=F("min_stock"))


def low_stock_list() -> QuerySet[Product]:
    return low_stock_filter(product_list()).order_by("name", "id")


def suggested_order(product: Product) -> Decimal:
    """How much to order: up to the maximum stock, or to twice the minimum when there is no
    maximum; never less than what brings it back to its minimum."""
    target = product.max_stock if product.max_stock is not None else product.min_stock * REORDER_MULTIPLE_OF_MIN
    return max(target, product.min_stock) - product.stock


def movement_list() -> QuerySet[StockMovement]:
    return StockMovement.objects.select_related("product", "created_by")


def count_list() -> QuerySet[InventoryCount]:
    items = InventoryCountItem.objects.select_related("product").order_by("id")
    return InventoryCount.objects.prefetch_related(Prefetch("items", queryset=items))


def count_items(count: InventoryCount) -> list[InventoryCountItem]:
    return list(count.items.select_related("product").order_by("-updated_at", "-id"))


def product_by_code(code: str) -> Product | None:
    """The product a scanner or a person names: its barcode, else its SKU (any case)."""
    code = code.strip()
    if not code:
        return None
    return Product.objects.filter(barcode=code).first() or Product.objects.filter(sku__iexact=code).first()


def dashboard_figures(*, user) -> dict:
    """The dashboard panel: how many active products, how many are low, and what the stock is worth."""
    figures = product_list().filter(is_active=True).aggregate(
        products=Count("pk"), value=Sum(F("stock") * F("average_cost"), default=Decimal(0)),
    )
    return {**figures, "low": low_stock_filter(product_list()).count(), "currency": company_currency()}

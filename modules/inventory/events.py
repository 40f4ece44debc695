"""Inventory's domain events and their payloads (the records as the API shows them, minus what
depends on the reader). Services record them in the transaction that made the change.

`stock.moved` and `stock.low` are about a product's stock: their `id` is the product's, so
the outbox numbers them in the order the product's row lock let them happen.
"""

from decimal import Decimal

from django.db import connection

from modules.core.formats import amount_json, iso_date, iso_datetime, number_json, unit_price_json, user_json
from modules.tenancy.selectors import tenant_currency

from .models import InventoryCount, InventoryCountItem, Product, StockMovement

PRODUCT_CREATED = "product.created"
PRODUCT_UPDATED = "product.updated"
PRODUCT_DELETED = "product.deleted"
STOCK_MOVED = "stock.moved"
STOCK_LOW = "stock.low"  # a movement took the stock below the product's minimum
COUNT_CREATED = "inventory_count.created"
COUNT_COMPLETED = "inventory_count.completed"
COUNT_DELETED = "inventory_count.deleted"

# An average cost is shown to four decimals (it is kept to ten).
_COST_DIGITS = Decimal("0.0001")


def company_currency() -> str:
    """Prices and costs are in the company's currency."""
    return tenant_currency(connection.tenant)


def product_json(product: Product, currency: str | None = None) -> dict:
    currency = currency or company_currency()
    return {
        "id": product.pk,
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "category": product.category,
        "unit": product.unit,
        "cost_price": amount_json(product.cost_price, currency),
        "sale_price": amount_json(product.sale_price, currency),
        "average_cost": unit_price_json(product.average_cost.quantize(_COST_DIGITS), currency),
        "currency": currency,
        "barcode": product.barcode,
        "stock": number_json(product.stock),
        "min_stock": number_json(product.min_stock),
        "max_stock": None if product.max_stock is None else number_json(product.max_stock),
        "is_active": product.is_active,
        "ncm": product.ncm,
        "sat_product_code": product.sat_product_code,
        "sat_unit_code": product.sat_unit_code,
        "created_at": iso_datetime(product.created_at),
        "updated_at": iso_datetime(product.updated_at),
    }


def movement_json(movement: StockMovement, currency: str | None = None) -> dict:
    currency = currency or company_currency()
    return {
        "id": movement.pk,
        "product_id": movement.product_id,
        "type": movement.type,
        "quantity": number_json(movement.quantity),
        "reason": movement.reason,
        "reference": movement.reference or None,
        "unit_cost": unit_price_json(movement.unit_cost.quantize(_COST_DIGITS), currency),
        "stock_after": number_json(movement.stock_after),
        "invoice_id": movement.invoice_id,
        "created_at": iso_datetime(movement.created_at),
        "created_by": user_json(movement.created_by),
    }


def stock_moved_json(movement: StockMovement, product: Product) -> dict:
    return {
        "id": product.pk,
        "sku": product.sku,
        "stock": number_json(product.stock),
        "movement": movement_json(movement),
    }


def stock_low_json(product: Product) -> dict:
    return {
        "id": product.pk,
        "sku": product.sku,
        "name": product.name,
        "stock": number_json(product.stock),
        "min_stock": number_json(product.min_stock),
    }


def count_item_json(item: InventoryCountItem) -> dict:
    return {
        "id": item.pk,
        "product_id": item.product_id,
        "expected_quantity": number_json(item.expected_quantity),
        "actual_quantity": number_json(item.actual_quantity),
        "difference": number_json(item.difference),
    }


def count_json(count: InventoryCount, items: list[InventoryCountItem] | None = None) -> dict:
    payload = {
        "id": count.pk,
        "date": iso_date(count.date),
        "status": count.status,
        "notes": count.notes,
        "completed_at": iso_datetime(count.completed_at),
    }
    if items is not None:
        payload["items"] = [count_item_json(item) for item in items]
    return payload

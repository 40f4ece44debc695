"""Inventory tables: products, the stock ledger (movements) and inventory counts.

A product's `stock` and `average_cost` are written only by the movement services
(services.stock_move), under the product's row lock, in the transaction that writes the
ledger row: the sum of a product's movements is always its stock. Counts (`InventoryCount`)
snapshot what the books expected when each product is counted, and completing one writes one
`adjustment` movement per difference.

Prices and costs are in the company's currency (tenancy's `tenant_currency`); quantities keep
six decimals (kilograms, litres, metres), whole units for `un`.
"""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from modules.core.models import user_link
from modules.core.money import AmountField, QuantityField, UnitPriceField

# Costs keep a price's twelve whole digits (AmountField) and ten decimals (UnitPriceField).
COST_DIGITS = 22
# The most a product's stock can hold: a quantity's twelve whole digits (QuantityField).
STOCK_MAX = 10**12 - 1


class Unit(models.TextChoices):
    UNIT = "un", _("Unit")
    KILOGRAM = "kg", _("Kilogram")
    LITRE = "l", _("Litre")
    METRE = "m", _("Metre")


class MovementType(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class MovementReason(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    SALE = "sale", _("Sale")
    ADJUSTMENT = "adjustment", _("Adjustment")
    RETURN = "return", _("Return")
    TRANSFER = "transfer", _("Transfer")


class CountStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=2, choices=Unit.choices, default=Unit.UNIT)
    cost_price = AmountField(_("cost price"), default=0)
    sale_price = AmountField(_("sale price"), default=0)
    # EAN-13, EAN-8, UPC-A or GTIN-14, check digit verified (services.barcode_check).
    barcode = models.CharField(_("barcode"), max_length=14, blank=True)
    # Written by the movements only.
    stock = QuantityField(_("stock"), default=0)
    # The weighted average cost of what is in stock, kept by the `in` movements (as many whole
    # digits as a price, ten decimals).
    average_cost = UnitPriceField(_("average cost"), max_digits=COST_DIGITS, default=0)
    min_stock = QuantityField(_("minimum stock"), default=0)
    max_stock = QuantityField(_("maximum stock"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # What invoices need: Brazil's NCM (8 digits), Mexico's ClaveProdServ (8) and ClaveUnidad (H87, KGM).
    ncm = models.CharField(_("NCM"), max_length=8, blank=True)
    sat_product_code = models.CharField(_("SAT product code"), max_length=8, blank=True)
    sat_unit_code = models.CharField(_("SAT unit code"), max_length=3, blank=True)
    created_by = user_link()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # "abc-1" and "ABC-1" are one SKU.
            models.UniqueConstraint(Lower("sku"), name="inventory_product_sku_unique"),
            models.UniqueConstraint(
                fields=["barcode"], condition=~Q(barcode=""), name="inventory_product_barcode_unique"
            ),
            models.CheckConstraint(condition=Q(stock__gte=0), name="inventory_product_stock_not_negative"),
            models.CheckConstraint(condition=Q(cost_price__gte=0), name="inventory_product_cost_not_negative"),
            models.CheckConstraint(condition=Q(sale_price__gte=0), name="inventory_product_price_not_negative"),
            models.CheckConstraint(condition=Q(min_stock__gte=0), name="inventory_product_min_not_negative"),
            models.CheckConstraint(
                condition=Q(max_stock__isnull=True) | Q(max_stock__gte=F("min_stock")),
                name="inventory_product_max_not_below_min",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "name"], name="inventory_product_category_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} · {self.name}"

    @property
    def is_low(self) -> bool:
        return self.stock < self.min_stock


class StockMovement(models.Model):
    """One line of the ledger; never changed or deleted once written."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="movements")
    type = models.CharField(_("type"), max_length=3, choices=MovementType.choices)
    quantity = QuantityField(_("quantity"))
    reason = models.CharField(_("reason"), max_length=16, choices=MovementReason.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    # The cost of one unit that came in (`in`), or the average cost it left at (`out`).
    unit_cost = UnitPriceField(_("unit cost"), max_digits=COST_DIGITS, default=0)
    stock_after = QuantityField(_("stock after"))
    # The invoice whose issue took these units out (and whose cancellation returns them).
    invoice = models.ForeignKey(
        "invoicing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="stock_movements"
    )
    created_by = user_link()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_movement_quantity_positive"),
        ]
        indexes = [
            models.Index(fields=["product", "-created_at"], name="inventory_movement_product_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.quantity} {self.product_id}"


class InventoryCount(models.Model):
    """A physical count (the spec's `Inventory`): the shelves counted, product by product."""

    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=16, choices=CountStatus.choices, default=CountStatus.IN_PROGRESS
    )
    notes = models.TextField(_("notes"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = user_link()
    created_by = user_link()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} ({self.status})"


class InventoryCountItem(models.Model):
    count = models.ForeignKey(InventoryCount, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    # The books' stock when the product was first counted, kept as it was.
    expected_quantity = QuantityField(_("expected quantity"))
    actual_quantity = QuantityField(_("actual quantity"))
    counted_by = user_link()
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["count", "product"], name="inventory_count_item_unique"),
            models.CheckConstraint(condition=Q(actual_quantity__gte=0), name="inventory_count_item_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.actual_quantity}"

    @property
    def difference(self):
        return self.actual_quantity - self.expected_quantity

"""The inventory lists, on the kit's RecordTable (core/tables.py)."""

import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from modules.core.money import format_money
from modules.core.tables import RecordTable, record_link

from .events import company_currency
from .models import InventoryCount, MovementType, Product, StockMovement
from .services import quantity_text


def stock_badge(product: Product) -> str:
    """Out of stock, low (below the minimum) or in stock, with the quantity and its unit."""
    text = f"{quantity_text(product.stock)} {product.unit}"
    if product.stock <= 0:
        kind, label = "badge-danger", _("Out of stock")
    elif product.is_low:
        kind, label = "badge-warn", _("Low")
    else:
        kind, label = "badge-ok", _("In stock")
    return format_html('<span class="badge {}" data-stock="{}">{} · {}</span>', kind, product.stock, label, text)


class ProductTable(RecordTable):
    sku = tables.Column(verbose_name=_("SKU"), order_by=("sku", "id"))
    name = tables.Column(verbose_name=_("Name"), order_by=("name", "id"))
    category = tables.Column(verbose_name=_("Category"), orderable=False, empty_values=())
    stock = tables.Column(verbose_name=_("Stock"), order_by=("stock", "id"))
    min_stock = tables.Column(verbose_name=_("Minimum"), orderable=False, attrs={"td": {"class": "numeric"}})
    sale_price = tables.Column(verbose_name=_("Sale price"), order_by=("sale_price", "id"),
                               attrs={"td": {"class": "numeric"}})

    class Meta(RecordTable.Meta):
        model = Product
        sequence = ("sku", "name", "category", "stock", "min_stock", "sale_price")
        order_by = ("name",)
        row_attrs = {"id": lambda record: f"product-{record.pk}"}

    def render_name(self, record: Product) -> str:
        link = record_link("inventory:product", record, record.name)
        return link if record.is_active else format_html('{} <span class="badge badge-muted">{}</span>', link,
                                                          _("Inactive"))

    def render_category(self, record: Product) -> str:
        return record.category or "—"

    def render_stock(self, record: Product) -> str:
        return stock_badge(record)

    def render_min_stock(self, record: Product) -> str:
        return quantity_text(record.min_stock)

    def render_sale_price(self, record: Product) -> str:
        return format_money(record.sale_price, company_currency())


class MovementTable(RecordTable):
    created_at = tables.DateTimeColumn(verbose_name=_("When"), short=True, orderable=False)
    product = tables.Column(verbose_name=_("Product"), orderable=False)
    type = tables.Column(verbose_name=_("Type"), orderable=False)
    reason = tables.Column(verbose_name=_("Reason"), orderable=False)
    quantity = tables.Column(verbose_name=_("Quantity"), orderable=False, attrs={"td": {"class": "numeric"}})
    stock_after = tables.Column(verbose_name=_("Stock after"), orderable=False, attrs={"td": {"class": "numeric"}})
    reference = tables.Column(verbose_name=_("Reference"), orderable=False, empty_values=())
    created_by = tables.Column(verbose_name=_("By"), orderable=False, empty_values=())

    class Meta(RecordTable.Meta):
        model = StockMovement
        sequence = ("created_at", "product", "type", "reason", "quantity", "stock_after", "reference", "created_by")
        row_attrs = {"id": lambda record: f"movement-{record.pk}"}

    def render_product(self, record: StockMovement) -> str:
        return record_link("inventory:product", record.product, record.product)

    def render_type(self, record: StockMovement) -> str:
        kind = "badge-ok" if record.type == MovementType.IN else "badge-primary"
        return format_html('<span class="badge {}">{}</span>', kind, record.get_type_display())

    def render_reason(self, record: StockMovement) -> str:
        return record.get_reason_display()

    def render_quantity(self, record: StockMovement) -> str:
        sign = "+" if record.type == MovementType.IN else "−"
        return f"{sign}{quantity_text(record.quantity)}"

    def render_stock_after(self, record: StockMovement) -> str:
        return quantity_text(record.stock_after)

    def render_reference(self, record: StockMovement) -> str:
        return record.reference or "—"

    def render_created_by(self, record: StockMovement) -> str:
        return record.created_by.name if record.created_by_id and record.created_by else "—"


class CountTable(RecordTable):
    date = tables.Column(verbose_name=_("Date"), orderable=False)
    status = tables.Column(verbose_name=_("Status"), orderable=False)
    counted = tables.Column(verbose_name=_("Products counted"), accessor="pk", orderable=False,
                            attrs={"td": {"class": "numeric"}})

    class Meta(RecordTable.Meta):
        model = InventoryCount
        sequence = ("date", "status", "counted")
        row_attrs = {"id": lambda record: f"count-{record.pk}"}

    def render_date(self, record: InventoryCount) -> str:
        return record_link("inventory:count", record, date_format(record.date, "SHORT_DATE_FORMAT"))

    def render_status(self, record: InventoryCount) -> str:
        kind = "badge-ok" if record.status == "completed" else "badge-primary"
        return format_html('<span class="badge {}">{}</span>', kind, record.get_status_display())

    def render_counted(self, record: InventoryCount) -> str:
        return str(len(record.items.all()))

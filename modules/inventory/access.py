"""Who may see or change which inventory record: core/access.py's rule. Products and counts have
no assignee, so every member changes them (the stock itself only through movements); deleting
one is for managers, admins and whoever created it. Movements are the ledger: read, never changed."""

from modules.core.access import record_access

from .models import InventoryCount, Product, StockMovement


def access_product(actor, product_id, *, for_write: bool = False, for_delete: bool = False) -> Product:
    return record_access(actor, Product.objects.all(), product_id, for_write=for_write, for_delete=for_delete)


def access_movement(actor, movement_id, *, for_write: bool = False, for_delete: bool = False) -> StockMovement:
    queryset = StockMovement.objects.select_related("product", "created_by")
    return record_access(actor, queryset, movement_id, for_write=False, for_delete=False)


def access_count(actor, count_id, *, for_write: bool = False, for_delete: bool = False) -> InventoryCount:
    return record_access(actor, InventoryCount.objects.all(), count_id, for_write=for_write, for_delete=for_delete)

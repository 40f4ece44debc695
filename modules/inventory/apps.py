from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from modules.tenancy.plans import Feature
from modules.workspace.registry import ApiRoute, ModuleDescriptor, SidebarEntry


class InventoryConfig(AppConfig):
    name = "modules.inventory"
    label = "inventory"
    descriptor = ModuleDescriptor(
        key="inventory",
        feature=Feature.INVENTORY,
        sidebar=SidebarEntry(
            _("Inventory"),
            "cube",
            _("Know what is on your shelves and what to reorder before it runs out."),
            (
                _("Manage products with SKUs, barcodes, cost and sale prices"),
                _("Record stock movements and inventory counts"),
                _("Get low-stock alerts"),
            ),
        ),
        urls="modules.inventory.urls",
        api_routes=(
            ApiRoute("inventory/products", "modules.inventory.api.ProductViewSet", "inventory-product"),
            ApiRoute("inventory/movements", "modules.inventory.api.MovementViewSet", "inventory-movement"),
            ApiRoute("inventory/inventories", "modules.inventory.api.CountViewSet", "inventory-count"),
        ),
        demo="modules.inventory.demo.inventory_demo_load",
        enum_names={
            "ProductUnitEnum": "modules.inventory.models.Unit",
            "StockMovementTypeEnum": "modules.inventory.models.MovementType",
            "StockMovementReasonEnum": "modules.inventory.models.MovementReason",
            "InventoryCountStatusEnum": "modules.inventory.models.CountStatus",
        },
        dashboard="modules.inventory.selectors.dashboard_figures",
    )

    def ready(self) -> None:
        from modules.invoicing.lifecycle import invoice_cancel_hook_register, invoice_issue_hook_register

        from .services import invoice_stock_return, invoice_stock_take

        # An issued invoice's product lines take their stock out; cancelling it brings it back.
        invoice_issue_hook_register(invoice_stock_take)
        invoice_cancel_hook_register(invoice_stock_return)

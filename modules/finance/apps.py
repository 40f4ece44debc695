from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from modules.tenancy.plans import Feature
from modules.workspace.registry import ApiRoute, ModuleDescriptor, SidebarEntry


class FinanceConfig(AppConfig):
    name = "modules.finance"
    label = "finance"
    descriptor = ModuleDescriptor(
        key="finance",
        feature=Feature.FINANCE,
        sidebar=SidebarEntry(
            _("Finance"),
            "banknotes",
            _("Know what you owe, what you are owed and what your cash will look like next month."),
            (
                _("Track payables and receivables with due dates"),
                _("Import bank statements (OFX, CSV) and reconcile them"),
                _("See your cash flow by day, week and month"),
            ),
        ),
        urls="modules.finance.urls",
        api_routes=(
            ApiRoute("finance/cash-flow", "modules.finance.api_cashflow.CashFlowViewSet", "finance-cash-flow"),
            # First of the routes at finance/transactions: a viewset with a detail route there
            # (`{id}/`) would otherwise take `auto_reconcile/` for an id.
            ApiRoute(
                "finance/transactions", "modules.finance.api_reconciliation.ReconciliationViewSet",
                "finance-reconciliation",
            ),
        ),
        enum_names={
            "AccountTypeEnum": "modules.finance.models.AccountType",
            "AccountStatusEnum": "modules.finance.models.AccountStatus",
            "PaymentMethodEnum": "modules.finance.models.PaymentMethod",
            "TransactionTypeEnum": "modules.finance.models.TransactionType",
        },
        # Each part adds its routes, beat entries, demo loader and enum names as it lands.
    )

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (the services queue them by name: registered in every process)

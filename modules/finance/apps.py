from celery.schedules import crontab
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
        # Each part adds its routes, beat entries, demo loader and enum names as it lands.
        api_routes=(
            ApiRoute("finance/cash-flow", "modules.finance.api_cashflow.CashFlowViewSet", "finance-cash-flow"),
            # First of the routes at finance/transactions: a viewset with a detail route there
            # (`{id}/`) would otherwise take `auto_reconcile/` for an id.
            ApiRoute(
                "finance/transactions", "modules.finance.api_reconciliation.ReconciliationViewSet",
                "finance-reconciliation",
            ),
            ApiRoute(
                "finance/transactions", "modules.finance.api_transactions.TransactionViewSet", "finance-transaction"
            ),
            ApiRoute("finance/bank-feeds", "modules.finance.api_feeds.BankFeedViewSet", "finance-bank-feed"),
            ApiRoute("finance/accounts", "modules.finance.api.AccountViewSet", "finance-account"),
            ApiRoute("finance/categories", "modules.finance.api.CategoryViewSet", "finance-category"),
            ApiRoute("finance/bank-accounts", "modules.finance.api.BankAccountViewSet", "finance-bank-account"),
        ),
        beat={
            # Every connected bank account's new lines, a few times a day (banks post overnight and at noon).
            "finance-bank-feeds-sync": {
                "task": "finance.bank_feeds_sync_all", "schedule": crontab(minute=20, hour="*/4"),
            },
            # Hourly: each workspace's midnight comes at its own hour.
            "finance-accounts-overdue": {"task": "finance.accounts_mark_overdue_all", "schedule": crontab(minute=5)},
        },
        demo="modules.finance.demo.finance_demo_load",
        enum_names={
            "AccountTypeEnum": "modules.finance.models.AccountType",
            "AccountStatusEnum": "modules.finance.models.AccountStatus",
            "CategoryTypeEnum": "modules.finance.models.CategoryType",
            "PaymentMethodEnum": "modules.finance.models.PaymentMethod",
            "TransactionTypeEnum": "modules.finance.models.TransactionType",
            "TransactionSourceEnum": "modules.finance.models.TransactionSource",
            "BankFeedStatusEnum": "modules.finance.api_feeds.FeedStatus",
            "BankFeedProviderEnum": "modules.finance.feeds.base.FeedProvider",
        },
        dashboard="modules.finance.selectors.dashboard_figures",
    )

    def ready(self) -> None:
        from modules.core.references import referrer_register
        from modules.crm.models import Contact

        from . import tasks  # noqa: F401  (the services queue them by name: registered in every process)
        from .services import contact_accounts_count, contact_accounts_refusal

        # A CRM contact that is the customer of payables or receivables stays while they do.
        referrer_register(Contact, "finance.accounts", count=contact_accounts_count, message=contact_accounts_refusal)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from modules.tenancy.plans import Feature
from modules.workspace.registry import ApiRoute, ModuleDescriptor, SidebarEntry


class AnalyticsConfig(AppConfig):
    name = "modules.analytics"
    label = "analytics"
    descriptor = ModuleDescriptor(
        key="analytics",
        feature=Feature.ANALYTICS,
        sidebar=SidebarEntry(
            _("Analytics & reports"),
            "chart-bar",
            _("See how the business is doing at a glance, and share it."),
            (
                _("Dashboards for sales, leads and receivables"),
                _("Export reports as PDF, Excel and CSV"),
                _("Sales, pipeline, cash flow, time and stock reports"),
            ),
        ),
        urls="modules.analytics.urls",
        api_routes=(
            ApiRoute("analytics/dashboard", "modules.analytics.api.DashboardViewSet", "analytics-dashboard"),
            ApiRoute("analytics/reports", "modules.analytics.api.ReportViewSet", "analytics-report"),
        ),
        enum_names={
            "ReportFormatEnum": "modules.analytics.models.ReportFormat",
            "ReportStatusEnum": "modules.analytics.models.ReportStatus",
        },
    )

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (the services queue it by name: registered in every process)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from modules.tenancy.plans import Feature
from modules.workspace.registry import ModuleDescriptor, SidebarEntry


class InvoicingConfig(AppConfig):
    name = "modules.invoicing"
    label = "invoicing"
    descriptor = ModuleDescriptor(
        key="invoicing",
        feature=Feature.INVOICING,
        sidebar=SidebarEntry(
            _("Invoicing"),
            "document-text",
            _("Bill your customers the way their country expects, and get paid faster."),
            (
                _("Issue NF-e in Brazil and CFDI in Mexico"),
                _("Send Stripe payment links, boletos and PIX charges"),
                _("Run recurring subscriptions with automatic billing"),
            ),
        ),
        urls="modules.invoicing.urls",
        # Each part adds its routes, beat entries, demo loader and enum names as it lands.
    )

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (the services queue them by name: registered in every process)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from modules.tenancy.plans import Feature
from modules.workspace.registry import ApiRoute, ModuleDescriptor, SettingsPage, SidebarEntry


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
        public_urls="modules.invoicing.public_urls",
        api_routes=(
            ApiRoute(
                "integrations/stripe", "modules.invoicing.api_stripe.StripeIntegrationViewSet", "integration-stripe"
            ),
            ApiRoute(
                "invoicing/invoices", "modules.invoicing.api_stripe.InvoicePaymentLinkViewSet", "invoice-payment-link"
            ),
        ),
        settings_pages=(SettingsPage(_("Card payments"), "invoicing:stripe_settings"),),
        # Each part adds its routes, beat entries, demo loader and enum names as it lands.
    )

    def ready(self) -> None:
        from modules.core.webhooks import inbound_provider_register

        from . import tasks  # noqa: F401  (the services queue them by name: registered in every process)
        from .stripe_webhooks import STRIPE_WEBHOOKS

        inbound_provider_register(STRIPE_WEBHOOKS)

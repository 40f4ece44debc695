from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from modules.tenancy.plans import Feature
from modules.workspace.registry import ApiRoute, ModuleDescriptor, SidebarEntry


class IntegrationsConfig(AppConfig):
    name = "modules.integrations"
    label = "integrations"
    descriptor = ModuleDescriptor(
        key="integrations",
        feature=Feature.INTEGRATIONS,
        sidebar=SidebarEntry(
            _("Integrations"),
            "puzzle-piece",
            _("Connect Innexar to the tools you already use."),
            (
                _("Sync customers and invoices with QuickBooks"),
                _("Receive Stripe payments automatically"),
                _("Talk to customers on WhatsApp"),
            ),
        ),
        urls="modules.integrations.urls",
        api_routes=(
            ApiRoute(
                "integrations/quickbooks", "modules.integrations.api.QuickBooksViewSet", "integration-quickbooks"
            ),
            ApiRoute(
                "integrations/quickbooks", "modules.integrations.api.QuickBooksCallbackViewSet",
                "integration-quickbooks-callback",
            ),
            ApiRoute("integrations/whatsapp", "modules.integrations.api.WhatsAppViewSet", "integration-whatsapp"),
        ),
        enum_names={
            "SyncStatusEnum": "modules.integrations.models.SyncStatus",
            "MessageStatusEnum": "modules.integrations.models.MessageStatus",
        },
    )

    def ready(self) -> None:
        from modules.core.webhooks import InboundProvider, inbound_provider_register
        from modules.invoicing.lifecycle import invoice_reminder_hook_register

        from . import tasks  # noqa: F401  (the services queue them by name: registered in every process)
        from .whatsapp_services import (
            whatsapp_handshake,
            whatsapp_reminder_queue,
            whatsapp_webhook_handle,
            whatsapp_webhook_verify,
        )

        # Each workspace's Meta app signs its own events: they come to the workspace's own host.
        inbound_provider_register(InboundProvider(
            name="whatsapp", verify=None, account_of=None, verify_here=whatsapp_webhook_verify,
            handle=whatsapp_webhook_handle, handshake=whatsapp_handshake,
        ))
        invoice_reminder_hook_register(whatsapp_reminder_queue)

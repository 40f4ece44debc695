from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from modules.tenancy.plans import Feature
from modules.workspace.registry import ApiRoute, ModuleDescriptor, SidebarEntry


class WebhooksConfig(AppConfig):
    name = "modules.webhooks"
    label = "webhooks"
    descriptor = ModuleDescriptor(
        key="webhooks",
        feature=Feature.WEBHOOKS,
        sidebar=SidebarEntry(
            _("Webhooks"),
            "bolt",
            _("Let your own systems react the moment something happens in Innexar."),
            (
                _("Subscribe URLs to events such as invoice paid or deal won"),
                _("Signed payloads and automatic retries"),
                _("A delivery log to see what was sent and what came back"),
            ),
        ),
        urls="modules.webhooks.urls",
        api_routes=(ApiRoute("webhooks", "modules.webhooks.api.WebhookViewSet", "webhook"),),
        beat={"webhooks-deliveries-due": {"task": "webhooks.deliveries_due_all", "schedule": 60.0}},
        enum_names={
            "WebhookStatusEnum": "modules.webhooks.models.EndpointStatus",
            "WebhookDeliveryStatusEnum": "modules.webhooks.models.DeliveryStatus",
        },
    )

    def ready(self) -> None:
        from modules.events.services import EventConsumer, event_consumer_register

        from . import tasks  # noqa: F401  (the task names, in every process)
        from .services import deliveries_create, endpoints_waiting

        # The outbox is the one source: the relay hands each batch of committed events here.
        event_consumer_register(EventConsumer("webhooks", deliveries_create, endpoints_waiting))

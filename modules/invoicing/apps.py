from celery.schedules import crontab
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
            ApiRoute("invoicing/invoices", "modules.invoicing.api.InvoiceViewSet", "invoicing-invoice"),
            ApiRoute(
                "invoicing/subscriptions", "modules.invoicing.api_subscriptions.SubscriptionViewSet",
                "invoicing-subscription",
            ),
            ApiRoute(
                "integrations/stripe", "modules.invoicing.api_stripe.StripeIntegrationViewSet", "integration-stripe"
            ),
            ApiRoute(
                "invoicing/invoices", "modules.invoicing.api_stripe.InvoicePaymentLinkViewSet", "invoice-payment-link"
            ),
            ApiRoute("invoicing/boletos", "modules.invoicing.api_charges.BoletoViewSet", "invoicing-boleto"),
            ApiRoute("invoicing/pix", "modules.invoicing.api_charges.PixViewSet", "invoicing-pix"),
            ApiRoute("invoicing/fiscal", "modules.invoicing.api_fiscal.FiscalSettingsViewSet", "invoicing-fiscal"),
        ),
        settings_pages=(
            SettingsPage(_("Card payments"), "invoicing:stripe_settings"),
            SettingsPage(_("PIX"), "invoicing:pix_settings"),
            SettingsPage(_("Fiscal documents"), "invoicing:fiscal_settings"),
        ),
        beat={
            # Hourly: each workspace's midnight comes at its own hour.
            "invoicing-invoices-overdue": {
                "task": "invoicing.invoices_mark_overdue_all", "schedule": crontab(minute=10),
            },
            # Hourly too, for the same reason: each workspace bills once its own day has begun.
            "invoicing-subscriptions-bill": {
                "task": "invoicing.subscriptions_bill_all", "schedule": crontab(minute=20),
            },
            "expire-pix-charges": {"task": "invoicing.pix_charges_expire_all", "schedule": crontab(minute=7)},
            # Documents a provider is still processing whose polling stopped (a worker restart).
            "invoicing-fiscal-documents-poll": {
                "task": "invoicing.fiscal_documents_poll_all", "schedule": crontab(minute=35),
            },
        },
        demo="modules.invoicing.demo.invoicing_demo_load",
        enum_names={
            "InvoiceStatusEnum": "modules.invoicing.models.InvoiceStatus",
            "FiscalStatusEnum": "modules.invoicing.models.FiscalStatus",
            "SubscriptionStatusEnum": "modules.invoicing.models.SubscriptionStatus",
            "BillingCycleEnum": "modules.invoicing.models.BillingCycle",
            "ChargeStatusEnum": "modules.invoicing.models.ChargeStatus",
            "BoletoBankEnum": "modules.invoicing.models.BoletoBank",
            "PixTypeEnum": "modules.invoicing.models.PixType",
            "FiscalProviderEnum": "modules.invoicing.models.FiscalProvider",
            "FiscalEnvironmentEnum": "modules.invoicing.models.FiscalEnvironment",
            "PisCofinsRegimeEnum": "modules.invoicing.models.PisCofinsRegime",
            "CertificateKindEnum": "modules.invoicing.models.CertificateKind",
            "FiscalEventKindEnum": "modules.invoicing.models.FiscalEventKind",
            "InvoiceFiscalDocumentEnum": "modules.invoicing.models.FiscalDocumentKind",
        },
        dashboard="modules.invoicing.selectors.dashboard_figures",
    )

    def ready(self) -> None:
        from modules.core.references import referrer_register
        from modules.core.webhooks import InboundProvider, inbound_provider_register
        from modules.crm.models import Contact

        from . import tasks  # noqa: F401  (the services queue them by name: registered in every process)
        from .fiscal_documents import fiscal_issuers_register
        from .pix_charges import pix_webhook_handle, pix_webhook_verify
        from .services import contact_invoices_count, contact_invoices_refusal
        from .stripe_webhooks import STRIPE_WEBHOOKS

        # A CRM contact that is the customer of invoices stays while they do.
        referrer_register(Contact, "invoicing.invoices", count=contact_invoices_count, message=contact_invoices_refusal)
        inbound_provider_register(STRIPE_WEBHOOKS)
        fiscal_issuers_register()  # NF-e/NFS-e for Brazilian companies, CFDI for Mexican ones
        # PIX notifications are signed with each workspace's own secret: they come to its own host.
        inbound_provider_register(InboundProvider(
            name="pix", verify=None, account_of=None, verify_here=pix_webhook_verify, handle=pix_webhook_handle,
        ))

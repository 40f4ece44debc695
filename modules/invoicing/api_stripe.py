"""Stripe in the API: the workspace's keys (`/api/v1/integrations/stripe/`) and an invoice's
payment link (`/api/v1/invoicing/invoices/{id}/payment_link/`). Parse, call stripe_services,
serialize. Stripe's webhooks are served by tenancy's inbound webhook views (apps.py registers
the provider).

The payment link sits under the invoices' prefix beside the viewset that lists and writes them;
this one has no list and no detail of its own, so the two never answer the same URL.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from modules.accounts.permissions import IsTenantManager
from modules.core import serializers as input_serializers
from modules.core.api import ServiceActions
from modules.core.formats import iso_datetime
from modules.tenancy.plans import Feature

from . import events, stripe_gateway, stripe_services
from .access import access_invoice
from .models import StripeConnection
from .stripe_webhooks import stripe_webhook_url


class StripeUnavailable(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = _("Stripe could not be reached. Nothing was changed: try again in a few minutes.")
    default_code = "stripe_unavailable"


def stripe_call(service, **kwargs):
    """The service's answer; Stripe out of reach is a 502 (the request's transaction rolls back)."""
    try:
        return service(**kwargs)
    except stripe_gateway.StripeUnreachable:
        raise StripeUnavailable() from None


# --- The workspace's keys ----------------------------------------------------------------------


# The keys' shapes, stated in the schema; the services check them (and say what is wrong).
@extend_schema_field({"type": "string", "pattern": f"^{stripe_services.PUBLISHABLE_KEY.pattern}$"})
class PublishableKeyField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "pattern": f"^{stripe_services.SECRET_KEY.pattern}$"})
class SecretKeyField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "pattern": f"^({stripe_services.WEBHOOK_SECRET.pattern})?$"})
class WebhookSecretField(serializers.CharField):
    pass


class StripeConnectSerializer(input_serializers.Serializer):
    publishable_key = PublishableKeyField(max_length=255, help_text="pk_test_… or pk_live_…")
    secret_key = SecretKeyField(
        max_length=255, help_text="sk_test_… or sk_live_…, of the same mode as the publishable key."
    )
    webhook_secret = WebhookSecretField(
        max_length=255, required=False, allow_blank=True,
        help_text="whsec_…: the signing secret of the endpoint added in Stripe for `webhook_url`. It can also be"
        " sent later to webhook_secret/.",
    )


class StripeWebhookSecretSerializer(input_serializers.Serializer):
    webhook_secret = WebhookSecretField(max_length=255, help_text="whsec_…")


@dataclass(frozen=True)
class StripeState:
    connection: StripeConnection | None  # None: not connected


class StripeConnectionSerializer(serializers.Serializer):
    """The connection as the API shows it: no key, no secret."""

    connected = serializers.BooleanField()
    account_id = serializers.CharField(allow_null=True, help_text="acct_…, as Stripe names the account.")
    mode = serializers.ChoiceField(choices=["test", "live"], allow_null=True)
    publishable_key = serializers.CharField(allow_null=True, help_text="Masked: pk_test_…4242.")
    webhook_secret_set = serializers.BooleanField()
    webhook_url = serializers.URLField(
        help_text="Add an endpoint with this URL in Stripe (Developers → Webhooks) for checkout.session.completed,"
        " checkout.session.async_payment_succeeded and invoice.paid, then send its signing secret."
    )
    connected_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, state: "StripeState") -> dict:
        kept = state.connection
        shown = events.stripe_connection_json(kept) if kept else {}
        return {
            "connected": kept is not None,
            "account_id": shown.get("account_id"),
            "mode": shown.get("mode"),
            "publishable_key": shown.get("publishable_key"),
            "webhook_secret_set": shown.get("webhook_secret_set", False),
            "webhook_url": stripe_webhook_url(),
            "connected_at": iso_datetime(kept.connected_at) if kept else None,
        }


@extend_schema(tags=["Integrations: Stripe"])
class StripeIntegrationViewSet(ServiceActions):
    """The workspace's own Stripe account: admins and managers connect it with its API keys,
    which are checked with Stripe, kept encrypted and never shown again."""

    feature = Feature.INVOICING
    permission_classes = [IsTenantManager]
    serializer_class = StripeConnectionSerializer
    error_statuses = (404, 502)  # webhook_secret/ before connecting: there is no connection to add it to

    def answer(self, connection: StripeConnection | None, status_code: int = status.HTTP_200_OK) -> Response:
        return super().answer(StripeState(connection), status_code)

    @extend_schema(responses=StripeConnectionSerializer)
    @action(detail=False, methods=["get"], url_path="status", url_name="status")
    def connection_status(self, request: Request) -> Response:
        """Whether Stripe is connected, what the workspace may see of it, and the webhook URL."""
        return self.answer(stripe_services.stripe_connection_get())

    @extend_schema(request=StripeConnectSerializer, responses=StripeConnectionSerializer)
    @action(detail=False, methods=["post"])
    def connect(self, request: Request) -> Response:
        """Check the keys (their shape, then with Stripe) and keep them; connecting again replaces
        them. A key Stripe does not accept is a 400 and nothing is kept; Stripe out of reach is a 502."""
        data = self.validated(StripeConnectSerializer)
        return self.answer(stripe_call(stripe_services.stripe_connect, actor=request.user, **data))

    @extend_schema(request=StripeWebhookSecretSerializer, responses=StripeConnectionSerializer)
    @action(detail=False, methods=["post"])
    def webhook_secret(self, request: Request) -> Response:
        """The signing secret of the webhook endpoint added in Stripe (`webhook_url`); 404 before connecting."""
        data = self.validated(StripeWebhookSecretSerializer)
        return self.answer(stripe_services.stripe_webhook_secret_set(actor=request.user, **data))

    @extend_schema(request=None, responses={204: None})
    @action(detail=False, methods=["post"])
    def disconnect(self, request: Request) -> Response:
        """Forget the keys (nothing happens when none are kept)."""
        stripe_services.stripe_disconnect(actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- An invoice's payment link -----------------------------------------------------------------


class PaymentLinkSerializer(serializers.Serializer):
    payment_link = serializers.URLField(
        help_text="Stripe Checkout's page (https://checkout.stripe.com/c/pay/cs_test_…), or, for a workspace without"
        " Stripe keys, the customer's pay page on this workspace's host with its sandbox card payment."
    )


@extend_schema(tags=["Invoicing: invoices"])
class InvoicePaymentLinkViewSet(ServiceActions):
    feature = Feature.INVOICING
    serializer_class = PaymentLinkSerializer
    lookup_value_regex = r"[0-9]+"
    access_record = staticmethod(access_invoice)
    error_statuses = (502,)

    @extend_schema(request=None, responses=PaymentLinkSerializer)
    @action(detail=True, methods=["post"])
    def payment_link(self, request: Request, pk=None) -> Response:
        """A page where the customer pays the invoice's total by card: the same one again while it is
        open, for the same amount. Only for an issued (or overdue) invoice."""
        invoice = self.access(for_write=True)
        session = stripe_call(stripe_services.payment_link_create, actor=request.user, invoice=invoice)
        return Response({"payment_link": session.url})

"""Integrations in the API (`/api/v1/integrations/`): QuickBooks Online (connect, callback, sync,
disconnect, status) and WhatsApp (connect, send, disconnect, status). Parse, call the services,
serialize. No token or secret is ever returned. Stripe's endpoints are invoicing's
(`integrations/stripe/`, modules/invoicing/api_stripe.py)."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from modules.accounts.permissions import IsTenantManager
from modules.core import serializers as input_serializers
from modules.core.api import ServiceActions
from modules.core.formats import iso_datetime
from modules.tenancy.plans import Feature

from . import quickbooks_services, whatsapp_services
from .models import MessageStatus, SyncStatus

CALLBACK_URL_NAME = "api:integration-quickbooks-callback-callback"


class TooManyRequests(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "rate_limited"
    default_detail = _("WhatsApp is receiving too many messages from this number. Try again in a few minutes.")


def callback_uri(request: Request) -> str:
    """Where Intuit sends the person back: this workspace's own host (the state is checked there)."""
    return request.build_absolute_uri(reverse(CALLBACK_URL_NAME, urlconf=settings.ROOT_URLCONF))


def workspace_page(request: Request, outcome: str) -> str:
    page = reverse("integrations:home", urlconf=settings.ROOT_URLCONF)
    return request.build_absolute_uri(page) + f"?quickbooks={outcome}"


# --- QuickBooks ----------------------------------------------------------------------------------


class QuickBooksStatusSerializer(serializers.Serializer):
    connected = serializers.BooleanField()
    realm_id = serializers.CharField(allow_null=True, help_text="The QuickBooks company (Intuit's realmId).")
    active = serializers.BooleanField(help_text="False once Intuit refused the tokens: connect again.")
    connected_at = serializers.DateTimeField(allow_null=True)
    sync_status = serializers.ChoiceField(choices=SyncStatus.choices)
    sync_error = serializers.CharField(allow_blank=True)
    last_sync_at = serializers.DateTimeField(allow_null=True)
    synced_customers = serializers.IntegerField()
    synced_invoices = serializers.IntegerField()
    synced_vendors = serializers.IntegerField()

    def to_representation(self, kept) -> dict:
        return {
            "connected": kept is not None,
            "realm_id": kept.realm_id if kept else None,
            "active": bool(kept and kept.active),
            "connected_at": iso_datetime(kept.connected_at) if kept else None,
            "sync_status": kept.sync_status if kept else SyncStatus.IDLE,
            "sync_error": kept.sync_error if kept else "",
            "last_sync_at": iso_datetime(kept.last_sync_at) if kept and kept.last_sync_at else None,
            "synced_customers": kept.synced_customers if kept else 0,
            "synced_invoices": kept.synced_invoices if kept else 0,
            "synced_vendors": kept.synced_vendors if kept else 0,
        }


class QuickBooksSyncSerializer(input_serializers.Serializer):
    sync_customers = serializers.BooleanField(default=True)
    sync_invoices = serializers.BooleanField(default=True)
    sync_vendors = serializers.BooleanField(default=True)


class QuickBooksSyncQueuedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SyncStatus.choices)
    status_url = serializers.CharField(help_text="GET it for the counts of the last sync.")


@extend_schema(tags=["Integrations: QuickBooks"])
class QuickBooksViewSet(ServiceActions):
    """The workspace's QuickBooks Online company: admins and managers connect it (OAuth 2),
    sync it and disconnect it; everyone in the workspace sees its status."""

    feature = Feature.INTEGRATIONS
    serializer_class = QuickBooksStatusSerializer

    def get_permissions(self):
        if self.action == "connection_status":
            return super().get_permissions()
        return [*super().get_permissions(), IsTenantManager()]

    @extend_schema(responses=QuickBooksStatusSerializer)
    @action(detail=False, methods=["get"], url_path="status", url_name="status")
    def connection_status(self, request: Request) -> Response:
        """Whether QuickBooks is connected, and how the last sync went."""
        return self.answer(quickbooks_services.quickbooks_connection_get())

    @extend_schema(responses={302: None})
    @action(detail=False, methods=["get"])
    def connect(self, request: Request) -> HttpResponseRedirect:
        """A redirect to Intuit's consent page, with a signed state bound to this workspace and you."""
        url = quickbooks_services.quickbooks_authorization_url(actor=request.user, redirect_uri=callback_uri(request))
        return HttpResponseRedirect(url)

    @extend_schema(methods=["POST"], request=QuickBooksSyncSerializer, responses={202: QuickBooksSyncQueuedSerializer})
    @extend_schema(methods=["GET"], responses=QuickBooksStatusSerializer)
    @action(detail=False, methods=["get", "post"])
    def sync(self, request: Request) -> Response:
        """POST: push and pull customers (↔ contacts), invoices and vendors in the background
        (202; a sync already under way is the one answered). GET: the counts of the last sync, as
        `synced_customers`, `synced_invoices`, `synced_vendors`, with its status."""
        if request.method == "GET":
            return self.answer(quickbooks_services.quickbooks_connection_get())
        data = self.validated(QuickBooksSyncSerializer)
        kept = quickbooks_services.quickbooks_sync_queue(
            actor=request.user, customers=data["sync_customers"], invoices=data["sync_invoices"],
            vendors=data["sync_vendors"],
        )
        url = reverse("api:integration-quickbooks-sync", urlconf=settings.ROOT_URLCONF)
        return Response({"status": kept.sync_status, "status_url": url}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=False, methods=["delete"])
    def disconnect(self, request: Request) -> Response:
        """Revoke the tokens at Intuit and forget them (nothing happens when not connected)."""
        quickbooks_services.quickbooks_disconnect(actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["Integrations: QuickBooks"])
class QuickBooksCallbackViewSet(ServiceActions):
    """Where Intuit sends the person back, without a token: the signed state names the workspace
    and the person, and must have been made on this workspace's host."""

    feature = Feature.INTEGRATIONS
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, required=True),
            OpenApiParameter("realmId", OpenApiTypes.STR, required=True),
            OpenApiParameter("state", OpenApiTypes.STR, required=True),
        ],
        responses={302: None},
    )
    @action(detail=False, methods=["get"])
    def callback(self, request: Request) -> HttpResponseRedirect:
        """Keep the tokens Intuit gives for `code` and `realmId`, then back to the workspace's
        integrations page (`?quickbooks=connected`, or `?quickbooks=refused` with nothing kept)."""
        if request.query_params.get("error"):  # the person said no at Intuit
            return HttpResponseRedirect(workspace_page(request, "refused"))
        quickbooks_services.quickbooks_connect(
            tenant=request.tenant, state=request.query_params.get("state", ""),
            code=request.query_params.get("code", ""), realm_id=request.query_params.get("realmId", ""),
            redirect_uri=callback_uri(request),
        )
        return HttpResponseRedirect(workspace_page(request, "connected"))


# --- WhatsApp ------------------------------------------------------------------------------------


class WhatsAppConnectSerializer(input_serializers.Serializer):
    phone_number = serializers.RegexField(r"^\+[1-9][0-9]{7,14}$", max_length=16, help_text="E.164: +5511999999999")
    phone_number_id = serializers.RegexField(
        r"^[0-9]{5,32}$", max_length=32, help_text="The Cloud API's id of that number (WhatsApp Manager → API setup)."
    )
    api_key = serializers.CharField(max_length=1000, help_text="The Cloud API access token. Kept encrypted.")
    api_secret = serializers.CharField(
        max_length=255, help_text="The Meta app's secret, which signs its webhooks. Kept encrypted."
    )


class WhatsAppStatusSerializer(serializers.Serializer):
    connected = serializers.BooleanField()
    phone_number = serializers.CharField(allow_null=True)
    phone_number_id = serializers.CharField(allow_null=True)
    display_name = serializers.CharField(allow_null=True, help_text="The number's verified name at Meta.")
    webhook_url = serializers.CharField(help_text="The callback URL to give Meta for the `messages` field.")
    verify_token = serializers.CharField(allow_null=True, help_text="The verify token to give Meta with it.")
    connected_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, kept) -> dict:
        request = self.context["request"]
        return {
            "connected": kept is not None,
            "phone_number": kept.phone_number if kept else None,
            "phone_number_id": kept.phone_number_id if kept else None,
            "display_name": kept.display_name if kept else None,
            "webhook_url": request.build_absolute_uri(whatsapp_services.whatsapp_webhook_path()),
            "verify_token": kept.verify_token if kept else None,
            "connected_at": iso_datetime(kept.connected_at) if kept else None,
        }


class WhatsAppSendSerializer(input_serializers.Serializer):
    to = serializers.CharField(max_length=32, help_text="+5511888888888")
    template = serializers.RegexField(r"^[a-z0-9_]{1,512}$", help_text="An approved template's name.")
    variables = serializers.DictField(
        child=serializers.CharField(max_length=1024), required=False, default=dict,
        help_text="The template's named body parameters.",
    )
    language = serializers.RegexField(
        r"^[a-z]{2,3}(_[A-Z]{2})?$", required=False, allow_blank=True, default="",
        help_text="The template's language (pt_BR, es, en_US); default: yours.",
    )


class WhatsAppMessageSerializer(serializers.Serializer):
    id = serializers.CharField(source="wamid", help_text="WhatsApp's message id (wamid.…).")
    to = serializers.CharField()
    template = serializers.CharField()
    status = serializers.ChoiceField(choices=MessageStatus.choices)
    created_at = serializers.DateTimeField()


@extend_schema(tags=["Integrations: WhatsApp"])
class WhatsAppViewSet(ServiceActions):
    """The workspace's WhatsApp Cloud API number: admins and managers connect it (checked with
    Meta) and disconnect it; everyone in the workspace sends approved templates."""

    feature = Feature.INTEGRATIONS
    serializer_class = WhatsAppStatusSerializer
    error_statuses = (429, 502)

    def get_permissions(self):
        if self.action in ("connection_status", "send"):
            return super().get_permissions()
        return [*super().get_permissions(), IsTenantManager()]

    @extend_schema(responses=WhatsAppStatusSerializer)
    @action(detail=False, methods=["get"], url_path="status", url_name="status")
    def connection_status(self, request: Request) -> Response:
        return self.answer(whatsapp_services.whatsapp_connection_get())

    @extend_schema(request=WhatsAppConnectSerializer, responses=WhatsAppStatusSerializer)
    @action(detail=False, methods=["post"])
    def connect(self, request: Request) -> Response:
        """Check the number and token with Meta, then keep them encrypted; a token Meta refuses
        (expired: code 190) is a 400 and nothing is kept."""
        data = self.validated(WhatsAppConnectSerializer)
        try:
            return self.answer(whatsapp_services.whatsapp_connect(actor=request.user, **data))
        except whatsapp_services.WhatsAppRateLimited:
            raise TooManyRequests() from None

    @extend_schema(request=WhatsAppSendSerializer, responses={201: WhatsAppMessageSerializer})
    @action(detail=False, methods=["post"])
    def send(self, request: Request) -> Response:
        """Send an approved template with its variables. A template Meta refuses is a 400 on
        `template` with Meta's words; Meta's rate limit (130429) a 429."""
        data = self.validated(WhatsAppSendSerializer)
        try:
            message = whatsapp_services.whatsapp_send(actor=request.user, **data)
        except whatsapp_services.WhatsAppRateLimited:
            raise TooManyRequests() from None
        return Response(WhatsAppMessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=False, methods=["delete"])
    def disconnect(self, request: Request) -> Response:
        whatsapp_services.whatsapp_disconnect(actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

"""/api/v1/webhooks/: a workspace's webhook endpoints, their delivery log, a test ping and
redelivery. Managers and admins only: the secret signs what the workspace's systems trust.
Parse, call a service, serialize."""

import json

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from modules.accounts.permissions import IsTenantManager
from modules.core import serializers as input_serializers
from modules.core.api import ServiceViewSet
from modules.tenancy.plans import Feature

from . import access, selectors, services
from .events import ALL, CATALOGUE
from .models import Delivery, Endpoint, EndpointStatus

EVENT_CHOICES = [ALL, *CATALOGUE]


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.CharField())
    is_active = serializers.SerializerMethodField(help_text="False while paused (`status` disabled).")

    class Meta:
        model = Endpoint
        fields = ["id", "url", "events", "status", "is_active", "failing_since", "created_at", "updated_at"]

    def get_is_active(self, endpoint: Endpoint) -> bool:
        return endpoint.status != EndpointStatus.DISABLED


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="Shown once, here: no later answer contains it.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer):
    payload = serializers.SerializerMethodField(help_text="The JSON body that was (or will be) posted.")

    class Meta:
        model = Delivery
        fields = [
            "id", "event", "event_id", "status", "attempts", "response_code", "duration_ms", "error",
            "next_attempt_at", "created_at", "delivered_at", "payload",
        ]

    def get_payload(self, delivery: Delivery) -> dict:
        return json.loads(delivery.body)


def _events_field(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), allow_empty=False, min_length=1,
        max_length=len(EVENT_CHOICES),
        help_text="Names from the catalogue (docs/api.md, Webhooks), or [\"*\"] for every event.", **kwargs,
    )


class WebhookWriteSerializer(input_serializers.Serializer):
    url = serializers.URLField(max_length=2000, help_text="http(s), on a public address.")
    events = _events_field()
    secret = serializers.CharField(
        required=False, allow_blank=True, min_length=services.SECRET_MIN_LENGTH, max_length=200, write_only=True,
        help_text="Signs each delivery; one is made when none is given. Never returned after creation.",
    )
    is_active = serializers.BooleanField(required=False, help_text="False pauses the webhook.")


class WebhookCreateSerializer(WebhookWriteSerializer):
    is_active = None


class DeliveryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DeliverySerializer(many=True)


@extend_schema(tags=["Webhooks"])
@extend_schema_view(
    create=extend_schema(
        request=WebhookCreateSerializer, responses={201: WebhookCreatedSerializer},
        description="Registers a URL for events of the catalogue; the answer shows the secret, once.",
    ),
    partial_update=extend_schema(description="`url`, `events`, a new `secret`, `is_active`."),
    destroy=extend_schema(description="The webhook and its delivery log."),
)
class WebhookViewSet(ServiceViewSet):
    feature = Feature.WEBHOOKS
    permission_classes = [IsTenantManager]
    serializer_class = WebhookSerializer
    write_serializer_class = WebhookWriteSerializer
    create_serializer_class = WebhookCreateSerializer
    queryset = Endpoint.objects.none()
    access_record = staticmethod(access.access_endpoint)
    filter_backends = []

    def get_queryset(self):
        return selectors.endpoint_list()

    def create(self, request: Request, *args, **kwargs) -> Response:
        endpoint, secret = services.endpoint_create(actor=request.user, **self.validated(WebhookCreateSerializer))
        endpoint.secret = secret
        return Response(WebhookCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def update_record(self, endpoint, data):
        return services.endpoint_update(actor=self.request.user, endpoint=endpoint, changes=data)

    def delete_record(self, endpoint):
        services.endpoint_delete(actor=self.request.user, endpoint=endpoint)

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk=None) -> Response:
        """Sends a `ping` event to the URL now (queued): its result appears in `deliveries/`."""
        delivery = services.endpoint_ping(actor=request.user, endpoint=self.access(for_write=True))
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=DeliveryPageSerializer, filters=False)
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk=None) -> Response:
        """The delivery log, newest first, paged like the other lists."""
        page = self.paginate_queryset(selectors.delivery_list(self.access()))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>[0-9]+)/redeliver")
    def redeliver(self, request: Request, pk=None, delivery_id=None) -> Response:
        """Sends a delivery's body again (same event id) as a new delivery with its own tries."""
        delivery = access.access_delivery(request.user, self.access(for_write=True), delivery_id)
        again = services.delivery_redeliver(actor=request.user, delivery=delivery)
        return Response(DeliverySerializer(again).data, status=status.HTTP_202_ACCEPTED)

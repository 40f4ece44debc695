"""/api/v1/invoicing/subscriptions/: recurring billing (create, change, cancel, pause, resume).
Parse, call a service of subscriptions.py, serialize."""

from decimal import Decimal

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from modules.core import serializers as input_serializers
from modules.core.api import ServiceViewSet
from modules.core.filters import CommaSeparatedChoiceFilter, CommaSeparatedIdFilter
from modules.core.money import Currency
from modules.crm.models import Contact
from modules.finance.api import CustomerSerializer, customer_json
from modules.tenancy.plans import Feature

from . import access, events, subscriptions
from .api_stripe import stripe_call
from .models import BillingCycle, Subscription, SubscriptionStatus


class SubscriptionFilter(django_filters.FilterSet):
    status = CommaSeparatedChoiceFilter(choices=SubscriptionStatus.choices)
    customer_id = CommaSeparatedIdFilter(field_name="customer_id")

    class Meta:
        model = Subscription
        fields = []


class SubscriptionSerializer(serializers.ModelSerializer):
    customer = CustomerSerializer(read_only=True)
    cancel_at = serializers.DateField(
        read_only=True, allow_null=True, help_text="Set by a cancel at the end of the period: it stops on this date."
    )
    stripe_subscription_id = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Subscription
        fields = [
            "id", "customer", "plan", "amount", "currency", "billing_cycle", "billing_day", "status",
            "trial_ends_at", "started_at", "next_billing_date", "cancel_at", "stripe_subscription_id",
        ]

    def to_representation(self, instance: Subscription) -> dict:
        payload = events.subscription_json(instance)
        del payload["customer_id"]
        return {"id": payload.pop("id"), "customer": customer_json(instance.customer), **payload}


class SubscriptionWriteSerializer(input_serializers.Serializer):
    customer_id = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), source="customer", help_text="A CRM contact of this workspace.",
    )
    plan = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.ChoiceField(choices=Currency.choices)
    billing_cycle = serializers.ChoiceField(choices=BillingCycle.choices)
    billing_day = serializers.IntegerField(min_value=1, max_value=28, help_text="The day of the month it bills.")
    trial_days = serializers.IntegerField(
        min_value=0, max_value=365, required=False, help_text="Free days from the start; its first bill after them."
    )
    started_at = serializers.DateField(required=False, help_text="Today in the company's time zone by default.")
    stripe = serializers.BooleanField(required=False, default=False, help_text=(
        "Bill it by card in the workspace's connected Stripe account: a Stripe Customer, Price and Subscription"
        " are made there (`stripe_subscription_id`), and Stripe's webhooks record its invoices here."
    ))


class SubscriptionChangeSerializer(input_serializers.Serializer):
    plan = serializers.CharField(max_length=200, required=False)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False)


class SubscriptionCancelSerializer(input_serializers.Serializer):
    cancel_at = serializers.ChoiceField(
        choices=[("end_of_period", "end_of_period"), ("immediate", "immediate")],
        help_text="`immediate`: cancelled now. `end_of_period`: it stops on its next billing date, unbilled.",
    )


@extend_schema(tags=["Invoicing: subscriptions"])
@extend_schema_view(
    create=extend_schema(description=(
        "Active from `started_at`; `next_billing_date` is the first `billing_day` on or after the trial's end"
        " (`trial_ends_at`, `trial_days` after the start) or the start. Each period is billed by a daily run as an"
        f" issued invoice dated the period's start and due {subscriptions.DUE_DAYS} days later."
    )),
    partial_update=extend_schema(description="The plan's name and the amount, billed from the next period on."),
)
class SubscriptionViewSet(ServiceViewSet):

    feature = Feature.INVOICING
    serializer_class = SubscriptionSerializer
    write_serializer_class = SubscriptionChangeSerializer
    create_serializer_class = SubscriptionWriteSerializer
    filterset_class = SubscriptionFilter
    queryset = Subscription.objects.none()
    # A subscription ends by `cancel/`, and stays as the record of what was billed.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return subscriptions.subscription_list()

    access_record = staticmethod(access.access_subscription)

    def create_record(self, data):
        return stripe_call(subscriptions.subscription_create, actor=self.request.user, **data)

    def update_record(self, subscription, data):
        return subscriptions.subscription_update(actor=self.request.user, subscription=subscription, changes=data)

    @extend_schema(request=SubscriptionCancelSerializer, responses=SubscriptionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        """Cancelled now, or at the end of the period it was billed for."""
        subscription = self.access(for_write=True)
        data = self.validated(SubscriptionCancelSerializer)
        return self.answer(
            stripe_call(subscriptions.subscription_cancel, actor=request.user, subscription=subscription, **data)
        )

    @extend_schema(request=None, responses=SubscriptionSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk=None) -> Response:
        """Nothing is billed while paused, and the paused periods never are."""
        subscription = self.access(for_write=True)
        return self.answer(subscriptions.subscription_pause(actor=request.user, subscription=subscription))

    @extend_schema(request=None, responses=SubscriptionSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk=None) -> Response:
        """Active again; the next bill on the first billing day on or after today."""
        subscription = self.access(for_write=True)
        return self.answer(subscriptions.subscription_resume(actor=request.user, subscription=subscription))

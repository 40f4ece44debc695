"""/api/v1/finance/bank-feeds/: bank accounts connected to a feed (Plaid, or the sandbox while no
Plaid credentials are configured), for managers and admins. A feed is named by its bank
account's id. Its credentials are never part of any answer.

Connecting follows Plaid Link's flow: `link_token/` for the widget, which hands back a public
token; `connect/` exchanges it for the bank account. The sandbox's link token comes with the
public token its make-believe widget would hand back, so the flow runs on any machine.
"""

from dataclasses import asdict

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from modules.accounts.permissions import IsTenantManager
from modules.core import serializers as input_serializers
from modules.core.api import UserRefSerializer, feature_gate
from modules.core.formats import iso_datetime, user_json
from modules.tenancy.plans import Feature

from . import feeds
from .api_transactions import BankAccountRefSerializer
from .feeds.base import FeedProvider
from .models import BankFeed


class FeedStatus(models.TextChoices):
    OK = "ok", _("Working")
    NEEDS_RECONNECTION = "needs_reconnection", _("Needs reconnecting")
    FAILING = "failing", _("Failing")


class FeedNeedsReconnection(APIException):
    status_code = status.HTTP_409_CONFLICT


class FeedUnavailable(APIException):
    status_code = status.HTTP_502_BAD_GATEWAY


def _answer_for(error: feeds.FeedError) -> APIException:
    """An expired login is the person's to clear (409); anything else is the provider's (502)."""
    return (FeedNeedsReconnection if error.needs_reconnection else FeedUnavailable)(detail=error.message)


# --- Reading ---------------------------------------------------------------------------------------


class BankFeedSerializer(serializers.Serializer):
    bank_account_id = serializers.IntegerField()
    bank_account = BankAccountRefSerializer()
    provider = serializers.ChoiceField(choices=FeedProvider.choices)
    account_id = serializers.CharField(help_text="The provider's id of the account (Plaid's account_id).")
    status = serializers.ChoiceField(
        choices=FeedStatus.choices,
        help_text="needs_reconnection: the bank asks the person to sign in again (a new link token for the bank "
        "account, then a sync); failing: the last sync failed and the next one tries again.",
    )
    error_code = serializers.CharField(allow_null=True, help_text="The provider's code of the last failure.")
    error = serializers.CharField(allow_null=True, help_text="What the last failure means, in the reader's language.")
    connected_at = serializers.DateTimeField()
    connected_by = UserRefSerializer(allow_null=True)
    last_sync = serializers.DateTimeField(allow_null=True)

    def to_representation(self, instance: BankFeed) -> dict:
        return bank_feed_representation(instance)


def bank_feed_representation(feed: BankFeed) -> dict:
    bank_account = feed.bank_account
    if not feed.error_code:
        state = FeedStatus.OK
    else:
        state = FeedStatus.NEEDS_RECONNECTION if feeds.needs_reconnection(feed.error_code) else FeedStatus.FAILING
    return {
        "bank_account_id": bank_account.pk,
        "bank_account": {
            "id": bank_account.pk, "name": bank_account.name, "bank": bank_account.bank,
            "currency": bank_account.currency,
        },
        "provider": feed.provider,
        "account_id": bank_account.plaid_account_id,
        "status": state,
        "error_code": feed.error_code or None,
        "error": feeds.feed_problem_text(feed.error_code) if feed.error_code else None,
        "connected_at": iso_datetime(feed.connected_at),
        "connected_by": user_json(feed.connected_by),
        "last_sync": iso_datetime(bank_account.last_sync),
    }


class SyncResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    updated = serializers.IntegerField(help_text="Lines the bank changed.")
    removed = serializers.IntegerField(help_text="Lines the bank took back.")
    kept = serializers.IntegerField(help_text="Reconciled lines the bank changed or took back: left as they were.")
    feed = BankFeedSerializer()


# --- Writing ---------------------------------------------------------------------------------------


class LinkTokenRequestSerializer(input_serializers.Serializer):
    bank_account_id = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False,
        help_text="A connected bank account whose bank asks to sign in again: the token reconnects it.",
    )


class LinkTokenSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=FeedProvider.choices)
    link_token = serializers.CharField()
    expiration = serializers.DateTimeField()
    public_token = serializers.CharField(
        allow_null=True, help_text="Sandbox only: what its sign-in widget hands back, for `connect/`."
    )


class ConnectSerializer(input_serializers.Serializer):
    bank_account_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    public_token = serializers.CharField(max_length=200)
    account_id = serializers.CharField(
        max_length=100, required=False, allow_blank=True,
        help_text="The account chosen in the widget; needed when the sign-in reaches several.",
    )


# --- Views -----------------------------------------------------------------------------------------


@extend_schema(tags=["Finance: bank feeds"])
class BankFeedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsTenantManager]
    serializer_class = BankFeedSerializer
    queryset = BankFeed.objects.none()
    lookup_field = "bank_account_id"
    lookup_value_regex = r"[0-9]+"
    # The services keep their own transactions: a failed sync's error is saved on the feed.
    error_statuses = (404, 409, 502)

    def get_permissions(self):
        return [*super().get_permissions(), feature_gate(Feature.FINANCE)()]

    def get_queryset(self):
        return BankFeed.objects.select_related("bank_account", "connected_by").order_by("bank_account__name", "pk")

    def _feed(self) -> BankFeed:
        return feeds.access_bank_feed(self.request.user, self.kwargs["bank_account_id"])

    def _validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def retrieve(self, request: Request, bank_account_id: str) -> Response:
        return Response(bank_feed_representation(self._feed()))

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, bank_account_id: str) -> Response:
        """Disconnect: the feed stops and its credentials are revoked; the lines it brought stay."""
        feeds.bank_feed_disconnect(actor=request.user, bank_account_id=bank_account_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=LinkTokenRequestSerializer, responses=LinkTokenSerializer)
    @action(detail=False, methods=["post"], url_path="link_token")
    def link_token(self, request: Request) -> Response:
        data = self._validated(LinkTokenRequestSerializer)
        try:
            token = feeds.bank_feed_link_token(
                actor=request.user, language=request.LANGUAGE_CODE, bank_account_id=data.get("bank_account_id")
            )
        except feeds.FeedError as error:
            raise _answer_for(error) from error
        return Response({
            "provider": token.provider, "link_token": token.token, "expiration": iso_datetime(token.expiration),
            "public_token": token.public_token or None,
        })

    @extend_schema(request=ConnectSerializer, responses={201: BankFeedSerializer})
    @action(detail=False, methods=["post"])
    def connect(self, request: Request) -> Response:
        data = self._validated(ConnectSerializer)
        try:
            feed = feeds.bank_feed_connect(actor=request.user, **data)
        except feeds.FeedError as error:
            raise _answer_for(error) from error
        return Response(bank_feed_representation(feed), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SyncResultSerializer)
    @action(detail=True, methods=["post"])
    def sync(self, request: Request, bank_account_id: str) -> Response:
        """Bring the bank account's new lines in now (the periodic sync does it every few hours)."""
        try:
            result = feeds.bank_feed_sync(actor=request.user, bank_account_id=bank_account_id)
        except feeds.FeedError as error:
            raise _answer_for(error) from error
        return Response({**asdict(result), "feed": bank_feed_representation(self._feed())})


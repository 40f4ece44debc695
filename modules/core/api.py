"""The API kit every module's endpoints stand on: who may call, and a viewset that lists,
reads and writes records through the module's access function and services.

Core sits below tenancy and accounts, so nothing here imports them: the user model is
`get_user_model()`, and the plan gate is the factory `settings.INNEXAR_FEATURE_GATE` names
(tenancy's `requires_feature`). Permissions that need the Role model (IsTenantAdmin,
IsTenantManager) stay in modules/accounts/permissions.py, built on HasRole (core/permissions.py).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import import_string
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .filters import FilterBackend
from .permissions import HasRole, IsTenantMember

__all__ = [
    "HasRole", "IsTenantMember", "PublicEndpoint", "RecordViewSet", "ServiceActions", "ServiceViewSet",
    "TeammateField", "UserRefSerializer", "feature_gate", "respond_async",
]

# --- Who may call ------------------------------------------------------------------------------


class PublicEndpoint(APIView):
    """No token needed (and a stale one is ignored); failures still answer 401, not 403."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


def feature_gate(feature) -> type[BasePermission]:
    """The permission refusing a tenant whose plan lacks `feature` (403 naming the plan)."""
    return import_string(settings.INNEXAR_FEATURE_GATE)(feature)


def respond_async(request: Request) -> bool:
    """RFC 7240's `Prefer: respond-async`: the client would rather poll than wait (an import)."""
    prefer = {part.strip().lower() for part in request.headers.get("Prefer", "").split(",")}
    return "respond-async" in prefer


# --- Users in payloads -------------------------------------------------------------------------


class UserRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "name", "email"]


@extend_schema_field({"type": "integer", "minimum": 1})
class TeammateField(serializers.PrimaryKeyRelatedField):
    """`assigned_to`: the id of an active member of this workspace, and nobody else's."""

    def get_queryset(self):
        actor = self.context["request"].user
        return get_user_model().objects.filter(tenant_id=actor.tenant_id, is_active=True)


# --- Records through services ------------------------------------------------------------------


class ServiceActions(viewsets.GenericViewSet):
    """Custom actions only (no list, no detail), through the module's access and services: the
    base of ServiceViewSet, and of a module's viewset that adds actions under another viewset's
    prefix (finance's reconciliation actions on statement lines).

    Subclasses name the plan `feature` (required: a viewset without one is refused when its class
    is made) and the access function. Every request that may write runs in one transaction that
    an error answer rolls back: a write followed by a refusal leaves nothing behind, whether or
    not the action remembered to be atomic.
    """

    feature = None  # the plan feature (tenancy.plans.Feature) this module's endpoints need
    permission_classes = [IsTenantMember]
    filter_backends = [FilterBackend]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    access_record: staticmethod  # access_<record>(actor, pk, for_write=, for_delete=)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.feature is None and cls.__module__ != __name__:  # the kit's own bases name none
            raise TypeError(f"{cls.__name__} must name the plan `feature` its endpoints need.")

    def get_permissions(self):
        # The gate is added here, not in permission_classes, so a viewset that names its own
        # permissions (IsTenantManager) cannot drop it.
        return [*super().get_permissions(), feature_gate(self.feature)()]

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                # The exception handler answers without raising (a DomainError is a 400), so the
                # block would commit what was written before the refusal.
                transaction.set_rollback(True)
            return response

    def access(self, *, for_write: bool = False, for_delete: bool = False):
        return self.access_record(self.request.user, self.kwargs["pk"], for_write=for_write, for_delete=for_delete)

    def validated(self, serializer_class=None, *, partial: bool = False) -> dict:
        serializer = (serializer_class or self.write_serializer_class)(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def answer(self, record, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(record).data, status=status_code)


class RecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ServiceActions,
):
    """List, retrieve, PATCH and DELETE, each through the module's access and services: the
    records that come in some other way than a POST of one (a bank's statement lines come from
    files and feeds). ServiceViewSet adds the create.

    Subclasses name what ServiceActions asks (the plan `feature`, the access function), the read
    serializer, the write serializer and the `update_record`/`delete_record` services; PUT is not
    offered (PATCH changes what it is sent).
    """

    write_serializer_class: type[serializers.Serializer]

    def list(self, request: Request, *args, **kwargs) -> Response:
        """A deferred join: the page's ids first (a narrow query an index can answer alone),
        then those rows with what they show. Two queries whatever the page size."""
        queryset = self.filter_queryset(self.get_queryset())
        ids = self.paginate_queryset(queryset.values_list("pk", flat=True))
        by_id = self.get_queryset().in_bulk(ids)
        return self.get_paginated_response(self.get_serializer([by_id[pk] for pk in ids], many=True).data)

    def get_object(self):
        return self.access(for_write=self.request.method not in SAFE_METHODS)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        record = self.access(for_write=True)
        return self.answer(self.update_record(record, self.validated(partial=True)))

    def update(self, request: Request, *args, **kwargs) -> Response:
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        self.delete_record(self.access(for_delete=True))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceViewSet(mixins.CreateModelMixin, RecordViewSet):
    """RecordViewSet and the create: `create_record` through the module's create service, with
    `write_serializer_class`, or `create_serializer_class` when creating takes less."""

    create_serializer_class: type[serializers.Serializer] | None = None

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = self.validated(self.create_serializer_class)
        return self.answer(self.create_record(data), status.HTTP_201_CREATED)

"""Auth and team endpoints: parse, call a service, serialize."""

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenRefreshView

from modules.core.api import PublicEndpoint

from . import services
from .filters import MemberFilter
from .models import User
from .permissions import IsTenantAdmin, IsTenantManager
from .serializers import (
    DetailSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    LogoutSerializer,
    MemberInviteSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    ProfileSerializer,
    UserSerializer,
)
from .throttles import LoginAccountThrottle, LoginAddressThrottle, PasswordResetThrottle
from .tokens import INVALID_TOKEN_MESSAGE, parse_refresh_token, tokens_for_user


class LoginView(PublicEndpoint):
    throttle_classes = [LoginAddressThrottle, LoginAccountThrottle]
    error_statuses = (401,)  # wrong credentials (the OpenAPI schema lists it)

    @extend_schema(request=LoginSerializer, responses=LoginResponseSerializer)
    def post(self, request):
        payload = LoginSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = authenticate(
            request._request, api=True,
            email=payload.validated_data["email"], password=payload.validated_data["password"],
        )
        if user is None or user.tenant_id is None:
            raise AuthenticationFailed(_("Invalid email or password."))
        return Response({**tokens_for_user(user), "user": UserSerializer(user).data})


class RefreshView(PublicEndpoint, TokenRefreshView):
    error_statuses = (401,)  # a refresh token that is invalid, expired or revoked


class LogoutView(APIView):
    @extend_schema(request=LogoutSerializer, responses={204: None})
    def post(self, request):
        payload = LogoutSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        refresh = parse_refresh_token(payload.validated_data["refresh"])
        if str(refresh.get("user_id")) != str(request.user.pk):
            raise ValidationError({"refresh": [INVALID_TOKEN_MESSAGE]})
        refresh.blacklist()
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(PublicEndpoint):
    throttle_classes = [LoginAddressThrottle, PasswordResetThrottle]

    @extend_schema(request=PasswordResetSerializer, responses=DetailSerializer)
    def post(self, request):
        payload = PasswordResetSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.password_reset_request(email=payload.validated_data["email"])
        # The same answer for unknown addresses: nobody learns who has an account.
        return Response({"detail": _("Password reset email sent")})


class PasswordResetConfirmView(PublicEndpoint):
    throttle_classes = [LoginAddressThrottle]

    @extend_schema(request=PasswordResetConfirmSerializer, responses=DetailSerializer)
    def post(self, request):
        payload = PasswordResetConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.password_reset_confirm(**payload.validated_data)
        return Response({"detail": _("Password reset successful")})


class MeView(APIView):
    @extend_schema(responses=UserSerializer)
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=ProfileSerializer, responses=UserSerializer)
    def patch(self, request):
        payload = ProfileSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **payload.validated_data)
        return Response(UserSerializer(user).data)


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The tenant's team: admins and managers see it, admins change it."""

    serializer_class = MemberSerializer
    filterset_class = MemberFilter

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [IsTenantManager()]
        return [IsTenantAdmin()]

    queryset = User.objects.none()  # the real one is get_queryset(): only the actor's tenant

    def get_queryset(self) -> QuerySet[User]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return User.objects.filter(tenant_id=self.request.user.tenant_id).order_by("name", "id")

    @extend_schema(request=MemberInviteSerializer, responses={201: MemberSerializer})
    def create(self, request):
        payload = MemberInviteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = services.user_invite(actor=request.user, **payload.validated_data)
        return Response(MemberSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MemberUpdateSerializer, responses=MemberSerializer)
    def partial_update(self, request, pk=None):
        member = self.get_object()
        payload = MemberUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        member = services.member_update(actor=request.user, user=member, **payload.validated_data)
        return Response(MemberSerializer(member).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Users are deactivated, never deleted: their history stays attributed."""
        services.user_deactivate(actor=request.user, user=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


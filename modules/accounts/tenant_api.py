"""The workspace's own endpoints: signing up (a tenant and its admin), its company settings and
its plan. Tenancy's services behind accounts' doors: tenancy sits below accounts and its roles."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.core.parsers import JSONParser
from modules.tenancy import services as tenancy_services
from modules.tenancy.models import CompanyProfile
from modules.tenancy.plans import plan_status
from modules.tenancy.serializers import CompanyProfileJSONSerializer, CompanyProfileSerializer, PlanStatusSerializer

from .api import PublicEndpoint
from .emails import EMAIL_ERROR_CODES
from .permissions import IsTenantAdmin, IsTenantMember
from .serializers import AdminUserSerializer, TenantCreatedSerializer, TenantSignupSerializer
from .signup import tenant_signup
from .throttles import SignupThrottle
from .tokens import tokens_for_user


def signup_error_for_api(error: DjangoValidationError) -> serializers.ValidationError:
    """The service's refusals, under the request's own field names (a race the serializer's
    checks could not see: another signup took the name or the email meanwhile)."""
    body: dict = {}
    for item in error.error_list:
        message = item.messages[0]
        if item.code == "taken":
            body.setdefault("schema_name", []).append(message)
        elif item.code in EMAIL_ERROR_CODES:
            body.setdefault("admin_user", {}).setdefault("email", []).append(message)
        else:
            body.setdefault("non_field_errors", []).append(message)
    return serializers.ValidationError(body)


class TenantSignupView(PublicEndpoint):
    throttle_classes = [SignupThrottle]

    @extend_schema(
        request=TenantSignupSerializer,
        responses={201: inline_serializer("TenantSignupResponse", {
            **TenantCreatedSerializer().get_fields(),
            "admin_user": AdminUserSerializer(),
            "access": serializers.CharField(),
            "refresh": serializers.CharField(),
        })},
    )
    def post(self, request):
        payload = TenantSignupSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            signup = tenant_signup(
                name=data["name"],
                subdomain=data["schema_name"],
                plan=data["plan"],
                admin_name=data["admin_user"]["name"],
                admin_email=data["admin_user"]["email"],
                admin_password=data["admin_user"]["password"],
                language=data.get("language") or request.LANGUAGE_CODE,
                country=data.get("country"),
            )
        except DjangoValidationError as error:
            raise signup_error_for_api(error) from None
        connection.set_schema_to_public()
        body = {
            **TenantCreatedSerializer(signup.tenant).data,
            "admin_user": AdminUserSerializer(signup.admin).data,
            **tokens_for_user(signup.admin),
        }
        return Response(body, status=status.HTTP_201_CREATED)


class CompanySettingsView(APIView):
    parser_classes = [JSONParser, MultiPartParser]  # the logo is a file

    def get_permissions(self):
        return [IsTenantMember()] if self.request.method == "GET" else [IsTenantAdmin()]

    def _profile(self) -> CompanyProfile:
        return CompanyProfile.objects.get(tenant_id=self.request.user.tenant_id)

    @extend_schema(responses=CompanyProfileSerializer)
    def get(self, request):
        return Response(CompanyProfileSerializer(self._profile(), context={"request": request}).data)

    @extend_schema(
        request={"application/json": CompanyProfileJSONSerializer, "multipart/form-data": CompanyProfileSerializer},
        responses=CompanyProfileSerializer,
    )
    def patch(self, request):
        payload = CompanyProfileSerializer(self._profile(), data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        profile = tenancy_services.company_profile_update(
            actor=request.user, tenant=request.user.tenant, changes=dict(payload.validated_data)
        )
        return Response(CompanyProfileSerializer(profile, context={"request": request}).data)


class PlanView(APIView):
    """The tenant's plan, its trial and which modules it unlocks."""

    @extend_schema(responses=PlanStatusSerializer)
    def get(self, request):
        return Response(PlanStatusSerializer(plan_status(request.user.tenant)).data)

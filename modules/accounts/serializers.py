from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.core import serializers as input_serializers
from modules.core.validators import validate_single_line
from modules.tenancy.models import Country, Tenant
from modules.tenancy.plans import Plan
from modules.tenancy.validators import validate_subdomain

from .emails import CanonicalEmailSerializerField, new_account_email
from .models import Role, User


class TenantSummarySerializer(serializers.ModelSerializer):
    schema_name = serializers.CharField(source="subdomain")

    class Meta:
        model = Tenant
        fields = ["id", "name", "schema_name", "plan", "is_active", "trial_ends_on"]


class UserSerializer(serializers.ModelSerializer):
    tenant = TenantSummarySerializer(read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "role", "language", "is_active", "tenant"]
        read_only_fields = fields

    def to_representation(self, user: User) -> dict:
        # By hand, the fields above in their order: building a ModelSerializer's fields on every
        # call cost more than the rest of GET /auth/me/. The declarations stay for the schema.
        tenant = user.tenant
        return {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "language": user.language,
            "is_active": user.is_active,
            "tenant": tenant and {
                "id": tenant.pk,
                "name": tenant.name,
                "schema_name": tenant.subdomain,
                "plan": tenant.plan,
                "is_active": tenant.is_active,
                "trial_ends_on": tenant.trial_ends_on and tenant.trial_ends_on.isoformat(),
            },
        }


class LoginSerializer(input_serializers.Serializer):
    email = CanonicalEmailSerializerField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class LoginResponseSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = UserSerializer()


class LogoutSerializer(input_serializers.Serializer):
    refresh = serializers.CharField()


class PasswordResetSerializer(input_serializers.Serializer):
    email = CanonicalEmailSerializerField()


class PasswordResetConfirmSerializer(input_serializers.Serializer):
    uid = serializers.CharField()
    token = serializers.CharField()
    new_password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ProfileSerializer(input_serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False, validators=[validate_single_line])
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class MemberSerializer(serializers.ModelSerializer):
    """A teammate as tenant admins see and manage them."""

    class Meta:
        model = User
        fields = ["id", "email", "name", "role", "language", "is_active", "date_joined", "last_login"]
        read_only_fields = ["id", "email", "date_joined", "last_login"]


class MemberInviteSerializer(input_serializers.Serializer):
    email = CanonicalEmailSerializerField()
    name = serializers.CharField(max_length=150, validators=[validate_single_line])
    role = serializers.ChoiceField(choices=Role.choices, default=Role.USER)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class MemberUpdateSerializer(input_serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False, validators=[validate_single_line])
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    is_active = serializers.BooleanField(required=False)


# --- Signup (a tenant and its admin) ---------------------------------------------------------


class AdminUserInputSerializer(input_serializers.Serializer):
    name = serializers.CharField(max_length=150, validators=[validate_single_line])
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, write_only=True, style={"input_type": "password"})

    def validate_email(self, value: str) -> str:
        try:
            return new_account_email(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from None

    def validate(self, attrs):
        try:
            validate_password(attrs["password"], user=User(email=attrs["email"], name=attrs["name"]))
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": error.messages}) from None
        return attrs


class TenantSignupSerializer(input_serializers.Serializer):
    name = serializers.CharField(max_length=200, validators=[validate_single_line])
    schema_name = serializers.CharField(max_length=63, validators=[validate_subdomain])
    plan = serializers.ChoiceField(choices=Plan.choices)
    admin_user = AdminUserInputSerializer()
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    # Beside the spec's fields: left out, the language decides (pt-BR → BR, es → MX, else US).
    country = serializers.ChoiceField(choices=Country.choices, required=False)

    def validate_schema_name(self, value: str) -> str:
        if Tenant.objects.filter(subdomain=value).exists():
            raise serializers.ValidationError(_("This name is already taken."))
        return value


class DomainSerializer(serializers.Serializer):
    domain = serializers.CharField()
    is_primary = serializers.BooleanField()


class AdminUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "name", "email"]


class TenantCreatedSerializer(serializers.ModelSerializer):
    schema_name = serializers.CharField(source="subdomain")
    domains = DomainSerializer(many=True)

    class Meta:
        model = Tenant
        fields = ["id", "name", "schema_name", "plan", "is_active", "trial_ends_on", "domains"]

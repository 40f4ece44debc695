import zoneinfo

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.accounts.emails import new_account_email
from modules.accounts.models import User
from modules.core import serializers as input_serializers
from modules.core.validators import validate_single_line

from .countries import BRAZILIAN_TAX_REGIMES, MEXICAN_TAX_REGIMES
from .models import CompanyProfile, Country, Tenant
from .plans import Plan
from .validators import validate_subdomain


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


class CompanyProfileSerializer(input_serializers.ModelSerializer):
    # A choice, so the schema lists the zones the API takes.
    timezone = serializers.ChoiceField(choices=sorted(zoneinfo.available_timezones()), required=False)
    # Every country's codes, so the schema lists them; the service takes only the company's own.
    tax_regime = serializers.ChoiceField(choices=BRAZILIAN_TAX_REGIMES + MEXICAN_TAX_REGIMES, allow_blank=True,
                                         required=False)

    class Meta:
        model = CompanyProfile
        fields = [
            "legal_name", "trade_name", "tax_id", "country", "state", "city", "address", "postal_code",
            "default_currency", "timezone", "language", "pix_key", "tax_regime", "logo", "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def to_representation(self, profile):
        data = super().to_representation(profile)
        if "logo" in data:
            # Stored files are never public: the signed link the pages use, on the workspace's host.
            data["logo"] = profile.tenant.workspace_url(profile.logo_url) if profile.logo else None
        return data


class CompanyProfileJSONSerializer(CompanyProfileSerializer):
    """The same settings sent as JSON, for the schema: a logo comes only as a multipart upload."""

    class Meta(CompanyProfileSerializer.Meta):
        fields = [name for name in CompanyProfileSerializer.Meta.fields if name != "logo"]


class PlanFeatureSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    included = serializers.BooleanField()
    available = serializers.BooleanField(help_text="False while the module is coming soon.")
    required_plan = serializers.CharField(allow_null=True)


class PlanStatusSerializer(serializers.Serializer):
    plan = serializers.CharField()
    trial_ends_on = serializers.DateField(allow_null=True)
    max_users = serializers.IntegerField(allow_null=True)
    features = PlanFeatureSerializer(many=True)

import zoneinfo

from rest_framework import serializers

from modules.core import serializers as input_serializers

from .countries import BRAZILIAN_TAX_REGIMES, MEXICAN_TAX_REGIMES
from .models import CompanyProfile

TAX_REGIME_HELP = (
    "Brazil: " + ", ".join(code for code, _label in BRAZILIAN_TAX_REGIMES)
    + ". Mexico: SAT's c_RegimenFiscal code (" + ", ".join(code for code, _label in MEXICAN_TAX_REGIMES)
    + "). United States: free text."
)


class CompanyProfileSerializer(input_serializers.ModelSerializer):
    # A choice, so the schema lists the zones the API takes.
    timezone = serializers.ChoiceField(choices=sorted(zoneinfo.available_timezones()), required=False)
    # A choice per country (the service takes only the company's own), free text in the US.
    tax_regime = serializers.CharField(max_length=100, allow_blank=True, required=False, help_text=TAX_REGIME_HELP)
    state_registration = serializers.CharField(
        max_length=20, allow_blank=True, required=False,
        help_text="Brazil's IE, checked against the company's state, or ISENTO.",
    )
    city_code = serializers.RegexField(
        r"^\d{7}$", allow_blank=True, required=False,
        help_text="IBGE's 7 digits; left out, found from the city and state (Brazil).",
    )

    class Meta:
        model = CompanyProfile
        fields = [
            "legal_name", "trade_name", "tax_id", "country", "state", "city", "address", "postal_code",
            "default_currency", "timezone", "language", "pix_key", "tax_regime", "state_registration",
            "municipal_registration", "city_code", "fiscal_document", "logo", "updated_at",
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

import zoneinfo

from rest_framework import serializers

from modules.core import serializers as input_serializers

from .countries import BRAZILIAN_TAX_REGIMES, MEXICAN_TAX_REGIMES
from .models import CompanyProfile


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

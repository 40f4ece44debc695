"""/api/v1/invoicing/fiscal/: the workspace's fiscal set-up (provider, environment, series and
their next numbers, what NF-e, NFS-e and CFDI need beyond the company settings) and its signing
certificates (Brazil's A1, Mexico's CSD), kept encrypted and never returned. Managers only."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from modules.accounts.permissions import IsTenantManager, IsTenantMember
from modules.core import serializers as input_serializers
from modules.core.api import ServiceActions
from modules.core.formats import iso_datetime
from modules.finance.models import PaymentMethod
from modules.tenancy.plans import Feature

from . import events, fiscal_settings
from .models import CertificateKind, FiscalEnvironment, FiscalProvider, PisCofinsRegime

MAX_CERTIFICATE_BYTES = 64 * 1024  # an A1 or a CSD file is a few kilobytes


def certificate_json(kind: str) -> dict | None:
    status = fiscal_settings.certificate_status(fiscal_settings.certificates().get(kind))
    if status is None:
        return None
    return {
        "subject": status.subject, "tax_id": status.tax_id, "valid_from": iso_datetime(status.valid_from),
        "valid_until": iso_datetime(status.valid_until), "expired": status.expired,
        "expires_soon": status.expires_soon,
    }


def fiscal_settings_representation() -> dict:
    settings = fiscal_settings.fiscal_settings()
    return {
        **events.fiscal_settings_json(settings),
        "nfe_next_number": fiscal_settings.series_next_number("nfe", settings.nfe_series),
        "nfse_next_number": fiscal_settings.series_next_number("nfse", settings.nfse_series),
        "a1_certificate": certificate_json(CertificateKind.A1),
        "csd": certificate_json(CertificateKind.CSD),
    }


class CertificateStatusSerializer(serializers.Serializer):
    subject = serializers.CharField()
    tax_id = serializers.CharField(help_text="The CNPJ or RFC it was issued to.")
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()
    expired = serializers.BooleanField()
    expires_soon = serializers.BooleanField(help_text="It expires within 30 days: renew it.")


class FiscalSettingsSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="Issuing an invoice makes its fiscal document (off until set).")
    provider = serializers.ChoiceField(choices=FiscalProvider.choices)
    environment = serializers.ChoiceField(choices=FiscalEnvironment.choices)
    provider_token_set = serializers.BooleanField()
    provider_base_url = serializers.CharField()
    nfe_series = serializers.IntegerField()
    nfse_series = serializers.IntegerField()
    nfe_next_number = serializers.IntegerField(help_text="The number the series' next NF-e takes.")
    nfse_next_number = serializers.IntegerField()
    pis_cofins_regime = serializers.CharField()
    payment_method = serializers.CharField()
    iss_rate = serializers.CharField(allow_null=True)
    nbs = serializers.CharField()
    updated_at = serializers.DateTimeField(allow_null=True)
    a1_certificate = CertificateStatusSerializer(allow_null=True)
    csd = CertificateStatusSerializer(allow_null=True)


class FiscalSettingsWriteSerializer(input_serializers.Serializer):
    enabled = serializers.BooleanField(required=False)
    provider = serializers.ChoiceField(choices=FiscalProvider.choices, required=False)
    environment = serializers.ChoiceField(choices=FiscalEnvironment.choices, required=False)
    provider_token = serializers.CharField(
        max_length=500, required=False, allow_blank=True, write_only=True,
        help_text="Focus NFe's or SW sapien's API token; kept encrypted, never returned. Empty keeps the one set.",
    )
    provider_base_url = serializers.URLField(
        required=False, allow_blank=True, help_text="Empty: the provider's own address for the environment.",
    )
    nfe_series = serializers.IntegerField(min_value=0, max_value=889, required=False)
    nfse_series = serializers.IntegerField(min_value=0, max_value=99999, required=False)
    pis_cofins_regime = serializers.ChoiceField(choices=PisCofinsRegime.choices, required=False, allow_blank=True)
    payment_method = serializers.ChoiceField(
        choices=PaymentMethod.choices, required=False, allow_blank=True,
        help_text="How the company's invoices are paid: the NF-e's payment group (tPag).",
    )
    iss_rate = input_serializers.NumberField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False,
        help_text="NFS-e: the ISS rate of the company's municipality, in percent (2 to 5).",
    )
    nbs = serializers.RegexField(r"^\d{9}$", required=False, allow_blank=True, help_text="NFS-e: the NBS code.")


class A1UploadSerializer(input_serializers.Serializer):
    file = serializers.FileField(help_text="The A1 certificate, a .pfx (PKCS#12) file.")
    password = serializers.CharField(max_length=200, write_only=True)


class CsdUploadSerializer(input_serializers.Serializer):
    certificate = serializers.FileField(help_text="The CSD's .cer file, as SAT issued it.")
    private_key = serializers.FileField(help_text="The CSD's .key file.")
    password = serializers.CharField(max_length=200, write_only=True)


@extend_schema(tags=["Invoicing: fiscal documents"])
class FiscalSettingsViewSet(ServiceActions):
    feature = Feature.INVOICING
    permission_classes = [IsTenantMember, IsTenantManager]

    @extend_schema(methods=["GET"], responses=FiscalSettingsSerializer)
    @extend_schema(methods=["PATCH"], request=FiscalSettingsWriteSerializer, responses=FiscalSettingsSerializer)
    @action(detail=False, methods=["get", "patch"], url_path="settings", metadata_class=None,
            http_method_names=["get", "patch", "head"])
    def fiscal_settings(self, request: Request) -> Response:
        """Provider (`sandbox` by default, `focus_nfe`, `sw_sapien`) and environment, the series and
        the number each will give next, and what the documents need beyond the company settings;
        the certificates' status (whose, until when, expiring within 30 days)."""
        if request.method == "PATCH":
            data = self.validated(FiscalSettingsWriteSerializer, partial=True)
            fiscal_settings.fiscal_settings_update(actor=request.user, changes=data)
        return Response(fiscal_settings_representation())

    @extend_schema(request={"multipart/form-data": A1UploadSerializer}, responses=FiscalSettingsSerializer)
    @action(detail=False, methods=["post"], url_path="certificate", parser_classes=[MultiPartParser],
            metadata_class=None)
    def certificate(self, request: Request) -> Response:
        """Brazil's A1 certificate (.pfx and its password): it must open, be current and be the
        company's CNPJ's. It replaces the one before; it is kept encrypted."""
        data = self.validated(A1UploadSerializer)
        pfx = data["file"].read(MAX_CERTIFICATE_BYTES + 1)
        fiscal_settings.a1_certificate_upload(actor=request.user, pfx=pfx, password=data["password"])
        return Response(fiscal_settings_representation())

    @extend_schema(request={"multipart/form-data": CsdUploadSerializer}, responses=FiscalSettingsSerializer)
    @action(detail=False, methods=["post"], url_path="csd", parser_classes=[MultiPartParser], metadata_class=None)
    def csd(self, request: Request) -> Response:
        """Mexico's CSD (.cer, .key and its password): the key must be the certificate's, and the
        certificate a CSD (not an e.firma) of the company's RFC, current now."""
        data = self.validated(CsdUploadSerializer)
        fiscal_settings.csd_upload(
            actor=request.user, certificate=data["certificate"].read(MAX_CERTIFICATE_BYTES + 1),
            private_key=data["private_key"].read(MAX_CERTIFICATE_BYTES + 1), password=data["password"],
        )
        return Response(fiscal_settings_representation())

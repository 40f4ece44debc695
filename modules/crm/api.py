"""/api/v1/crm/: leads, contacts, deals and activities. Parse, call a service, serialize.

Records are written out by the payload builders in events.py (the same JSON webhooks carry);
the read serializers below declare those fields for the OpenAPI schema and hand the work to
the builders, which keeps a page of 200 leads cheap to render.
"""

from datetime import UTC
from decimal import Decimal

from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from modules.core import serializers as input_serializers
from modules.core.api import ServiceViewSet, TeammateField, UserRefSerializer, respond_async
from modules.core.imports import import_job_json
from modules.core.models import ImportJob, ImportStatus
from modules.core.money import Currency, format_money
from modules.tenancy.countries import CFDI_USES, MEXICAN_TAX_REGIMES
from modules.tenancy.plans import Feature

from . import access, events, imports, scoring, selectors, services
from .filters import ActivityFilter, ContactFilter, DealFilter, LeadFilter
from .models import (
    Activity,
    ActivityType,
    Contact,
    Deal,
    DealStageChange,
    Lead,
    LeadStatus,
    RelatedType,
    Source,
    Stage,
)

# --- Reading ---------------------------------------------------------------------------------


class LeadSerializer(serializers.ModelSerializer):
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Lead
        fields = [
            "id", "name", "email", "phone", "company", "position", "source", "score", "score_is_manual",
            "status", "notes", "tags", "assigned_to", "created_at", "updated_at",
        ]

    def to_representation(self, instance: Lead) -> dict:
        return events.lead_json(instance)


class ContactSerializer(serializers.ModelSerializer):
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Contact
        fields = [
            "id", "name", "email", "phone", "company", "position", "notes", "tags", *events.CONTACT_FISCAL_FIELDS,
            "assigned_to", "created_at", "updated_at",
        ]

    def to_representation(self, instance: Contact) -> dict:
        return events.contact_json(instance)


class DealSerializer(serializers.ModelSerializer):
    contact = ContactSerializer(read_only=True)
    value_formatted = serializers.CharField(read_only=True, help_text="The value in the request's locale.")
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Deal
        fields = [
            "id", "title", "contact", "value", "value_formatted", "currency", "stage", "probability",
            "expected_close_date", "lost_reason", "closed_at", "lead_id", "assigned_to", "created_at",
            "updated_at",
        ]

    def to_representation(self, instance: Deal) -> dict:
        return deal_representation(instance)


def deal_representation(deal: Deal) -> dict:
    """The deal as events carry it, plus its value written for the reader (their locale)."""
    payload = events.deal_json(deal)
    return {
        **{field: payload[field] for field in ("id", "title", "contact", "value")},
        "value_formatted": format_money(deal.value, deal.currency),
        **payload,
    }


class StageChangeSerializer(serializers.ModelSerializer):
    changed_by = UserRefSerializer(read_only=True, allow_null=True)
    # In UTC with a Z, as every other datetime of the API (core.formats.iso_datetime), whatever
    # the company's time zone.
    changed_at = serializers.DateTimeField(read_only=True, default_timezone=UTC)

    class Meta:
        model = DealStageChange
        fields = ["from_stage", "to_stage", "changed_by", "changed_at"]


class ActivitySerializer(serializers.ModelSerializer):
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Activity
        fields = [
            "id", "type", "subject", "description", "related_to_type", "related_to_id", "due_date",
            "completed", "completed_at", "assigned_to", "created_at",
        ]

    def to_representation(self, instance: Activity) -> dict:
        return events.activity_json(instance)


# --- Writing ---------------------------------------------------------------------------------


class PersonWriteSerializer(input_serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    phone = input_serializers.PhoneField()
    company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    position = serializers.CharField(max_length=120, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50, allow_blank=True), required=False)
    assigned_to = TeammateField(required=False, allow_null=True)


class ContactWriteSerializer(PersonWriteSerializer):
    """A customer's fiscal data as well, all optional until an NF-e or CFDI needs it."""

    tax_id = serializers.CharField(
        max_length=32, required=False, allow_blank=True,
        help_text="CPF or CNPJ (Brazil), RFC (Mexico) or EIN (US) by `country`, checked with its check digits.",
    )
    state_registration = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="Brazil's IE for the contact's state, or ISENTO.",
    )
    address = serializers.CharField(
        max_length=255, required=False, allow_blank=True,
        help_text="In Brazil written \"street, number - district\" (Rua Augusta, 1500 - Consolação).",
    )
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    state = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    country = serializers.ChoiceField(
        choices=services.COUNTRY_CODES, required=False, allow_blank=True,
        help_text="ISO 3166 alpha-2; the company's when left out.",
    )
    tax_regime = serializers.ChoiceField(
        choices=[code for code, _label in MEXICAN_TAX_REGIMES], required=False, allow_blank=True,
        help_text="Mexico: SAT's c_RegimenFiscal (601, 612, 626...).",
    )
    cfdi_use = serializers.ChoiceField(
        choices=[code for code, _label in CFDI_USES], required=False, allow_blank=True,
        help_text="Mexico: SAT's c_UsoCFDI (G01, G03, S01...).",
    )


class LeadWriteSerializer(PersonWriteSerializer):
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    status = serializers.ChoiceField(choices=LeadStatus.choices, required=False)
    score = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True,
        help_text="Sets the score by hand; null hands it back to the model.",
    )


# Converted needs the contact and deal that `convert/` (or a PATCH to converted) makes.
NEW_LEAD_STATUSES = [choice for choice in LeadStatus.choices if choice[0] != LeadStatus.CONVERTED]


class LeadCreateSerializer(LeadWriteSerializer):
    status = serializers.ChoiceField(choices=NEW_LEAD_STATUSES, required=False)


class LeadConvertSerializer(input_serializers.Serializer):
    """All optional: the deal is named after the lead's company and starts at zero."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"), required=False)
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    expected_close_date = serializers.DateField(required=False, allow_null=True)


class LeadImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, UTF-8 or Latin-1, separated by `,` or `;`.")


class LeadImportReportSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    errors = serializers.ListField(child=inline_serializer(
        "LeadImportError", {"row": serializers.IntegerField(), "error": serializers.CharField()}
    ))
    # Beside the spec's fields: rows imported with a change (an unknown source became "other").
    warnings = serializers.ListField(child=inline_serializer(
        "LeadImportWarning", {"row": serializers.IntegerField(), "warning": serializers.CharField()}
    ))


class ImportJobSerializer(LeadImportReportSerializer):
    """An import running in the background (core.imports.import_job_json)."""

    id = serializers.IntegerField()
    file_name = serializers.CharField()
    status = serializers.ChoiceField(choices=ImportStatus.choices)
    progress = serializers.IntegerField(help_text="Percent done.")
    failure = serializers.CharField(help_text="Why the file was refused as a whole, when it failed.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class DealWriteSerializer(input_serializers.Serializer):
    title = serializers.CharField(max_length=200)
    contact_id = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all(), source="contact")
    value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.ChoiceField(choices=Currency.choices)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    probability = serializers.IntegerField(min_value=0, max_value=100, required=False)
    expected_close_date = serializers.DateField(required=False, allow_null=True)
    lost_reason = serializers.CharField(required=False, allow_blank=True)
    assigned_to = TeammateField(required=False, allow_null=True)


class DealLostSerializer(input_serializers.Serializer):
    lost_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ActivityWriteSerializer(input_serializers.Serializer):
    type = serializers.ChoiceField(choices=ActivityType.choices)
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    related_to_type = serializers.ChoiceField(choices=RelatedType.choices)
    related_to_id = serializers.IntegerField(min_value=1)
    due_date = serializers.DateTimeField(required=False, allow_null=True)
    assigned_to = TeammateField(required=False, allow_null=True)
    completed = serializers.BooleanField(required=False)

    def validate(self, attrs):
        # Alone, a PATCH of one half of the pair is checked against the other half it keeps.
        if self.partial and ("related_to_type" in attrs) != ("related_to_id" in attrs):
            raise serializers.ValidationError(
                {"related_to_id": [_("Send related_to_type and related_to_id together.")]}
            )
        return attrs


# --- Views -----------------------------------------------------------------------------------


class CrmViewSet(ServiceViewSet):
    feature = Feature.CRM


@extend_schema(tags=["CRM: leads"])
class LeadViewSet(CrmViewSet):
    serializer_class = LeadSerializer
    write_serializer_class = LeadWriteSerializer
    create_serializer_class = LeadCreateSerializer
    filterset_class = LeadFilter
    queryset = Lead.objects.none()

    def get_queryset(self):
        return selectors.lead_list()

    access_record = staticmethod(access.access_lead)

    def create_record(self, data):
        return services.lead_create(actor=self.request.user, **data)

    def update_record(self, lead, data):
        return services.lead_update(actor=self.request.user, lead=lead, changes=data)

    def delete_record(self, lead):
        services.lead_delete(actor=self.request.user, lead=lead)

    @extend_schema(request=LeadConvertSerializer, responses=inline_serializer(
        "LeadConversion", {"contact": ContactSerializer(), "deal": DealSerializer()}
    ))
    @action(detail=True, methods=["post"])
    def convert(self, request: Request, pk=None) -> Response:
        lead = self.access(for_write=True)
        conversion = services.lead_convert(actor=request.user, lead=lead, **self.validated(LeadConvertSerializer))
        return Response({
            "contact": events.contact_json(conversion.contact),
            "deal": deal_representation(conversion.deal),
        })

    @extend_schema(
        request={"multipart/form-data": LeadImportSerializer},
        description="Imports a CSV and answers with its report. With the standard header `Prefer: respond-async`"
        " (RFC 7240) the import runs as a background job instead: the answer is 202 with the job, whose `Location`"
        " the client polls.",
        responses={200: LeadImportReportSerializer, 202: ImportJobSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_csv(self, request: Request) -> Response:
        upload = self.validated(LeadImportSerializer)["file"]
        if respond_async(request):
            # A large file outlasts a request's time limit: a worker imports it, the client polls.
            # Queued when this request commits: the answer says so, the client polls for the rest.
            job = imports.lead_import_start(actor=request.user, file=upload, language=translation.get_language())
            url = self.reverse_action("import-job", kwargs={"pk": job.pk})
            return Response(import_job_json(job), status=status.HTTP_202_ACCEPTED, headers={"Location": url})
        report = imports.leads_import(actor=request.user, file=upload)
        return Response({
            "imported": report.imported,
            "errors": [{"row": error["row"], "error": error["error"]} for error in report.errors],
            "warnings": [{"row": warning["row"], "warning": warning["warning"]} for warning in report.warnings],
        })

    @extend_schema(responses=ImportJobSerializer)
    @action(detail=False, methods=["get"], url_path=r"import/(?P<pk>[^/.]+)", url_name="import-job")
    def import_job(self, request: Request, pk: str) -> Response:
        """An import started with `Prefer: respond-async`: queued, running (with its progress), done (with
        the report) or failed (with why)."""
        try:
            job = ImportJob.objects.filter(kind=imports.IMPORT_KIND).defer("content", "rejected").get(pk=int(pk))
        except (ImportJob.DoesNotExist, ValueError, OverflowError):
            raise Http404 from None
        return Response(import_job_json(job))

    @extend_schema(responses=inline_serializer("LeadScoreExplanation", {
        "score": serializers.IntegerField(),
        "model_score": serializers.IntegerField(),
        "is_manual": serializers.BooleanField(),
        "cold_start": serializers.BooleanField(),
        "trained_on": serializers.DictField(child=serializers.IntegerField()),
        "factors_up": serializers.ListField(child=serializers.DictField()),
        "factors_down": serializers.ListField(child=serializers.DictField()),
    }))
    @action(detail=True, methods=["get"])
    def score(self, request: Request, pk=None) -> Response:
        return Response(scoring.lead_score_explain(self.access()))


@extend_schema(tags=["CRM: contacts"])
class ContactViewSet(CrmViewSet):
    serializer_class = ContactSerializer
    write_serializer_class = ContactWriteSerializer
    filterset_class = ContactFilter
    queryset = Contact.objects.none()

    def get_queryset(self):
        return selectors.contact_list()

    access_record = staticmethod(access.access_contact)

    def create_record(self, data):
        return services.contact_create(actor=self.request.user, **data)

    def update_record(self, contact, data):
        return services.contact_update(actor=self.request.user, contact=contact, changes=data)

    def delete_record(self, contact):
        services.contact_delete(actor=self.request.user, contact=contact)


@extend_schema(tags=["CRM: deals"])
class DealViewSet(CrmViewSet):
    serializer_class = DealSerializer
    write_serializer_class = DealWriteSerializer
    filterset_class = DealFilter
    queryset = Deal.objects.none()

    def get_queryset(self):
        return selectors.deal_list()

    access_record = staticmethod(access.access_deal)

    def create_record(self, data):
        return services.deal_create(actor=self.request.user, **data)

    def update_record(self, deal, data):
        return services.deal_update(actor=self.request.user, deal=deal, changes=data)

    def delete_record(self, deal):
        services.deal_delete(actor=self.request.user, deal=deal)

    @extend_schema(request=None, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def mark_won(self, request: Request, pk=None) -> Response:
        return self.answer(services.deal_mark_won(actor=request.user, deal=self.access(for_write=True)))

    @extend_schema(request=DealLostSerializer, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def mark_lost(self, request: Request, pk=None) -> Response:
        deal = self.access(for_write=True)
        data = self.validated(DealLostSerializer)
        return self.answer(services.deal_mark_lost(actor=request.user, deal=deal, **data))

    @extend_schema(responses=StageChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])  # one list, whole
    def history(self, request: Request, pk=None) -> Response:
        """Every stage the deal went through: from where, to where, when and by whom."""
        changes = selectors.deal_stage_history(self.access())
        return Response(StageChangeSerializer(changes, many=True).data)


@extend_schema(tags=["CRM: activities"])
class ActivityViewSet(CrmViewSet):
    serializer_class = ActivitySerializer
    write_serializer_class = ActivityWriteSerializer
    filterset_class = ActivityFilter
    queryset = Activity.objects.none()

    def get_queryset(self):
        return selectors.activity_list()

    access_record = staticmethod(access.access_activity)

    def create_record(self, data):
        data.pop("completed", None)  # a new activity is to do; `complete/` finishes it
        return services.activity_create(actor=self.request.user, **data)

    def update_record(self, activity, data):
        return services.activity_update(actor=self.request.user, activity=activity, changes=data)

    def delete_record(self, activity):
        services.activity_delete(actor=self.request.user, activity=activity)

    @extend_schema(request=None, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk=None) -> Response:
        return self.answer(services.activity_complete(actor=request.user, activity=self.access(for_write=True)))

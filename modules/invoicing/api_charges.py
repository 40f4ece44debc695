"""/api/v1/invoicing/boletos/ and /api/v1/invoicing/pix/: parse, call a service, serialize.

Boletos: create, read, list; `remittance/` (managers and admins) downloads the CNAB 240 file
registering a bank account's boletos not sent yet, `return_file/` (managers and admins) reads the
bank's return and settles what it reports paid. PIX: create, read, list, `check/` asks the PSP,
`settings/` (managers and admins) reads and sets the workspace's PIX set-up.

Records are written out by the payload builders in events.py, plus what depends on the reader:
the boleto's signed PDF link, the PIX charge's QR image (drawn for one charge, not for a list:
each takes about 10 ms) and the status it has now.
"""

from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from modules.accounts.permissions import IsTenantManager, IsTenantMember
from modules.core import serializers as input_serializers
from modules.core.api import ServiceViewSet
from modules.finance.models import BankAccount
from modules.tenancy.plans import Feature

from . import access, boletos, events, pix_charges, selectors_charges
from .filters_charges import BoletoFilter, PixFilter
from .models import Boleto, BoletoBank, ChargeStatus, Invoice, InvoiceStatus, Pix, PixType
from .psp import API_PIX, SANDBOX

RETURN_FILE_MAX_BYTES = 10 * 1024 * 1024  # a CNAB 240 line is 242 bytes: some 40,000 boletos


# --- Reading ---------------------------------------------------------------------------------


class ChargeInvoiceSerializer(serializers.Serializer):
    """The invoice a charge is for, as events.invoice_json writes it."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    customer_id = serializers.IntegerField()
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    subtotal = serializers.DecimalField(max_digits=14, decimal_places=2)
    discount = serializers.DecimalField(max_digits=14, decimal_places=2)
    tax = serializers.DecimalField(max_digits=14, decimal_places=2)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    receivable_id = serializers.IntegerField(allow_null=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class PayerSerializer(input_serializers.Serializer):
    """Who pays a boleto, as printed and registered with the bank: the CPF or CNPJ and the address
    are needed to send it in a remittance."""

    name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                 help_text="The customer's company or name when left out.")
    document = serializers.CharField(max_length=20, required=False, allow_blank=True, help_text="CPF or CNPJ.")
    address = serializers.CharField(max_length=40, required=False, allow_blank=True)
    district = serializers.CharField(max_length=15, required=False, allow_blank=True)
    zip_code = serializers.CharField(max_length=10, required=False, allow_blank=True, help_text="CEP, 8 digits.")
    city = serializers.CharField(max_length=15, required=False, allow_blank=True)
    state = serializers.CharField(max_length=2, required=False, allow_blank=True, help_text="UF, such as SP.")


class BoletoSerializer(serializers.ModelSerializer):
    invoice = ChargeInvoiceSerializer()
    digitableLine = serializers.CharField(source="digitable_line")  # the spec's name for it
    pdf_url = serializers.URLField(allow_null=True, help_text="A signed link, valid for an hour.")
    payer = PayerSerializer()

    class Meta:
        model = Boleto
        fields = [
            "id", "invoice", "invoice_id", "bank", "bank_account_id", "our_number", "barcode", "digitableLine",
            "due_date", "amount", "pdf_url", "status", "payer", "paid_at", "paid_amount", "remittance_number",
            "created_at",
        ]

    def to_representation(self, instance: Boleto) -> dict:
        payload = events.boleto_json(instance)
        return {
            "id": payload.pop("id"), "invoice": events.invoice_json(instance.invoice), **payload,
            "pdf_url": boletos.boleto_pdf_url(instance), "payer": instance.payer,
        }


class PixSerializer(serializers.ModelSerializer):
    invoice = ChargeInvoiceSerializer(allow_null=True)
    qr_code = serializers.CharField(
        allow_null=True, help_text="The code as a PNG data URI; null in lists (GET the charge for it)."
    )
    status = serializers.ChoiceField(choices=ChargeStatus.choices, help_text="Expired as soon as expires_at passes.")
    location = serializers.URLField(allow_null=True, help_text="The PSP's payload location (dynamic charges).")
    end_to_end_id = serializers.CharField(allow_null=True, help_text="The payment's end-to-end id, once paid.")

    class Meta:
        model = Pix
        fields = [
            "id", "invoice", "invoice_id", "type", "txid", "key", "amount", "qr_code", "qr_code_text", "location",
            "expires_at", "status", "paid_at", "paid_amount", "end_to_end_id", "created_at",
        ]

    def to_representation(self, instance: Pix) -> dict:
        payload = events.pix_json(instance, status=selectors_charges.pix_status(instance))
        one = not getattr(self.parent, "many", False)
        return {
            "id": payload.pop("id"),
            "invoice": events.invoice_json(instance.invoice) if instance.invoice_id else None,
            "qr_code": pix_charges.pix_qr_code(instance) if one else None,
            **payload,
        }


class PixSettingsSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Null until first saved (the values are a proposal).")
    key = serializers.CharField()
    merchant_name = serializers.CharField()
    merchant_city = serializers.CharField()
    psp = serializers.ChoiceField(choices=[SANDBOX, API_PIX])
    psp_base_url = serializers.CharField()
    psp_client_id = serializers.CharField()
    psp_client_secret_set = serializers.BooleanField()
    webhook_secret_set = serializers.BooleanField()
    webhook_secret = serializers.CharField(
        required=False, help_text="Only in the answer of the save that made it: keep it, it is never shown again."
    )
    updated_at = serializers.DateTimeField(allow_null=True)


# --- Writing ---------------------------------------------------------------------------------


class BoletoCreateSerializer(input_serializers.Serializer):
    invoice_id = serializers.PrimaryKeyRelatedField(queryset=Invoice.objects.all(), source="invoice")
    bank = serializers.ChoiceField(choices=BoletoBank.choices)
    due_date = serializers.DateField(required=False, help_text="The invoice's due date when left out.")
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False,
        help_text="The invoice's total when left out; a boleto pays the whole invoice.",
    )
    payer = PayerSerializer(required=False)


class RemittanceSerializer(input_serializers.Serializer):
    bank_account_id = serializers.PrimaryKeyRelatedField(
        queryset=BankAccount.objects.all(), source="bank_account", help_text="A Bradesco or Sicredi account."
    )
    remittance_number = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False,
        help_text="Write an earlier remittance again; left out, the boletos not sent yet go in a new one.",
    )


class ReturnFileSerializer(serializers.Serializer):
    bank_account_id = serializers.PrimaryKeyRelatedField(queryset=BankAccount.objects.all(), source="bank_account")
    file = serializers.FileField(
        help_text="The bank's CNAB 240 return file (Banco do Brasil, Itaú, Bradesco or Sicredi)."
    )

    def validate_file(self, file):
        if file.size > RETURN_FILE_MAX_BYTES:
            raise serializers.ValidationError(_("A return file is at most 10 MB."))
        return file


class ReturnReportSerializer(serializers.Serializer):
    bank = serializers.ChoiceField(choices=BoletoBank.choices)
    file_number = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Lines by outcome.")
    lines = serializers.ListField(child=inline_serializer("ReturnLine", {
        "our_number": serializers.CharField(),
        "occurrence": serializers.CharField(help_text="FEBRABAN's movement code (C044): 06 paid, 02 entry ..."),
        "occurrence_label": serializers.CharField(),
        "outcome": serializers.ChoiceField(choices=boletos.ReturnOutcome.choices),
        "message": serializers.CharField(),
        "amount_paid": serializers.DecimalField(max_digits=14, decimal_places=2),
        "boleto_id": serializers.IntegerField(allow_null=True),
        "invoice_id": serializers.IntegerField(allow_null=True),
    }))


class PixCreateSerializer(input_serializers.Serializer):
    type = serializers.ChoiceField(choices=PixType.choices)
    invoice_id = serializers.PrimaryKeyRelatedField(
        queryset=Invoice.objects.all(), source="invoice", required=False, allow_null=True
    )
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False,
        help_text="An invoice's total when left out. A static code without one lets the payer type it.",
    )
    expires_in_hours = serializers.IntegerField(
        min_value=1, max_value=pix_charges.MAX_EXPIRY_HOURS, required=False,
        help_text="Dynamic charges only; 24 when left out.",
    )


class PixSettingsWriteSerializer(input_serializers.Serializer):
    key = serializers.CharField(max_length=77, help_text="CPF, CNPJ, email, +55 phone or random key.")
    merchant_name = serializers.CharField(max_length=25)
    merchant_city = serializers.CharField(max_length=15)
    psp = serializers.ChoiceField(choices=[SANDBOX, API_PIX], required=False)
    psp_base_url = serializers.URLField(max_length=200, required=False, allow_blank=True)
    psp_client_id = serializers.CharField(max_length=255, required=False, allow_blank=True)
    psp_client_secret = serializers.CharField(
        max_length=255, required=False, allow_blank=True, write_only=True, help_text="Kept when left out."
    )
    rotate_webhook_secret = serializers.BooleanField(
        required=False, help_text="Make a new webhook secret (shown once in the answer); the old one stops working."
    )


# --- Views -----------------------------------------------------------------------------------


class ChargeViewSet(ServiceViewSet):
    """Charges are made and then change only by what happens to them: no PATCH, no DELETE."""

    feature = Feature.INVOICING
    http_method_names = ["get", "post", "head", "options"]
    error_statuses: tuple[int, ...] = ()  # what the schema cannot infer (core/openapi.py)

    def invoice_for_charge(self, invoice: Invoice | None) -> Invoice | None:
        """The invoice a new charge is for, locked while the charge is made."""
        if invoice is None:
            return None
        return access.access_invoice(self.request.user, invoice.pk, for_write=True)


@extend_schema(tags=["Invoicing: boletos"])
class BoletoViewSet(ChargeViewSet):
    serializer_class = BoletoSerializer
    write_serializer_class = BoletoCreateSerializer
    filterset_class = BoletoFilter
    queryset = Boleto.objects.none()

    def get_queryset(self):
        return selectors_charges.boleto_list()

    access_record = staticmethod(access.access_boleto)

    def create_record(self, data):
        invoice = self.invoice_for_charge(data.pop("invoice"))
        return boletos.boleto_create(actor=self.request.user, invoice=invoice, **data)

    @extend_schema(
        request=RemittanceSerializer,
        responses={(200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The CNAB 240 file; X-Remittance-Number and X-Boletos say what is in it."
        )},
    )
    @action(detail=False, methods=["post"], permission_classes=[IsTenantMember, IsTenantManager])
    def remittance(self, request: Request) -> HttpResponse:
        """The CNAB 240 remittance (remessa) registering the bank account's boletos not sent yet."""
        data = self.validated(RemittanceSerializer)
        remittance = boletos.boleto_remittance_export(
            actor=request.user, bank_account=data["bank_account"], number=data.get("remittance_number")
        )
        return HttpResponse(remittance.content, content_type="application/octet-stream", headers={
            "Content-Disposition": content_disposition_header(True, remittance.file_name),
            "X-Remittance-Number": str(remittance.number), "X-Boletos": str(remittance.boletos),
        })

    @extend_schema(request={"multipart/form-data": ReturnFileSerializer}, responses=ReturnReportSerializer)
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser],
            permission_classes=[IsTenantMember, IsTenantManager])
    def return_file(self, request: Request) -> Response:
        """Read the bank's return (retorno) and settle the boletos it reports paid; what became of
        each line: paid, already paid (an earlier file), unknown, refused (the amount), noted."""
        data = self.validated(ReturnFileSerializer)
        report = boletos.boleto_return_import(
            actor=request.user, bank_account=data["bank_account"], content=data["file"].read()
        )
        return Response(return_report_json(report))


def return_report_json(report: boletos.ReturnReport) -> dict:
    return {
        "bank": report.bank,
        "file_number": report.file_number,
        "counts": {outcome: report.count(outcome) for outcome in boletos.ReturnOutcome.values},
        "lines": [{
            "our_number": line.our_number, "occurrence": line.occurrence, "occurrence_label": line.occurrence_label,
            "outcome": line.outcome, "message": line.message, "amount_paid": str(line.amount_paid),
            "boleto_id": line.boleto_id, "invoice_id": line.invoice_id,
        } for line in report.lines],
    }


@extend_schema(tags=["Invoicing: PIX"])
class PixViewSet(ChargeViewSet):
    serializer_class = PixSerializer
    write_serializer_class = PixCreateSerializer
    filterset_class = PixFilter
    queryset = Pix.objects.none()

    def get_queryset(self):
        return selectors_charges.pix_list()

    access_record = staticmethod(access.access_pix)

    def create_record(self, data):
        invoice = self.invoice_for_charge(data.pop("invoice", None))
        return pix_charges.pix_create(actor=self.request.user, invoice=invoice, **data)

    @extend_schema(request=None, responses=PixSerializer)
    @action(detail=True, methods=["post"], error_statuses=(400,))  # the PSP's refusal
    def check(self, request: Request, pk=None) -> Response:
        """Ask the PSP what became of a dynamic charge (API Pix's GET /v2/cob/{txid})."""
        return self.answer(pix_charges.pix_check(actor=request.user, pix=self.access(for_write=True)))

    @extend_schema(methods=["GET"], responses=PixSettingsSerializer)
    @extend_schema(methods=["PUT", "PATCH"], request=PixSettingsWriteSerializer, responses=PixSettingsSerializer)
    @action(
        detail=False, methods=["get", "put", "patch"], url_path="settings",
        permission_classes=[IsTenantMember, IsTenantManager],
        # DRF's OPTIONS metadata reads a PUT's object by its id, which a singleton has not: no OPTIONS.
        http_method_names=["get", "put", "patch", "head"], metadata_class=None,
    )
    def pix_settings(self, request: Request) -> Response:
        """The workspace's PIX key, the name and city its codes show, its PSP (`sandbox` or
        `api_pix`) and whether its secrets are set; before the first save, a proposal from the
        company's settings. PUT sends them all, PATCH what changes; the webhook secret is made
        on the first save and returned that once."""
        if request.method == "GET":
            return Response(events.pix_settings_json(selectors_charges.pix_settings_or_proposal()))
        data = self.validated(PixSettingsWriteSerializer, partial=request.method == "PATCH")
        rotate = data.pop("rotate_webhook_secret", False)
        saved = pix_charges.pix_settings_save(actor=request.user, changes=data, rotate_webhook_secret=rotate)
        answer = events.pix_settings_json(saved.settings)
        if saved.webhook_secret:
            answer["webhook_secret"] = saved.webhook_secret
        return Response(answer)

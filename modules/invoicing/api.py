"""/api/v1/invoicing/invoices/: invoices and their flow (issue, cancel, mark paid, send, PDF).
Parse, call a service, serialize.

Invoices are written out by `invoice_representation`, over the payload builders of events.py plus
what depends on the reader or the day: the status as of today, the totals formatted in the
reader's locale, signed links to the fiscal files. The read serializers declare those fields for
the OpenAPI schema and hand the work to it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from modules.core import serializers as input_serializers
from modules.core.api import ServiceViewSet
from modules.core.formats import amount_json, iso_datetime
from modules.core.money import Currency, format_money
from modules.core.signing import file_url
from modules.crm.models import Contact
from modules.finance.api import CustomerSerializer, customer_json
from modules.finance.models import PaymentMethod
from modules.inventory.models import Product
from modules.tenancy.plans import Feature

from . import access, events, selectors, services
from .filters import InvoiceFilter
from .fiscal_documents import fiscal_message, invoice_correction_letter
from .models import FiscalDocumentKind, FiscalEvent, FiscalEventKind, FiscalStatus, Invoice, InvoiceItem, InvoiceStatus
from .pdf import invoice_pdf, invoice_pdf_filename

# totals.py's rule, for API clients.
TOTALS_DESCRIPTION = (
    "`subtotal`, `discount`, `tax`, `total` and each item's `total` are computed by the server, in the currency's"
    " digits (CLP has none), rounding half up: each item's amount is quantity × unit price rounded to the currency,"
    " less its own `discount` (its `total`); the invoice's `invoice_discount` is spread over the items in"
    " proportion to their totals so that the shares add up to it exactly; each item's tax is (its total − its"
    " share) × `tax_rate` ÷ 100, rounded to the currency. `subtotal` is the sum of the items' amounts, `discount`"
    " the items' discounts plus the invoice's, `tax` the items' taxes, and `total` = subtotal − discount + tax."
)

# --- Reading -------------------------------------------------------------------------------------


def _signed_link(path: str) -> str | None:
    """A fiscal file's link, signed for this workspace and expiring (core.signing)."""
    if not path:
        return None
    tenant = connection.tenant
    return tenant.workspace_url(file_url(path, tenant_id=tenant.pk))


def invoice_representation(invoice: Invoice) -> dict:
    payload = events.invoice_json(invoice)
    currency = invoice.currency
    return {
        **{field: payload[field] for field in ("id", "number")},
        "customer": customer_json(invoice.customer),
        **{field: payload[field] for field in ("issue_date", "due_date", "currency")},
        "status": selectors.invoice_status(invoice),
        "language": invoice.language,
        "items": [events.invoice_item_json(item, currency) for item in invoice.items.all()],
        "invoice_discount": amount_json(invoice.invoice_discount, currency),
        **{field: payload[field] for field in ("subtotal", "discount", "tax", "total")},
        "formatted": {
            field: format_money(getattr(invoice, field), currency) for field in ("subtotal", "discount", "tax", "total")
        },
        "notes": invoice.notes,
        "payment_link": invoice.payment_link or None,
        "receivable_id": invoice.receivable_id,
        "issued_at": payload["issued_at"],
        "paid_at": payload["paid_at"],
        "cancelled_at": payload["cancelled_at"],
        "cancel_reason": invoice.cancel_reason,
        "sent_at": iso_datetime(invoice.sent_at),
        "nfe_number": invoice.nfe_number or None,
        "nfe_key": invoice.nfe_key or None,
        "nfe_status": invoice.nfe_status or None,
        "nfe_xml_url": _signed_link(invoice.nfe_xml),
        "nfe_pdf_url": _signed_link(invoice.nfe_pdf),
        "cfdi_uuid": invoice.cfdi_uuid or None,
        "cfdi_xml_url": _signed_link(invoice.cfdi_xml),
        "cfdi_pdf_url": _signed_link(invoice.cfdi_pdf),
        "fiscal_document": invoice.fiscal_document or None,
        "fiscal_message": fiscal_message(invoice) or None,
        "fiscal_events": [fiscal_event_representation(event) for event in invoice.fiscal_events.all()],
        "created_at": payload["created_at"],
        "updated_at": payload["updated_at"],
    }


def fiscal_event_representation(event: FiscalEvent) -> dict:
    return {
        "kind": event.kind, "sequence": event.sequence, "text": event.text, "code": event.code,
        "reason": event.reason, "protocol": event.protocol, "xml_url": _signed_link(event.xml),
        "pdf_url": _signed_link(event.pdf), "created_at": iso_datetime(event.created_at),
    }


class FiscalEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FiscalEventKind.choices)
    sequence = serializers.IntegerField(help_text="The correction letter's number, the payment's installment.")
    text = serializers.CharField(help_text="The reason or correction as given (a payment's method).")
    code = serializers.CharField(help_text="The authority's code (SAT's reason code of a CFDI's cancellation).")
    reason = serializers.CharField(help_text="The authority's words, as it wrote them.")
    protocol = serializers.CharField(help_text="Its protocol, or the payment complement's UUID.")
    xml_url = serializers.URLField(allow_null=True, help_text="A signed link that expires.")
    pdf_url = serializers.URLField(allow_null=True, help_text="A signed link that expires.")
    created_at = serializers.DateTimeField()


class InvoiceItemSerializer(serializers.ModelSerializer):
    quantity = serializers.FloatField(help_text="How many units (a JSON number).")
    unit_price = serializers.DecimalField(max_digits=21, decimal_places=10)
    tax_rate = serializers.FloatField(help_text="A percentage: 18 for 18 %.")
    total = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Quantity × unit price, rounded to the currency, less the discount."
    )

    class Meta:
        model = InvoiceItem
        fields = ["id", "description", "quantity", "unit_price", "discount", "tax_rate", "total",
                  *services.ITEM_FISCAL_FIELDS, "product_id"]


class InvoiceSerializer(serializers.ModelSerializer):
    customer = CustomerSerializer(read_only=True)
    status = serializers.ChoiceField(
        choices=InvoiceStatus.choices, read_only=True,
        help_text="As of today in the company's time zone: an issued invoice past its due date is overdue.",
    )
    items = InvoiceItemSerializer(many=True, read_only=True)
    formatted = inline_serializer("InvoiceFormattedTotals", {
        field: serializers.CharField() for field in ("subtotal", "discount", "tax", "total")
    }, help_text="The totals written for the request's locale.")
    receivable_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Its receivable in finance, once issued."
    )
    payment_link = serializers.URLField(read_only=True, allow_null=True)
    nfe_number = serializers.CharField(read_only=True, allow_null=True)
    nfe_key = serializers.CharField(read_only=True, allow_null=True)
    nfe_status = serializers.ChoiceField(choices=FiscalStatus.choices, read_only=True, allow_null=True)
    nfe_xml_url = serializers.URLField(read_only=True, allow_null=True, help_text="A signed link that expires.")
    nfe_pdf_url = serializers.URLField(read_only=True, allow_null=True, help_text="A signed link that expires.")
    cfdi_uuid = serializers.CharField(read_only=True, allow_null=True)
    cfdi_xml_url = serializers.URLField(read_only=True, allow_null=True, help_text="A signed link that expires.")
    cfdi_pdf_url = serializers.URLField(read_only=True, allow_null=True, help_text="A signed link that expires.")
    fiscal_document = serializers.ChoiceField(choices=FiscalDocumentKind.choices, read_only=True, allow_null=True)
    fiscal_message = serializers.CharField(
        read_only=True, allow_null=True,
        help_text="The authority's last answer (authorised, denied, rejected with its code and words) in the"
        " request's language.",
    )
    fiscal_events = FiscalEventSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id", "number", "customer", "issue_date", "due_date", "currency", "status", "language", "items",
            "invoice_discount", "subtotal", "discount", "tax", "total", "formatted", "notes", "payment_link",
            "receivable_id", "issued_at", "paid_at", "cancelled_at", "cancel_reason", "sent_at", "nfe_number",
            "nfe_key", "nfe_status", "nfe_xml_url", "nfe_pdf_url", "cfdi_uuid", "cfdi_xml_url", "cfdi_pdf_url",
            "fiscal_document", "fiscal_message", "fiscal_events", "created_at", "updated_at",
        ]

    def to_representation(self, instance: Invoice) -> dict:
        return invoice_representation(instance)


# --- Writing -------------------------------------------------------------------------------------


class InvoiceItemWriteSerializer(input_serializers.Serializer):
    description = serializers.CharField(max_length=500, required=False, help_text="By default the product's name.")
    quantity = input_serializers.NumberField(
        max_digits=15, decimal_places=6, min_value=Decimal("0.000001"), max_value=Decimal("999999999"),
        help_text="How many units, up to 6 decimals (a JSON number: 40, 1.5).",
    )
    unit_price = serializers.DecimalField(
        max_digits=21, decimal_places=10, min_value=Decimal(0), required=False,
        help_text="Up to 10 decimals: \"150.00\", \"0.125\". By default the product's sale price.",
    )
    discount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal(0), required=False,
        help_text="An amount off this item, in the invoice's currency, no more than its quantity × unit price.",
    )
    tax_rate = input_serializers.NumberField(
        max_digits=7, decimal_places=4, min_value=Decimal(0), max_value=Decimal(100), required=False,
        help_text="A percentage: 18 for 18 %.",
    )
    ncm = serializers.RegexField(
        r"^(\d{8}|00)$", required=False, allow_blank=True,
        help_text="Brazil's NCM: 8 digits, or 00 for a service line.",
    )
    cfop = serializers.RegexField(
        r"^\d{4}$", required=False, allow_blank=True,
        help_text="Brazil's CFOP; left empty, resale of goods bought from third parties: 5102 inside the company's"
        " state, 6102 to another, 6108 to a consumer of another state not registered for ICMS.",
    )
    service_code = serializers.RegexField(
        r"^\d{2}\.?\d{2}\.?\d{2}$", required=False, allow_blank=True,
        help_text="The NFS-e's national service code (LC 116 item, subitem, desdobro): 01.07.01.",
    )
    sat_product_code = serializers.RegexField(
        r"^\d{8}$", required=False, allow_blank=True,
        help_text="Mexico's ClaveProdServ; left empty, 01010101 (\"No existe en el catálogo\").",
    )
    sat_unit_code = serializers.RegexField(
        r"^[A-Za-z0-9]{2,3}$", required=False, allow_blank=True,
        help_text="Mexico's ClaveUnidad; left empty, ACT for a service and H87 for goods.",
    )
    product_id = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), source="product", required=False, allow_null=True,
        help_text="An inventory product: the line starts from its name, sale price and fiscal codes, and issuing"
        " the invoice takes its stock out (refused when the stock is short); cancelling brings it back.",
    )

    def validate(self, attrs: dict) -> dict:
        # A PATCH is partial, its items are not: they replace the invoice's, whole. A product's
        # line takes its description and price from the product.
        needed = ("quantity",) if attrs.get("product") is not None else ("description", "quantity", "unit_price")
        missing = [name for name in needed if name not in attrs]
        if missing:
            required = {name: [self.fields[name].error_messages["required"]] for name in missing}
            raise serializers.ValidationError(required)
        return attrs


class InvoiceWriteSerializer(input_serializers.Serializer):
    customer_id = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), source="customer", help_text="A CRM contact of this workspace.",
    )
    issue_date = serializers.DateField()
    due_date = serializers.DateField(help_text="On or after the issue date.")
    currency = serializers.ChoiceField(choices=Currency.choices)
    items = InvoiceItemWriteSerializer(
        many=True, allow_empty=False, max_length=services.MAX_ITEMS,
        help_text="At least one. In a PATCH they replace the invoice's items as a whole.",
    )
    invoice_discount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal(0), required=False,
        help_text="An amount off the whole invoice, spread over its items before tax.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False,
        help_text="What its PDF and mail are written in; by default Portuguese for a customer in Brazil, Spanish in"
        " Mexico (by their phone's country, else the company's), else the company's language.",
    )


class InvoiceCancelSerializer(input_serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="With an authorised NF-e, 15 to 255 characters: SEFAZ's justification.",
    )
    cancel_reason_code = serializers.ChoiceField(
        choices=[("01", "01"), ("02", "02"), ("03", "03"), ("04", "04")], required=False,
        help_text="With a CFDI: SAT's reason (01 errors with relation, 02 errors without relation, 03 the operation"
        " did not happen, 04 nominative operation in a global invoice).",
    )
    substitute_uuid = serializers.UUIDField(
        required=False, format="hex_verbose", help_text="With reason 01: the UUID of the CFDI that replaces it.",
    )

    def validate(self, attrs: dict) -> dict:
        if "substitute_uuid" in attrs:
            attrs["substitute_uuid"] = str(attrs["substitute_uuid"])
        return attrs


class InvoiceCorrectionSerializer(input_serializers.Serializer):
    correction = serializers.CharField(
        max_length=1000, help_text="What the correction letter (CC-e) corrects: 15 to 1,000 characters. It cannot"
        " change amounts, taxes, the parties or the dates.",
    )


class InvoiceMarkPaidSerializer(input_serializers.Serializer):
    paid_at = serializers.DateTimeField(required=False, help_text="When it was paid; now when left out.")
    method = serializers.ChoiceField(choices=PaymentMethod.choices, help_text="How it was paid.")


class InvoiceSendSerializer(input_serializers.Serializer):
    to = serializers.EmailField(required=False, allow_blank=True, help_text="The customer's email when left out.")


# --- Views ---------------------------------------------------------------------------------------


@extend_schema(tags=["Invoicing: invoices"])
@extend_schema_view(
    create=extend_schema(description=f"A draft invoice, numbered INV-<year>-<seq>. {TOTALS_DESCRIPTION}"),
    partial_update=extend_schema(description=f"A draft only; `items` replace its items. {TOTALS_DESCRIPTION}"),
    destroy=extend_schema(description="A draft only: an issued invoice is cancelled instead."),
)
class InvoiceViewSet(ServiceViewSet):

    feature = Feature.INVOICING
    serializer_class = InvoiceSerializer
    write_serializer_class = InvoiceWriteSerializer
    filterset_class = InvoiceFilter
    queryset = Invoice.objects.none()

    def get_queryset(self):
        return selectors.invoice_list()

    access_record = staticmethod(access.access_invoice)

    def create_record(self, data):
        return services.invoice_create(actor=self.request.user, **data)

    def update_record(self, invoice, data):
        return services.invoice_update(actor=self.request.user, invoice=invoice, changes=data)

    def delete_record(self, invoice):
        services.invoice_delete(actor=self.request.user, invoice=invoice)

    def answer(self, record, *args, **kwargs):
        return super().answer(self._fresh(record), *args, **kwargs)

    def _fresh(self, invoice: Invoice) -> Invoice:
        """The invoice as the list reads it (items, status as of today) after a service changed it."""
        return selectors.invoice_list().get(pk=invoice.pk)

    @extend_schema(request=None, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk=None) -> Response:
        """The draft becomes due: its receivable in finance, and, when the fiscal settings say so, its
        fiscal document by the company's country (NF-e or NFS-e in Brazil, CFDI in Mexico). Everything a
        tax authority would refuse is named at once in one 400; a rejection is a 400 with its code and
        words, and nothing of the issue stays (fix the data, issue again). An NF-e a provider rejects
        later is sent again, under its number, by issuing the invoice again."""
        return self.answer(services.invoice_issue(actor=request.user, invoice=self.access(for_write=True)))

    @extend_schema(request=InvoiceCancelSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        """Its receivable is cancelled, its pending charges withdrawn and its fiscal document cancelled with
        the authority (an NF-e within 24 hours; a CFDI with SAT's reason); a paid invoice cannot be cancelled."""
        invoice = self.access(for_write=True)
        data = self.validated(InvoiceCancelSerializer)
        return self.answer(services.invoice_cancel(actor=request.user, invoice=invoice, **data))

    @extend_schema(request=InvoiceCorrectionSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def correction(self, request: Request, pk=None) -> Response:
        """A correction letter (CC-e) for the invoice's authorised NF-e; each replaces the one before."""
        invoice = self.access(for_write=True)
        data = self.validated(InvoiceCorrectionSerializer)
        invoice_correction_letter(actor=request.user, invoice=invoice, **data)
        return self.answer(invoice)

    @extend_schema(request=InvoiceMarkPaidSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def mark_paid(self, request: Request, pk=None) -> Response:
        """A payment that came some other way (a transfer, cash): the invoice and its receivable are settled."""
        invoice = self.access(for_write=True)
        data = self.validated(InvoiceMarkPaidSerializer)
        return self.answer(services.invoice_mark_paid(actor=request.user, invoice=invoice, **data))

    @extend_schema(request=InvoiceSendSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk=None) -> Response:
        """By email, with its PDF, in the invoice's language, to the customer (or `to`)."""
        invoice = self.access(for_write=True)
        data = self.validated(InvoiceSendSerializer)
        return self.answer(services.invoice_send(actor=request.user, invoice=invoice, **data))

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], filter_backends=[])
    def pdf(self, request: Request, pk=None) -> HttpResponse:
        """The invoice as a PDF, in its own language."""
        invoice = self.access()
        response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=False, filename=invoice_pdf_filename(invoice)
        )
        return response


"""GET /api/v1/analytics/dashboard/ and POST /api/v1/analytics/reports/ (+ GET reports/{id}/, the
status a client polls). Parse, call the selector or service, write JSON."""

from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from modules.core import serializers as input_serializers
from modules.core.api import IsTenantMember, ServiceActions, feature_gate, respond_async
from modules.core.formats import amount_json, iso_date, iso_datetime
from modules.finance.api_cashflow import DayField, WholeAnswerSchema
from modules.tenancy.plans import Feature

from . import dashboard as figures
from . import services
from .access import access_report
from .models import Report, ReportFormat, ReportStatus
from .reports import REPORT_TYPES


class SentIsGiven:
    """A parameter that may be left out, but not sent empty: DRF takes `start_date=` in a query
    for "left out", and the schema says an empty value is no date and no choice."""

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, empty)


class OptionalDayField(SentIsGiven, DayField):
    pass


class OptionalChoiceField(SentIsGiven, serializers.ChoiceField):
    pass


class DashboardQuerySerializer(input_serializers.Serializer):
    period = OptionalChoiceField(
        choices=figures.PERIODS, default="30d",
        help_text="The last 7, 30 or 90 days (today included), the year to date, or custom"
        " (start_date to end_date).",
    )
    start_date = OptionalDayField(required=False, help_text="With period=custom: the first day.")
    end_date = OptionalDayField(
        required=False,
        help_text="With period=custom: the last day, included, on or after start_date (at most 3 years).",
    )


class ChartPointSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day, or the first day of the week or month (cut to the period).")
    value = serializers.CharField(help_text="Sales of that day, week or month.")


class CurrencyTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    total = serializers.CharField()


class SalesSerializer(serializers.Serializer):
    total = serializers.CharField(help_text="Issued, overdue and paid invoices of the period, in `currency`.")
    change_percent = serializers.FloatField(
        allow_null=True, help_text="Against the previous period of the same length; null when it sold nothing."
    )
    chart = ChartPointSerializer(many=True)
    granularity = serializers.ChoiceField(choices=["day", "week", "month"])
    other_currencies = CurrencyTotalSerializer(
        many=True, help_text="Invoices in other currencies, per currency: never converted or added to `total`."
    )


class LeadsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Leads created in the period.")
    new_today = serializers.IntegerField()
    conversion_rate = serializers.FloatField(help_text="Percentage of the period's leads converted.")


class ReceivableSerializer(serializers.Serializer):
    total = serializers.CharField(help_text="Left to receive on open receivables, today.")
    overdue = serializers.CharField(help_text="The part of it past its due date.")


class DashboardSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text="The company's main currency: every amount's.")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    sales = SalesSerializer()
    leads = LeadsSerializer()
    receivable = ReceivableSerializer()


DASHBOARD = """Sales, leads and receivables of a period, in the company's time zone and main
currency. Invoices in other currencies are listed apart in `sales.other_currencies`, never converted.
The chart goes by day up to 31 days, by week (from Monday) up to 180, else by month."""


@extend_schema(tags=["Analytics"])
class DashboardViewSet(viewsets.ViewSet):
    permission_classes = [IsTenantMember, feature_gate(Feature.ANALYTICS)]
    schema = WholeAnswerSchema()

    @extend_schema(
        operation_id="analytics_dashboard", parameters=[DashboardQuerySerializer], responses=DashboardSerializer,
        description=DASHBOARD,
    )
    def list(self, request: Request) -> Response:
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        period = figures.period_resolve(
            period=params["period"], start=params.get("start_date"), end=params.get("end_date")
        )
        return Response(dashboard_json(figures.dashboard(period=period)))


def dashboard_json(board: figures.Dashboard) -> dict:
    def money(amount):
        return amount_json(amount, board.currency)

    return {
        "currency": board.currency,
        "start_date": iso_date(board.period.start),
        "end_date": iso_date(board.period.end),
        "sales": {
            "total": money(board.sales_total),
            "change_percent": board.change_percent,
            "chart": [{"date": iso_date(day), "value": money(value)} for day, value in board.chart],
            "granularity": board.granularity,
            "other_currencies": [
                {"currency": code, "total": amount_json(total, code)} for code, total in board.other_currencies
            ],
        },
        "leads": {
            "total": board.leads_total, "new_today": board.leads_new_today, "conversion_rate": board.conversion_rate,
        },
        "receivable": {"total": money(board.receivable_total), "overdue": money(board.receivable_overdue)},
    }


# --- Reports ---------------------------------------------------------------------------------------


class ReportRequestSerializer(input_serializers.Serializer):
    type = serializers.ChoiceField(choices=list(REPORT_TYPES), help_text="What the report holds.")
    start_date = DayField(help_text="The range's first day.")
    end_date = DayField(help_text="The range's last day, included: on or after start_date, at most 3 years later.")
    format = serializers.ChoiceField(choices=ReportFormat.values)


class ReportSerializer(serializers.Serializer):
    report_id = serializers.UUIDField()
    type = serializers.CharField()
    format = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    status = serializers.ChoiceField(choices=ReportStatus.values)
    rows = serializers.IntegerField(allow_null=True)
    status_url = serializers.URLField(help_text="Where to poll the report's status.")
    download_url = serializers.URLField(
        allow_null=True, help_text="A signed link to the file on the workspace's own host, once ready."
    )
    expires_at = serializers.DateTimeField(allow_null=True, help_text="When download_url stops opening.")
    error = serializers.CharField(allow_blank=True)


REPORTS = """Make a report file. Types: """ + ", ".join(f"`{key}`" for key in REPORT_TYPES) + """.

A report of at most 1,000 rows is made in the request: **200** with `download_url`, a signed link
that opens on this workspace's host until `expires_at`. A longer one (or any, with
`Prefer: respond-async`) is made by a worker: **202** with `status_url` to poll until `status` is
`done` (or `failed`). Money is in the company's main currency; records in other currencies are left out.
`receivables_aging` and `stock_valuation` are pictures of today, whatever the range."""


@extend_schema(tags=["Analytics"])
class ReportViewSet(ServiceActions):
    feature = Feature.ANALYTICS
    serializer_class = ReportSerializer
    access_record = staticmethod(access_report)
    queryset = Report.objects.none()  # the schema's path parameter type; access_report reads
    lookup_value_regex = "[0-9a-f-]{36}"
    error_statuses = (404,)

    @extend_schema(
        operation_id="analytics_report_create", request=ReportRequestSerializer, description=REPORTS,
        responses={200: ReportSerializer, 202: OpenApiResponse(ReportSerializer, description="Being made.")},
    )
    def create(self, request: Request) -> Response:
        fields = self.validated(ReportRequestSerializer)
        report = services.report_request(
            actor=request.user, type=fields["type"], format=fields["format"], start=fields["start_date"],
            end=fields["end_date"], language=get_language(), queue=respond_async(request),
        )
        code = status.HTTP_200_OK if report.status == ReportStatus.DONE else status.HTTP_202_ACCEPTED
        return Response(report_json(report, request), status=code)

    @extend_schema(operation_id="analytics_report_status", responses=ReportSerializer)
    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(report_json(self.access(), request))


def report_json(report: Report, request: Request) -> dict:
    link = services.report_link(report)
    return {
        "report_id": str(report.pk), "type": report.type, "format": report.format,
        "start_date": iso_date(report.start_date), "end_date": iso_date(report.end_date),
        "status": report.status, "rows": report.rows,
        "status_url": reverse("api:analytics-report-detail", args=[report.pk], request=request),
        "download_url": link[0] if link else None,
        "expires_at": iso_datetime(link[1]) if link else None,
        "error": report.error,
    }

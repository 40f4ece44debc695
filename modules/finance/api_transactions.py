"""/api/v1/finance/transactions/: a bank account's statement lines, and the import of a statement
file (OFX or CSV) into it. Parse, call a service, serialize.

Reconciliation registers its own actions under the same prefix (`{id}/reconcile/`, ...): the
detail routes here take numeric ids only, so `auto_reconcile/` never reads as a line's id.
"""

from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from modules.core import serializers as input_serializers
from modules.core.api import RecordViewSet, respond_async
from modules.core.imports import import_job_json
from modules.core.models import ImportJob, ImportStatus
from modules.core.money import Currency, format_money
from modules.tenancy.plans import Feature

from . import events, statements, transactions
from .filters_transactions import TransactionFilter
from .models import Category, Transaction, TransactionSource, TransactionType

# --- Reading ---------------------------------------------------------------------------------------


class BankAccountRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    bank = serializers.CharField()
    currency = serializers.ChoiceField(choices=Currency.choices)


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField()
    parent_id = serializers.IntegerField(allow_null=True)
    color = serializers.CharField()


class TransactionSerializer(serializers.Serializer):
    """A statement line: the spec's Transaction, plus what of it is reconciled, its currency and
    its amount written for the reader (their locale)."""

    id = serializers.IntegerField()
    bank_account = BankAccountRefSerializer()
    date = serializers.DateField()
    description = serializers.CharField()
    amount = serializers.CharField(help_text="Positive; `type` says which way the money went.")
    formatted = serializers.CharField(help_text="The amount in the request's locale.")
    type = serializers.ChoiceField(choices=TransactionType.choices)
    currency = serializers.ChoiceField(choices=Currency.choices)
    category = CategoryRefSerializer(allow_null=True)
    matched_account_id = serializers.IntegerField(allow_null=True)
    reconciled = serializers.BooleanField()
    reconciled_amount = serializers.CharField(help_text="How much of the line is given to accounts.")
    source = serializers.ChoiceField(choices=TransactionSource.choices)
    created_at = serializers.DateTimeField()

    def to_representation(self, instance: Transaction) -> dict:
        return transaction_representation(instance)


def transaction_representation(line: Transaction) -> dict:
    payload = events.transaction_json(line)
    bank_account = line.bank_account
    return {
        "id": line.pk,
        "bank_account": {
            "id": bank_account.pk, "name": bank_account.name, "bank": bank_account.bank,
            "currency": bank_account.currency,
        },
        "date": payload["date"],
        "description": line.description,
        "amount": payload["amount"],
        "formatted": format_money(line.amount, bank_account.currency),
        "type": line.type,
        "currency": bank_account.currency,
        "category": events.category_json(line.category),
        "matched_account_id": line.matched_account_id,
        "reconciled": line.reconciled,
        "reconciled_amount": payload["reconciled_amount"],
        "source": line.source,
        "created_at": serializers.DateTimeField().to_representation(line.created_at),
    }


# --- Writing ---------------------------------------------------------------------------------------


class TransactionWriteSerializer(input_serializers.Serializer):
    """A line's figures are the bank's: its category is all a person changes. Sending a figure
    is refused rather than ignored, so a client never believes it changed one."""

    category_id = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), source="category", allow_null=True
    )

    BANKS_FIGURES = (
        "bank_account", "bank_account_id", "date", "description", "amount", "type", "currency", "source",
        "reconciled", "reconciled_amount", "matched_account_id",
    )

    def validate(self, attrs):
        sent = [name for name in self.BANKS_FIGURES if name in self.initial_data]
        if sent:
            raise serializers.ValidationError(
                {name: [_("A statement line's figures are the bank's: only its category can change.")] for name in sent}
            )
        return attrs


class StatementImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="An OFX statement (1.x or 2.x), or a CSV with a date, a description and an amount (or debit and "
        "credit) column; UTF-8 or Latin-1, separated by `,` or `;`."
    )
    bank_account_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class StatementImportReportSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    duplicates = serializers.IntegerField(help_text="Lines the bank account already had, skipped.")


class StatementImportJobSerializer(StatementImportReportSerializer):
    """An import running in the background (core.imports.import_job_json, with its duplicates)."""

    id = serializers.IntegerField()
    file_name = serializers.CharField()
    status = serializers.ChoiceField(choices=ImportStatus.choices)
    progress = serializers.IntegerField(help_text="Percent done.")
    failure = serializers.CharField(help_text="Why the file was refused, when it failed.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


def import_job_representation(job: ImportJob) -> dict:
    fields = ("id", "file_name", "status", "progress", "imported", "failure", "created_at", "finished_at")
    payload = import_job_json(job)
    return {**{name: payload[name] for name in fields}, "duplicates": job.duplicates}


# --- Views -----------------------------------------------------------------------------------------


@extend_schema(tags=["Finance: transactions"])
class TransactionViewSet(RecordViewSet):
    feature = Feature.FINANCE
    serializer_class = TransactionSerializer
    write_serializer_class = TransactionWriteSerializer
    filterset_class = TransactionFilter
    queryset = Transaction.objects.none()
    lookup_value_regex = r"[0-9]+"
    error_statuses = (404,)  # an import into a bank account this workspace does not have

    def get_queryset(self):
        return transactions.transaction_list()

    access_record = staticmethod(transactions.access_line)

    def update_record(self, line, data):
        return transactions.transaction_update(actor=self.request.user, line=line, changes=data)

    def delete_record(self, line):
        transactions.transaction_delete(actor=self.request.user, line=line)

    @extend_schema(
        request={"multipart/form-data": StatementImportSerializer},
        description="Imports a statement into a bank account and answers how many lines came in and how many it "
        "already had. A file with a line that cannot be read (or in another currency than the bank account) is "
        "refused whole: 400, nothing imported. With `Prefer: respond-async` (RFC 7240) the import runs as a "
        "background job instead: 202 with the job, whose `Location` the client polls.",
        responses={200: StatementImportReportSerializer, 202: StatementImportJobSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_statement(self, request: Request) -> Response:
        data = self.validated(StatementImportSerializer)
        if respond_async(request):
            job = statements.statement_import_start(
                actor=request.user, bank_account_id=data["bank_account_id"], file=data["file"],
                language=translation.get_language(),
            )
            url = self.reverse_action("import-job", kwargs={"pk": job.pk})
            return Response(
                import_job_representation(job), status=status.HTTP_202_ACCEPTED, headers={"Location": url}
            )
        report = statements.statement_import(
            actor=request.user, bank_account_id=data["bank_account_id"], file=data["file"]
        )
        return Response({"imported": report.imported, "duplicates": report.duplicates})

    @extend_schema(responses=StatementImportJobSerializer)
    @action(detail=False, methods=["get"], url_path=r"import/(?P<pk>[0-9]+)", url_name="import-job")
    def import_job(self, request: Request, pk: str) -> Response:
        """An import started with `Prefer: respond-async`: queued, running (with its progress), done
        (with its counts) or failed (with why)."""
        try:
            job = ImportJob.objects.filter(kind=statements.IMPORT_KIND).defer("content", "rejected").get(pk=int(pk))
        except (ImportJob.DoesNotExist, OverflowError):
            raise Http404 from None
        return Response(import_job_representation(job))


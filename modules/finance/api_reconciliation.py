"""/api/v1/finance/transactions/: reconciling statement lines with payables and receivables.
Parse, call reconciliation.py, serialize.

These actions sit under the statement lines' prefix beside the viewset that lists and imports
them (api_transactions.py); this one has no list and no detail of its own, so the two never
answer the same URL.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from modules.core import serializers as input_serializers
from modules.core.api import ServiceActions
from modules.core.formats import amount_json, iso_date
from modules.core.money import format_money
from modules.tenancy.plans import Feature

from . import matching, reconciliation
from .access import access_bank_account, access_transaction
from .models import AccountStatus, AccountType, PaymentMethod, TransactionType

# --- Reading ---------------------------------------------------------------------------------


class PaymentSerializer(serializers.Serializer):
    account_id = serializers.IntegerField()
    transaction_id = serializers.IntegerField(allow_null=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_at = serializers.DateTimeField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices, allow_null=True)


class ReconciledTransactionSerializer(serializers.Serializer):
    """A statement line with the payments it made (events.transaction_json, plus `payments`)."""

    id = serializers.IntegerField()
    bank_account_id = serializers.IntegerField()
    date = serializers.DateField()
    description = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    type = serializers.ChoiceField(choices=TransactionType.choices)
    currency = serializers.CharField()
    matched_account_id = serializers.IntegerField(allow_null=True)
    reconciled_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reconciled = serializers.BooleanField()
    payments = PaymentSerializer(many=True)


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["exact_amount", "near_amount", "reference", "invoice", "name", "due_date"])
    text = serializers.CharField(help_text="In the request's language.")


class CustomerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SuggestedAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=AccountType.choices)
    description = serializers.CharField()
    reference = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=AccountStatus.choices)
    customer = CustomerRefSerializer(allow_null=True)
    vendor = serializers.CharField()
    invoice_id = serializers.IntegerField(allow_null=True)


class SuggestionSerializer(serializers.Serializer):
    account = SuggestedAccountSerializer()
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="What reconciling with this account would give it."
    )
    amount_formatted = serializers.CharField(help_text="The amount in the request's locale.")
    confidence = serializers.IntegerField(min_value=0, max_value=100)
    reasons = ReasonSerializer(many=True)

    def to_representation(self, suggestion: matching.Suggestion) -> dict:
        account, currency = suggestion.account, suggestion.account.currency
        return {
            "account": {
                "id": account.pk, "name": account.name, "type": account.type, "description": account.description,
                "reference": account.reference, "amount": amount_json(account.amount, currency),
                "paid_amount": amount_json(account.paid_amount, currency),
                "remaining": amount_json(account.remaining, currency), "currency": currency,
                "due_date": iso_date(account.due_date), "status": account.status,
                "customer": {"id": account.customer.pk, "name": account.customer.name} if account.customer else None,
                "vendor": account.vendor, "invoice_id": account.invoice_id,
            },
            "amount": amount_json(suggestion.amount, currency),
            "amount_formatted": format_money(suggestion.amount, currency),
            "confidence": suggestion.confidence,
            "reasons": [{"code": reason.code, "text": reason.text} for reason in suggestion.reasons],
        }


class AutoMatchSerializer(serializers.Serializer):
    transaction_id = serializers.IntegerField()
    account_id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    confidence = serializers.IntegerField()


SKIP_REASONS = ["no_suggestion", "low_confidence", "ambiguous", "claimed", "not_permitted", "changed"]


class AutoReportSerializer(serializers.Serializer):
    reconciled = serializers.IntegerField()
    skipped = serializers.IntegerField()
    matches = AutoMatchSerializer(many=True)
    skipped_by_reason = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Lines left alone, by why: " + ", ".join(SKIP_REASONS) + ".",
    )
    examined = serializers.IntegerField(help_text="Lines looked at in this run.")
    left_out = serializers.IntegerField(
        help_text=f"Lines past the {reconciliation.AUTO_MAX_LINES:,} a run looks at (oldest first): run it again."
    )
    confidence_needed = serializers.IntegerField()
    margin_needed = serializers.IntegerField()

    def to_representation(self, report: reconciliation.AutoReport) -> dict:
        return {
            "reconciled": len(report.matches),
            "skipped": sum(report.skipped.values()),
            "matches": report.matches,
            "skipped_by_reason": {reason: report.skipped[reason] for reason in SKIP_REASONS},
            "examined": report.examined,
            "left_out": report.left_out,
            "confidence_needed": reconciliation.AUTO_CONFIDENCE,
            "margin_needed": reconciliation.AUTO_MARGIN,
        }


# --- Writing ---------------------------------------------------------------------------------

AMOUNT_HELP = "Left out: the smaller of what is left on the account and on the line."


class AllocationSerializer(input_serializers.Serializer):
    account_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False, help_text=AMOUNT_HELP
    )


class ReconcileSerializer(input_serializers.Serializer):
    """One account (`account_id`, maybe `amount`), or several (`accounts`): not both."""

    account_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False, help_text=AMOUNT_HELP
    )
    accounts = serializers.ListField(child=AllocationSerializer(), required=False, allow_empty=False, max_length=100)

    def validate(self, attrs):
        if ("accounts" in attrs) == ("account_id" in attrs):
            raise serializers.ValidationError(
                {"account_id": [_("Send account_id (with an optional amount) or a list of accounts.")]}
            )
        if "accounts" in attrs and "amount" in attrs:
            raise serializers.ValidationError({"amount": [_("With a list of accounts, give each its amount there.")]})
        return attrs

    @staticmethod
    def allocations(data: dict) -> list[reconciliation.Allocation]:
        chosen = data.get("accounts", [data])
        return [reconciliation.Allocation(item["account_id"], item.get("amount")) for item in chosen]


class AutoReconcileSerializer(input_serializers.Serializer):
    bank_account_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    date_after = serializers.DateField(required=False, help_text="Lines of this day and after.")
    date_before = serializers.DateField(required=False, help_text="Lines of this day and before.")


# --- Views -----------------------------------------------------------------------------------


@extend_schema(tags=["Finance: reconciliation"])
class ReconciliationViewSet(ServiceActions):
    """Statement lines matched with what they pay: any member may work on lines; giving one to an
    account takes the right to change that account."""

    feature = Feature.FINANCE
    serializer_class = ReconciledTransactionSerializer
    lookup_value_regex = r"[0-9]+"
    error_statuses = (404,)  # auto_reconcile's bank_account_id too: another workspace's is not found

    def access(self, *, for_write: bool = False, for_delete: bool = False):
        # Statement lines are never deleted here (access_transaction takes no for_delete).
        return access_transaction(self.request.user, self.kwargs["pk"], for_write=for_write)

    def answer_line(self, line) -> Response:
        return Response(reconciliation.transaction_with_payments_json(line))

    @extend_schema(request=ReconcileSerializer, responses=ReconciledTransactionSerializer)
    @action(detail=True, methods=["post"])
    def reconcile(self, request: Request, pk=None) -> Response:
        """Give the line (what is left of it) to one account or several. An account is paid once
        nothing is left on it; the line is reconciled once all of it is given."""
        line = self.access(for_write=True)
        data = self.validated(ReconcileSerializer)
        line = reconciliation.transaction_reconcile(
            actor=request.user, line=line, allocations=ReconcileSerializer.allocations(data)
        )
        return self.answer_line(line)

    @extend_schema(request=None, responses=ReconciledTransactionSerializer)
    @action(detail=True, methods=["post"])
    def unreconcile(self, request: Request, pk=None) -> Response:
        """Take back every payment the line made; its accounts are open again."""
        line = reconciliation.transaction_unreconcile(actor=request.user, line=self.access(for_write=True))
        return self.answer_line(line)

    @extend_schema(responses=SuggestionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def suggestions(self, request: Request, pk=None) -> Response:
        """The open accounts the line may settle, best first (ten at most), each with its
        confidence (0 to 100) and the reasons for it."""
        suggestions = matching.transaction_suggestions(self.access())
        return Response(SuggestionSerializer(suggestions, many=True).data)

    @extend_schema(request=AutoReconcileSerializer, responses=AutoReportSerializer)
    @action(detail=False, methods=["post"], filter_backends=[])
    def auto_reconcile(self, request: Request) -> Response:
        """Reconcile the lines whose best suggestion leaves no doubt: exactly the amount left on
        the account, a confidence of at least `confidence_needed` and `margin_needed` more than
        the next suggestion; never a tie, and one line at most for an account."""
        data = self.validated(AutoReconcileSerializer)
        bank_account = None
        if "bank_account_id" in data:
            bank_account = access_bank_account(request.user, data["bank_account_id"])
        report = reconciliation.transactions_auto_reconcile(
            actor=request.user, bank_account=bank_account,
            date_after=data.get("date_after"), date_before=data.get("date_before"),
        )
        return Response(AutoReportSerializer(report).data)

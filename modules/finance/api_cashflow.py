"""GET /api/v1/finance/cash-flow/: the realised cash flow of a range and, on request, its
projection (modules/finance/cashflow.py holds the rules). Parse, call the selector, write JSON."""

import re

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from modules.core import serializers as input_serializers
from modules.core.api import IsTenantMember, feature_gate
from modules.core.filters import ID_MAX
from modules.core.formats import amount_json, iso_date
from modules.core.money import Currency
from modules.core.openapi import AutoSchema
from modules.tenancy.plans import Feature

from . import cashflow
from .access import access_bank_account
from .cashflow import CashFlow, Granularity

# The years dates are taken in (core.filters.FILTER_YEARS, 1900 to 2199), written YYYY-MM-DD.
DATE_PATTERN = r"^(19|2[01])[0-9]{2}-[0-9]{2}-[0-9]{2}$"


@extend_schema_field({"type": "string", "format": "date", "pattern": DATE_PATTERN, "example": "2025-11-01"})
class DayField(serializers.DateField):
    """A day written YYYY-MM-DD only (Python also reads 20251101 and 2025-W45-3 as dates)."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class TrueOrFalseField(serializers.BooleanField):
    """`true` or `false`, as the schema's boolean is written (DRF's own also takes 1, yes, on...)."""

    TRUE_VALUES = {"true"}
    FALSE_VALUES = {"false", False}  # False: DRF's reading of a boolean left out of a query
    NULL_VALUES = set()


class CashFlowQuerySerializer(input_serializers.Serializer):
    start_date = DayField(help_text="The range's first day.")
    end_date = DayField(
        help_text="The range's last day, included: on or after start_date, and at most 3 years after it by day,"
        " 10 years by week, 30 years by month."
    )
    granularity = serializers.ChoiceField(
        choices=Granularity.choices, default=Granularity.DAY,
        help_text="One figure a day, a week (periods start on Monday) or a month (on the 1st).",
    )
    projection = TrueOrFalseField(default=False, help_text="Add the projection from today to end_date.")
    currency = serializers.ChoiceField(
        choices=Currency.choices, required=False,
        help_text="Only bank accounts and accounts in this currency count. Default: the bank account's currency"
        " with bank_account_id, else the company's main currency (BRL in Brazil, MXN in Mexico, else USD, unless"
        " its settings name another).",
    )
    bank_account_id = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, required=False,
        help_text="Only this bank account's statement lines and opening balance (404 if this workspace has no"
        " such bank account). The projection still adds every open account of the currency.",
    )


class RealisedPeriodSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The period's first day (a Monday by week, the 1st by month).")
    inflow = serializers.CharField(help_text="Money in: the credits of the period, e.g. \"12000.00\".")
    outflow = serializers.CharField(help_text="Money out: the debits of the period.")
    balance = serializers.CharField(
        help_text="The bank accounts' balance at the period's end: opening balances plus every line until then."
    )


class ProjectedPeriodSerializer(serializers.Serializer):
    date = serializers.DateField()
    expected_inflow = serializers.CharField(help_text="What receivables expected in the period leave to receive.")
    expected_outflow = serializers.CharField(help_text="What payables expected in the period leave to pay.")
    projected_balance = serializers.CharField(help_text="Today's balance plus what is expected until the period's end.")


class CashFlowSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices, help_text="The currency of every amount.")
    data = RealisedPeriodSerializer(many=True)
    projection = ProjectedPeriodSerializer(many=True, help_text="Empty unless projection=true.")


DESCRIPTION = """The cash flow of a range: `data` has every period (zero-filled) with its credits
(`inflow`), debits (`outflow`) and the balance at its end, starting from the bank accounts' opening
balances and every statement line before the range. The first and last periods are cut to the range.

**One currency an answer**: only bank accounts and accounts in `currency` count (see the parameter).

With `projection=true`, `projection` has the periods from today (in the company's time zone) to
`end_date`: what is left to receive on open receivables (`expected_inflow`) and to pay on open payables
(`expected_outflow`, pending or overdue), and the balance they lead to from today's. An account is
expected on its due date, never before today (what is overdue is expected today). A receivable of a
customer with paid receivables is expected on its due date plus the customer's median delay (day paid
minus due date over its paid receivables, in whole days): a customer who always pays 10 days late is
expected 10 days after the due date. The projection is empty when `end_date` is before today.

Amounts are strings with the currency's digits."""


class WholeAnswerSchema(AutoSchema):
    """A viewset's `list` that answers one object (the cash flow of the range), not an array of
    records: drf-spectacular takes every `list` action for one."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


@extend_schema(tags=["Finance: cash flow"])
class CashFlowViewSet(viewsets.ViewSet):
    permission_classes = [IsTenantMember, feature_gate(Feature.FINANCE)]
    schema = WholeAnswerSchema()
    error_statuses = (404,)  # a bank_account_id this workspace does not have

    @extend_schema(
        operation_id="finance_cash_flow", parameters=[CashFlowQuerySerializer], responses=CashFlowSerializer,
        description=DESCRIPTION,
    )
    def list(self, request: Request) -> Response:
        query = CashFlowQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        bank_account_id = params.get("bank_account_id")
        flow = cashflow.cash_flow(
            start=params["start_date"], end=params["end_date"], granularity=params["granularity"],
            currency=params.get("currency"), projection=params["projection"],
            bank_account=access_bank_account(request.user, bank_account_id) if bank_account_id else None,
        )
        return Response(cash_flow_json(flow))


def cash_flow_json(flow: CashFlow) -> dict:
    def money(amount):
        return amount_json(amount, flow.currency)

    return {
        "currency": flow.currency,
        "data": [
            {"date": iso_date(day), "inflow": money(inflow), "outflow": money(outflow), "balance": money(balance)}
            for day, inflow, outflow, balance in flow.data
        ],
        "projection": [
            {
                "date": iso_date(day), "expected_inflow": money(inflow), "expected_outflow": money(outflow),
                "projected_balance": money(balance),
            }
            for day, inflow, outflow, balance in flow.projection
        ],
    }

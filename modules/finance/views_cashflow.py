"""The cash-flow page (/finance/cash-flow/): a chart of the realised and projected cash flow and
the same figures in a table, for the range, granularity, currency and bank account picked in a
form that htmx sends as it changes (the figures are swapped, the address follows). The figures
come from cashflow.cash_flow, as the API's do; static/js/cashflow.js draws the chart from the
data the page hands over with json_script (the Content-Security-Policy allows no inline script).
"""

from datetime import date, timedelta

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from modules.core.exceptions import DomainError
from modules.core.formats import amount_json
from modules.core.forms import ServiceForm, date_input
from modules.core.l10n import date_text
from modules.core.money import Currency, format_language, money_formatter
from modules.workspace import pages

from . import cashflow
from .cashflow import CashFlow, Granularity, Projected, Realised
from .models import BankAccount


class CashFlowForm(ServiceForm):
    start_date = forms.DateField(label=pgettext_lazy("cash flow", "From"), widget=date_input())
    end_date = forms.DateField(label=pgettext_lazy("cash flow", "Until"), widget=date_input())
    granularity = forms.ChoiceField(label=pgettext_lazy("cash flow", "By"), choices=Granularity.choices)
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency"), required=False,
        choices=[("", pgettext_lazy("cash flow", "Main currency")), *Currency.choices],
    )
    bank_account = forms.ModelChoiceField(
        label=pgettext_lazy("cash flow", "Bank account"), queryset=BankAccount.objects.all(), required=False,
        empty_label=pgettext_lazy("cash flow", "All bank accounts"),
    )
    projection = forms.BooleanField(label=pgettext_lazy("cash flow", "Projection"), required=False)


def _first_of_month(day: date, months_later: int) -> date:
    month = day.month - 1 + months_later
    return date(day.year + month // 12, month % 12 + 1, 1)


def default_filters(today: date) -> dict:
    """A first look: the last two months and the next three, by week, with the projection."""
    return {
        "start_date": _first_of_month(today, -2).isoformat(),
        "end_date": (_first_of_month(today, 4) - timedelta(days=1)).isoformat(),
        "granularity": Granularity.WEEK, "projection": "on",
    }


def cash_flow(request):
    form = CashFlowForm(request.GET or default_filters(timezone.localdate()))
    flow = None
    if form.is_valid():
        fields = form.cleaned_data
        try:
            flow = cashflow.cash_flow(
                start=fields["start_date"], end=fields["end_date"], granularity=fields["granularity"],
                currency=fields["currency"] or None, bank_account=fields["bank_account"],
                projection=fields["projection"],
            )
        except DomainError as error:
            form.add_service_error(error)
    context = {"form": form, "flow": flow}
    if flow is not None:
        context |= {"rows": table_rows(flow), "chart": chart_data(flow)}
    template = "finance/cashflow_page.html#figures" if pages.partial(request) else "finance/cashflow_page.html"
    return render(request, template, context, status=pages.status(form))


def period_label(day: date, granularity: str) -> str:
    if granularity == Granularity.MONTH:
        return date_text(day, "YEAR_MONTH_FORMAT")
    return date_text(day, "SHORT_DATE_FORMAT")


def side_by_side(flow: CashFlow) -> list[tuple[date, Realised | None, Projected | None]]:
    """Each period with what was realised, up to today's period, and what is projected, from it on."""
    projected = {period.date: period for period in flow.projection}
    return [
        (period.date, period if period.date <= flow.today else None, projected.get(period.date))
        for period in flow.data
    ]


def table_rows(flow: CashFlow) -> list[dict]:
    money = money_formatter(flow.currency)
    return [
        {
            "label": period_label(day, flow.granularity),
            "realised": realised and [money(realised.inflow), money(realised.outflow), money(realised.balance)],
            "projected": expected and [
                money(expected.expected_inflow), money(expected.expected_outflow), money(expected.projected_balance)
            ],
        }
        for day, realised, expected in side_by_side(flow)
    ]


REALISED_SERIES = ("inflow", "outflow", "balance")
PROJECTED_SERIES = ("expected_inflow", "expected_outflow", "projected_balance")


def chart_data(flow: CashFlow) -> dict:
    """What cashflow.js draws: amounts as strings (the chart's scale), the same written in the
    reader's locale (its tooltips), and the translated names of the series. A series has null
    where it has no figure (the realised ones after today's period, the projected before it)."""
    money = money_formatter(flow.currency)
    periods = side_by_side(flow)
    values = {
        **{name: [getattr(realised, name) if realised else None for day, realised, expected in periods]
           for name in REALISED_SERIES},
        **{name: [getattr(expected, name) if expected else None for day, realised, expected in periods]
           for name in PROJECTED_SERIES},
    }
    return {
        "labels": [period_label(day, flow.granularity) for day, realised, expected in periods],
        "values": {name: [_amount(value, flow.currency) for value in column] for name, column in values.items()},
        "text": {
            name: [money(value) if value is not None else None for value in column] for name, column in values.items()
        },
        "names": {
            "inflow": pgettext("cash flow", "Money in"),
            "outflow": pgettext("cash flow", "Money out"),
            "balance": pgettext("cash flow", "Balance"),
            "expected_inflow": pgettext("cash flow", "Expected in"),
            "expected_outflow": pgettext("cash flow", "Expected out"),
            "projected_balance": pgettext("cash flow", "Projected balance"),
        },
        "locale": format_language(), "currency": flow.currency,
    }


def _amount(value, currency: str) -> str | None:
    return amount_json(value, currency) if value is not None else None

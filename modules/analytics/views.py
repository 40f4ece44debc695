"""The analytics pages (/analytics/): the dashboard, whose period selector swaps its figures in
with htmx, and the reports page, where a report asked for shows its progress (its row polls its
status) until its download link is ready. Same selectors and services as the API."""

from datetime import timedelta

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.views.decorators.http import require_POST

from modules.core.exceptions import DomainError
from modules.core.formats import amount_json
from modules.core.l10n import date_text
from modules.core.money import format_language, money_formatter
from modules.workspace import pages

from . import dashboard as figures
from . import services
from .access import access_report
from .forms import PeriodForm, ReportForm
from .reports import REPORT_TYPES
from .selectors import report_list

RECENT_REPORTS = 20


def home(request):
    form = PeriodForm(request.GET or {"period": "30d"})
    board = None
    if form.is_valid():
        fields = form.cleaned_data
        try:
            board = figures.dashboard(period=figures.period_resolve(
                period=fields["period"], start=fields["start_date"], end=fields["end_date"],
            ))
        except DomainError as error:
            form.add_service_error(error)
    context = {"form": form, "board": board}
    if board is not None:
        chart = chart_data(board)
        context |= {"chart": chart, "chart_rows": list(zip(chart["labels"], chart["text"], strict=True))}
    template = "analytics/dashboard.html#figures" if pages.partial(request) else "analytics/dashboard.html"
    return render(request, template, context, status=pages.status(form))


def chart_label(day, granularity: str) -> str:
    return date_text(day, "YEAR_MONTH_FORMAT" if granularity == "month" else "SHORT_DATE_FORMAT")


def chart_data(board: figures.Dashboard) -> dict:
    """What static/js/analytics.js draws: amounts as strings, the same in the reader's locale."""
    money = money_formatter(board.currency)
    return {
        "labels": [chart_label(day, board.granularity) for day, value in board.chart],
        "values": [amount_json(value, board.currency) for day, value in board.chart],
        "text": [money(value) for day, value in board.chart],
        "name": pgettext("analytics", "Sales"), "locale": format_language(), "currency": board.currency,
    }


def _report_rows(reports) -> list[dict]:
    return [
        {"report": report, "title": REPORT_TYPES[report.type].title if report.type in REPORT_TYPES else report.type,
         "link": services.report_link(report)}
        for report in reports
    ]


def _reports_page(request, form, status=200):
    reports = report_list(request.user)[:RECENT_REPORTS]
    return render(request, "analytics/reports.html", {"form": form, "rows": _report_rows(reports)}, status=status)


def reports(request):
    today = timezone.localdate()
    form = ReportForm(initial={"start_date": today - timedelta(days=29), "end_date": today, "format": "pdf"})
    return _reports_page(request, form)


@require_POST
def report_new(request):
    form = ReportForm(request.POST)
    if form.is_valid():
        fields = form.cleaned_data
        try:
            services.report_request(
                actor=request.user, type=fields["type"], format=fields["format"], start=fields["start_date"],
                end=fields["end_date"], language=get_language(), queue=True,
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            return pages.redirect_to(request, reverse("analytics:reports"))
    return _reports_page(request, form, status=pages.status(form))


def report(request, pk):
    """One report's row: what a row being made polls."""
    found = access_report(request.user, pk)
    row = _report_rows([found])[0]
    return render(request, "analytics/reports.html#report-row", {"row": row, "waiting": found.is_waiting})

"""The reconciliation page, /finance/reconciliation/: statement lines on one side, the selected
line's suggestions on the other; accept one with a click (or Enter), undo it, auto-reconcile.

Thin views over reconciliation.py, which the API calls too. htmx swaps the suggestions panel when
the selection moves, and the whole workspace (list, panel, what was just done) after a change;
without JavaScript the same forms post and redirect to the page (static/js/reconciliation.js
adds the keys).
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from modules.core.access import may_change
from modules.core.money import money_formatter
from modules.core.pagination import EstimatedCountPaginator
from modules.workspace import pages

from . import matching, reconciliation
from .access import access_transaction
from .forms_reconciliation import AutoReconcileForm, LineFilterForm, ReconcileForm
from .models import Transaction

TEMPLATE = "finance/reconciliation_page.html"

SKIP_LABELS = {
    "no_suggestion": gettext_lazy("no open account fits"),
    "low_confidence": gettext_lazy("no suggestion is sure enough"),
    "ambiguous": gettext_lazy("two suggestions are too close to choose"),
    "claimed": gettext_lazy("another line fits the same account as well"),
    "not_permitted": gettext_lazy("the account is assigned to someone else"),
    "changed": gettext_lazy("the line or the account changed meanwhile"),
}


def reconciliation_page(request):
    selected = access_transaction(request.user, request.GET["line"]) if request.GET.get("line") else None
    return _page(request, selected=selected)


def reconciliation_line(request, pk: int):
    """One line's panel, as the selection moves (htmx); without htmx, the page with it selected."""
    line = access_transaction(request.user, pk)
    if not pages.partial(request):
        return redirect(_page_url(request, line))
    return render(request, f"{TEMPLATE}#panel", {"panel": _panel(request, line), "query": _query(request)})


@require_POST
def reconciliation_reconcile(request, pk: int):
    form = ReconcileForm(request.POST)
    with transaction.atomic():
        line = access_transaction(request.user, pk, for_write=True)
        if form.is_valid():
            allocation = reconciliation.Allocation(form.cleaned_data["account"])
            try:
                line = reconciliation.transaction_reconcile(actor=request.user, line=line, allocations=[allocation])
            except pages.SERVICE_ERRORS as error:
                form.add_service_error(error)
    if form.errors:
        return _page(request, selected=access_transaction(request.user, pk), reconcile_form=form)
    payment = line.payments.select_related("account").get(account_id=form.cleaned_data["account"])
    if line.reconciled:
        message = _("“%(line)s” reconciled with %(account)s.") % {"line": line.description, "account": payment.account}
    else:
        money = money_formatter(line.bank_account.currency)
        message = _("“%(line)s” gave %(amount)s to %(account)s; %(left)s is left to reconcile.") % {
            "line": line.description, "amount": money(payment.amount), "account": payment.account,
            "left": money(line.unreconciled_amount),
        }
    return _changed(request, line, message, undo=line)


@require_POST
def reconciliation_unreconcile(request, pk: int):
    error = ""
    with transaction.atomic():
        line = access_transaction(request.user, pk, for_write=True)
        try:
            line = reconciliation.transaction_unreconcile(actor=request.user, line=line)
        except pages.SERVICE_ERRORS as refusal:
            error = refusal.message
    if error:
        return _page(request, selected=line, error=error)
    message = _("“%(line)s” is no longer reconciled: its accounts are open again.") % {"line": line.description}
    return _changed(request, line, message, keep_selected=True)


@require_POST
def reconciliation_auto(request):
    form = AutoReconcileForm(request.POST)
    if not form.is_valid():
        return _page(request, error=" ".join(message for errors in form.errors.values() for message in errors))
    report = reconciliation.transactions_auto_reconcile(
        actor=request.user, bank_account=form.cleaned_data["bank_account"]
    )
    summary = _auto_summary(report)
    if not request.htmx:
        messages.success(request, summary)
        return redirect(_list_url(request))
    matched = Transaction.objects.select_related("matched_account", "bank_account").in_bulk(
        [match["transaction_id"] for match in report.matches]
    )
    return _page(request, fragment="workspace", report={
        "summary": summary,
        "matches": [{**match, "line": matched[match["transaction_id"]]} for match in report.matches],
        "skipped": [(SKIP_LABELS[reason], count) for reason, count in report.skipped.items() if count],
    })


# --- Rendering -----------------------------------------------------------------------------------


def _page(
    request, *, selected=None, reconcile_form=None, notice=None, report=None, error="", fragment=None
) -> HttpResponse:
    filters = LineFilterForm(request.GET)
    shows_reconciled = filters.shows_reconciled()
    lines = reconciliation.transaction_lines(bank_account=filters.picked_bank_account(), reconciled=shows_reconciled)
    page = EstimatedCountPaginator(lines, pages.PER_PAGE).get_page(request.GET.get("page"))
    if selected is None and page.object_list:
        selected = page.object_list[0]
    query = _query(request)
    context = {
        "filters": filters,
        "shows_reconciled": shows_reconciled,
        "page": page,
        "rows": [_row(line, query) for line in page.object_list],
        "selected": selected,
        "panel": _panel(request, selected, reconcile_form) if selected else None,
        "notice": notice,
        "report": report,
        "error": error,
        "query": query,
        "auto_form": AutoReconcileForm(initial={"bank_account": filters.picked_bank_account()}),
    }
    if fragment is None and pages.partial(request):
        fragment = "workspace"
    template = f"{TEMPLATE}#{fragment}" if fragment else TEMPLATE
    return render(request, template, context, status=422 if reconcile_form is not None or error else 200)


def _row(line, query: str) -> dict:
    return {
        "line": line,
        "amount": money_formatter(line.bank_account.currency)(line.amount),
        "url": f"{reverse('finance:reconciliation')}?{_with(query, line=line.pk)}",
        "panel_url": reverse("finance:reconciliation_line", args=[line.pk]) + (f"?{query}" if query else ""),
    }


def _panel(request, line, reconcile_form=None) -> dict:
    money = money_formatter(line.bank_account.currency)
    suggestions = matching.transaction_suggestions(line) if line.unreconciled_amount > 0 else []
    return {
        "line": line,
        "amount": money(line.amount),
        "left": money(line.unreconciled_amount),
        "payments": [
            {"payment": payment, "amount": money(payment.amount)}
            for payment in reconciliation.transaction_payments(line)
        ],
        "suggestions": [
            {
                "suggestion": suggestion,
                "amount": money(suggestion.amount),
                "remaining": money(suggestion.account.remaining),
                "may_accept": may_change(request.user, suggestion.account),
            }
            for suggestion in suggestions
        ],
        "form": reconcile_form,
    }


def _changed(request, line, message: str, *, undo=None, keep_selected: bool = False) -> HttpResponse:
    """After a change: the next line to work on selected (the same one while some of it is left
    to reconcile), and what was done, with its undo."""
    filters = LineFilterForm(request.GET)
    lines = reconciliation.transaction_lines(
        bank_account=filters.picked_bank_account(), reconciled=filters.shows_reconciled()
    )
    still_listed = lines.filter(pk=line.pk).exists()
    selected = line if keep_selected or still_listed else _next_line(lines, line, filters.shows_reconciled())
    if not request.htmx:
        messages.success(request, message)
        return redirect(_page_url(request, selected) if selected else _list_url(request))
    return _page(request, selected=selected, notice={"text": message, "undo": undo}, fragment="workspace")


def _next_line(lines, line, newest_first: bool):
    """The line after `line` in the list's order (it has just left the list), else the one before."""
    if newest_first:
        after = Q(date__lt=line.date) | Q(date=line.date, pk__lt=line.pk)
    else:
        after = Q(date__gt=line.date) | Q(date=line.date, pk__gt=line.pk)
    return lines.filter(after).first() or lines.exclude(after).last()


def _auto_summary(report: reconciliation.AutoReport) -> str:
    reconciled, skipped = len(report.matches), sum(report.skipped.values())
    summary = ngettext(
        "%(count)d line reconciled automatically.", "%(count)d lines reconciled automatically.", reconciled
    ) % {"count": reconciled}
    if skipped:
        summary += " " + ngettext(
            "%(count)d line is left for you to check.", "%(count)d lines are left for you to check.", skipped
        ) % {"count": skipped}
    if report.left_out:
        summary += " " + ngettext(
            "%(count)d more line waits for another run.", "%(count)d more lines wait for another run.",
            report.left_out,
        ) % {"count": report.left_out}
    return summary


def _query(request) -> str:
    """The list as the person left it (filters and page), without the selection."""
    query = request.GET.copy()
    query.pop("line", None)
    return query.urlencode()


def _with(query: str, **values) -> str:
    data = QueryDict(query, mutable=True)
    for name, value in values.items():
        data[name] = value
    return data.urlencode()


def _list_url(request) -> str:
    query = _query(request)
    return f"{reverse('finance:reconciliation')}?{query}" if query else reverse("finance:reconciliation")


def _page_url(request, line) -> str:
    return f"{reverse('finance:reconciliation')}?{_with(_query(request), line=line.pk)}"

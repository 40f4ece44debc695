"""The page kit every module's HTMX views stand on: access → form → service → render.

A module page is gated by `module_page(key)` (signed in, on a plan with the module); htmx
requests get a fragment of the page's own template and redirects by HX-Redirect; a form's
service refusal (DomainError, ValidationError) is shown inline, beside the field it names, with
a 422; a PermissionDenied from access.py is Django's 403 page.
"""

import html
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_tables2 import RequestConfig

from modules.core.exceptions import DomainError
from modules.core.pagination import TablePaginator
from modules.tenancy.permissions import plan_required_message

from .navigation import module_entries

PER_PAGE = 25
# What a service raises when it refuses what a form sent: the form shows it, the page answers 422.
SERVICE_ERRORS = (DomainError, ValidationError)


def plan_required(request, entry) -> HttpResponse:
    # The API's plan gate says the same, in the same words.
    message = plan_required_message(entry.module.feature)
    return render(request, "workspace/plan_required.html", {"entry": entry, "message": message}, status=403)


def module_page(key: str):
    """Signed in, on a plan with the module `key` (the API's gate asks the same). Every page of
    an installed module is mounted behind it (workspace/urls.py)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def gated(request, *args, **kwargs):
            entry = next(entry for entry in module_entries(request.tenant.plan) if entry.module.key == key)
            if not entry.included:
                return plan_required(request, entry)
            return view(request, *args, **kwargs)

        gated.plan_gate = key  # what tests/workspace/test_module_registry.py looks for on every page
        return gated

    return decorator


def partial(request) -> bool:
    """An htmx swap wants a fragment; restoring history after a cache miss wants the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def paginate(request, table) -> None:
    """A page of the list, with its total counted as the API counts it (exact up to a limit)."""
    try:
        RequestConfig(request, paginate={"per_page": PER_PAGE, "paginator_class": TablePaginator}).configure(table)
    except EmptyPage:  # past the end of a list too long to count, whose last page is not known either
        raise Http404 from None


def status(*forms) -> int:
    """422 when a bound form of the page was refused, else 200."""
    return 422 if any(form is not None and form.is_bound and form.errors for form in forms) else 200


def redirect_to(request, url: str) -> HttpResponse:
    """htmx follows an HX-Redirect (a plain 302 would be swapped into the target)."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def filterset(filterset_class, request, queryset, *, multi: tuple[str, ...] = ()):
    """The list filters read `status=new&status=lost` (checkboxes) as the API's `status=new,lost`."""
    data = request.GET.copy()
    for name in multi:
        values = picked(request, name)
        if values:
            data[name] = ",".join(values)
    return filterset_class(data, queryset=queryset, request=request)


def picked(request, name: str) -> list[str]:
    return [value for raw in request.GET.getlist(name) for value in raw.split(",") if value]


def is_filtered(request, names) -> bool:
    return any(request.GET.get(name) for name in names)


def list_url(url_name: str, request) -> str:
    """The list as the person left it: its filters, order and page."""
    query = request.GET.urlencode()
    return f"{reverse(url_name)}?{query}" if query else reverse(url_name)


def created(request, form, create, url_name: str) -> HttpResponse | None:
    """A new-record form through its service: the record's page, or None when the form or the
    service refused (the errors are then on the form, and `status(form)` is 422)."""
    if form.is_valid():
        try:
            record = create(actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as error:
            form.add_service_error(error)
        else:
            return redirect_to(request, reverse(url_name, args=[record.pk]))
    return None


def record_change(
    request, pk: int, *, access_record, make_form, update, saved: str, url_name: str, page, panel: str,
    form_name: str = "edit_form",
) -> HttpResponse:
    """A record page's change: the form through its service in one transaction, then the page
    again (a full load) or its panel redrawn (htmx), errors inline."""
    with transaction.atomic():
        record = access_record(request.user, pk, for_write=True)
        form = make_form(record)
        if form.is_valid():
            try:
                record = update(record, form.changes())
            except SERVICE_ERRORS as error:
                form.add_service_error(error)
                record = access_record(request.user, pk)  # it rolled back: what the database holds
    if not form.errors:
        messages.success(request, saved)  # htmx: shown out of band beside the redrawn panel
        if not request.htmx:
            return redirect(url_name, pk=record.pk)
    return page(request, record, **{form_name: form}, fragment=panel if request.htmx else None)


# --- Kanban boards (layouts/partials/_board.html, static/js/board.js, core/board.py) -------------

# A card's menu button: touch screens and keyboards move cards through it (the board's #move-dialog).
CARD_MENU_HTML = (
    '<button type="button" class="board-card-menu" data-card-menu aria-haspopup="dialog" aria-label="{label}">'
    '<span aria-hidden="true">⋯</span></button>'
)


def board_card_menu(label: str) -> str:
    """The menu button's markup, for the cards a view writes itself (`label` is escaped here)."""
    return CARD_MENU_HTML.format(label=html.escape(label))


def board_heads(request, heads: list[dict], *, status: int = 200, error: str = "") -> HttpResponse:
    """A move's answer: every column's head (key, label, count, totals), and the refusal if any."""
    return render(
        request, "layouts/partials/_board.html#column-heads", {"heads": heads, "error": error}, status=status
    )


def board_refusals(answer):
    """A board's move views show an access refusal (a card assigned to someone else) beside the
    columns: `answer(request, pk, status=, error=)` draws the heads of the card's board."""

    def decorator(view):
        @wraps(view)
        def answered(request, pk: int):
            try:
                return view(request, pk)
            except PermissionDenied as refusal:
                return answer(request, pk, status=403, error=str(refusal))

        return answered

    return decorator

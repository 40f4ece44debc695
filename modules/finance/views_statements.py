"""The statement page (/finance/statements/): a bank account's lines, or every account's, with
filters and pages; importing a statement file (a worker imports it, the page follows its
progress); and, for one bank account, its bank feed (connect the sandbox, its state, sync now,
reconnect, disconnect). Thin views over statements/, transactions.py and feeds/.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from modules.core.access import manages
from modules.core.exceptions import DomainError
from modules.core.imports import import_job_progress
from modules.core.models import ImportJob, ImportStatus
from modules.workspace import pages

from . import feeds, statements, transactions
from .access import access_bank_account
from .filters_transactions import TransactionFilter
from .forms_statements import StatementImportForm
from .models import TransactionType
from .tables_statements import StatementTable

TEMPLATE = "finance/statements_list.html"
LINES_CHANGED = "statement-lines-changed"  # the list below reloads when an import or a sync ends


def statements_page(request):
    return _page(request)


def _page(request, *, import_form=None, import_job=None, feed_message="", fragment: str | None = None) -> HttpResponse:
    filterset = pages.filterset(TransactionFilter, request, transactions.transaction_list(), multi=("type",))
    table = StatementTable(filterset.qs, empty_text=_("No statement lines match these filters."))
    pages.paginate(request, table)
    bank_accounts = list(transactions.statement_bank_accounts())
    chosen = next((account for account in bank_accounts if str(account.pk) == request.GET.get("bank_account_id")), None)
    context = {
        "table": table,
        "filter_errors": filterset.errors,
        "bank_accounts": bank_accounts,
        "chosen": chosen,
        "types": TransactionType.choices,
        "picked_types": pages.picked(request, "type"),
        "import_form": import_form or StatementImportForm(initial={"bank_account": chosen}),
        "import_job": import_job,
        "import_percent": import_job_progress(import_job) if import_job else 0,
        "query": request.GET.urlencode(),
        **_feed_context(request, chosen, feed_message),
    }
    if fragment is None and pages.partial(request):
        fragment = "results"
    refused = import_job is not None and import_job.status == ImportStatus.FAILED
    status = 422 if refused else pages.status(import_form, filterset.form)
    response = render(request, f"{TEMPLATE}#{fragment}" if fragment else TEMPLATE, context, status=status)
    if request.htmx and import_job is not None and import_job.status == ImportStatus.DONE:
        response["HX-Trigger"] = LINES_CHANGED
    return response


def _feed_context(request, bank_account, message: str) -> dict:
    feed = feeds.bank_feed_of(bank_account) if bank_account is not None else None
    return {
        "feed": feed,
        "feed_problem": feeds.feed_problem_text(feed.error_code) if feed and feed.error_code else "",
        "feed_needs_reconnection": bool(feed and feeds.needs_reconnection(feed.error_code)),
        "sandbox_offered": feeds.default_provider() == "sandbox",
        "may_manage_feeds": manages(request.user),
        "feed_message": message,
    }


# --- Importing a statement -------------------------------------------------------------------------


@require_POST
def statements_import(request):
    """The file goes to a worker; the panel that answers follows its progress."""
    form = StatementImportForm(request.POST, request.FILES)
    job = None
    if form.is_valid():
        try:
            job = statements.statement_import_start(
                actor=request.user, bank_account_id=form.cleaned_data["bank_account"].pk,
                file=form.cleaned_data["file"], language=translation.get_language(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            job.refresh_from_db()  # without a broker the import has already run
    return _page(request, import_form=form, import_job=job, fragment="import-panel" if request.htmx else None)


def statement_import(request, pk: int):
    """An import's progress (htmx polls it every second), then its summary."""
    job = get_object_or_404(ImportJob.objects.filter(kind=statements.IMPORT_KIND).defer("content", "rejected"), pk=pk)
    return _page(request, import_job=job, fragment="import-panel" if request.htmx else None)


# --- A bank account's feed -------------------------------------------------------------------------


@require_POST
def bank_feed_connect(request, bank_account_id: int):
    """The sandbox bank, connected from the page. Plaid signs people in through Link, which the
    apps open (the API's link_token/ and connect/)."""
    try:
        token = feeds.bank_feed_link_token(actor=request.user, language=translation.get_language())
        if not token.public_token:
            raise DomainError(_("Connecting to Plaid is done in Plaid Link, from the Innexar app."))
        feeds.bank_feed_connect(actor=request.user, bank_account_id=bank_account_id, public_token=token.public_token)
    except (DomainError, feeds.FeedError) as error:
        message = error.message
    else:
        message = _("Connected to the sandbox bank. Sync it to bring its lines in.")
    return _feed_answer(request, bank_account_id, message)


@require_POST
def bank_feed_sync(request, bank_account_id: int):
    try:
        result = feeds.bank_feed_sync(actor=request.user, bank_account_id=bank_account_id)
    except feeds.FeedError as error:
        return _feed_answer(request, bank_account_id, error.message)
    message = ngettext("%(count)d new line.", "%(count)d new lines.", result.imported) % {"count": result.imported}
    if result.kept:
        message += " " + ngettext(
            "The bank changed %(count)d reconciled line: it was left as it was.",
            "The bank changed %(count)d reconciled lines: they were left as they were.",
            result.kept,
        ) % {"count": result.kept}
    return _feed_answer(request, bank_account_id, message, lines_changed=True)


@require_POST
def bank_feed_disconnect(request, bank_account_id: int):
    feeds.bank_feed_disconnect(actor=request.user, bank_account_id=bank_account_id)
    return _feed_answer(request, bank_account_id, _("The bank feed was disconnected. Its lines stay."))


def _feed_answer(request, bank_account_id: int, message: str, *, lines_changed: bool = False) -> HttpResponse:
    """htmx: the feed panel again, with what happened; else back to the account's statement."""
    bank_account = access_bank_account(request.user, bank_account_id)
    if not request.htmx:
        messages.info(request, message)
        return redirect(f"{reverse('finance:statements')}?bank_account_id={bank_account.pk}")
    context = {"chosen": bank_account, **_feed_context(request, bank_account, message)}
    response = render(request, f"{TEMPLATE}#feed-panel", context)
    if lines_changed:
        response["HX-Trigger"] = LINES_CHANGED
    return response

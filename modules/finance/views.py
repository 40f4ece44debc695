"""Finance's workspace pages for the ledger (HTMX): the overview, payables and receivables,
categories and bank accounts. access → form → service → render, as every module's pages.

Every write goes through the service the API calls; every record through access.py, so another
workspace's id is simply not found. htmx requests get a fragment of the page's own template;
without JavaScript the same forms post and redirect. Categories and bank accounts are changed by
managers and admins: the services refuse anyone else (403), and the pages show them no forms.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from modules.core.access import manages, may_change, may_delete
from modules.core.exceptions import DomainError
from modules.core.money import Currency
from modules.workspace import pages

from . import access, selectors, services
from .filters import AccountFilter
from .forms import AccountForm, BankAccountForm, CancelForm, CategoryForm, MarkPaidForm, category_choices
from .models import OPEN_STATUSES, AccountStatus, AccountType
from .tables import AccountTable, BankAccountTable, category_label, status_badge, swatch

UPCOMING_SHOWN = 8


def _manager_check(request) -> None:
    """The set-up's forms, for those the services will let through."""
    if not manages(request.user):
        raise PermissionDenied(_("Only a manager or an admin can change categories and bank accounts."))


# --- Overview ----------------------------------------------------------------------------------


def home(request):
    """What the company is owed and owes, per currency, and what falls due next."""
    dashboard = selectors.accounts_dashboard()
    upcoming = selectors.account_list().filter(status__in=OPEN_STATUSES).order_by("due_date", "id")
    context = {
        "dashboard": dashboard,
        "sums": list(dashboard.by_currency.items()),
        "upcoming": [(account, status_badge(account)) for account in upcoming[:UPCOMING_SHOWN]],
    }
    return render(request, "finance/home.html", context)


# --- Payables and receivables ------------------------------------------------------------------

ACCOUNT_FILTERS = ("search", "type", "status", "due_after", "due_before", "category_id", "currency")


def accounts(request):
    filterset = pages.filterset(AccountFilter, request, selectors.account_list(), multi=("status", "currency"))
    filtered = pages.is_filtered(request, ACCOUNT_FILTERS)
    table = AccountTable(
        filterset.qs,
        empty_text=_("No accounts match these filters.") if filtered else _(
            "No payables or receivables yet. Add what you owe and what you are owed, with their due dates."
        ),
    )
    pages.paginate(request, table)
    context = {
        "table": table,
        "totals": selectors.account_totals(filterset.qs),
        "filter_errors": filterset.errors,
        "types": AccountType.choices,
        "statuses": AccountStatus.choices,
        "picked_statuses": pages.picked(request, "status"),
        "categories": category_choices(),
        "currencies": Currency.choices,
        "picked_currencies": pages.picked(request, "currency"),
    }
    template = "finance/accounts.html#results" if pages.partial(request) else "finance/accounts.html"
    return render(request, template, context, status=pages.status(filterset.form))


def account_new(request):
    """Its own page: the customer picker searches the CRM rather than listing every contact."""
    if request.method == "POST":
        form = AccountForm(request.POST, actor=request.user)
        created = pages.created(request, form, services.account_create, "finance:account")
        if created is not None:
            return created
    else:
        kind = request.GET.get("type")
        initial = {
            "type": kind if kind in AccountType.values else AccountType.RECEIVABLE,
            "currency": selectors.company_currency(),
            "due_date": timezone.localdate(),
            "assigned_to": request.user.pk,
        }
        form = AccountForm(initial=initial, actor=request.user)
    template = "finance/account_new.html#account-form" if request.htmx else "finance/account_new.html"
    return render(request, template, {"form": form}, status=pages.status(form))


def account(request, pk: int):
    return _account_page(request, access.access_account(request.user, pk))


def _account_page(
    request, account, *, edit_form=None, pay_form=None, cancel_form=None, delete_error: str = "",
    fragment: str | None = None,
) -> HttpResponse:
    context = {
        "account": account,
        "status_badge": status_badge(account),
        "category": category_label(account.category),
        "is_open": account.status in OPEN_STATUSES,
        "payments": account.payments.select_related("transaction__bank_account").order_by("paid_at", "id"),
        "edit_form": edit_form or AccountForm(initial=AccountForm.initial_from(account), actor=request.user),
        "pay_form": pay_form or MarkPaidForm(initial={"paid_on": timezone.localdate()}),
        # Without JavaScript, "Mark paid" loads the page with its dialog open (?pay), as a refusal does.
        "pay_open": pay_form is not None or "pay" in request.GET,
        "cancel_form": cancel_form or CancelForm(),
        "can_change": may_change(request.user, account),
        "can_delete": may_delete(request.user, account),
        "delete_refusal": services.account_delete_refusal(account),
        "delete_error": delete_error,
    }
    template = f"finance/account_detail.html#{fragment}" if fragment else "finance/account_detail.html"
    status = 422 if delete_error else pages.status(edit_form, pay_form, cancel_form)
    return render(request, template, context, status=status)


@require_POST
def account_edit(request, pk: int):
    return pages.record_change(
        request, pk, access_record=access.access_account,
        make_form=lambda account: AccountForm(
            request.POST, initial=AccountForm.initial_from(account), actor=request.user
        ),
        update=lambda account, changes: services.account_update(actor=request.user, account=account, changes=changes),
        saved=_("The account was saved."), url_name="finance:account", page=_account_page, panel="account-panel",
    )


def _account_action(request, pk: int, form, *, form_name: str, fragment: str, act, done: str) -> HttpResponse:
    """Pay or cancel: the form through its service with the account locked, then the account's
    page (an HX-Redirect for htmx), or the form again with the refusal (422)."""
    with transaction.atomic():
        account = access.access_account(request.user, pk, for_write=True)
        if form.is_valid():
            try:
                act(account, form.cleaned_data)
            except pages.SERVICE_ERRORS as error:
                form.add_service_error(error)
            else:
                messages.success(request, done)
                return pages.redirect_to(request, reverse("finance:account", args=[pk]))
    account = access.access_account(request.user, pk)  # what the database holds after the refusal
    return _account_page(request, account, **{form_name: form}, fragment=fragment if request.htmx else None)


@require_POST
def account_pay(request, pk: int):
    return _account_action(
        request, pk, MarkPaidForm(request.POST), form_name="pay_form", fragment="pay-form",
        act=lambda account, data: services.account_mark_paid(actor=request.user, account=account, **data),
        done=_("The account was marked paid."),
    )


@require_POST
def account_cancel(request, pk: int):
    return _account_action(
        request, pk, CancelForm(request.POST), form_name="cancel_form", fragment="cancel-form",
        act=lambda account, data: services.account_cancel(actor=request.user, account=account, **data),
        done=_("The account was cancelled."),
    )


@require_POST
def account_delete(request, pk: int):
    """Refused once money was recorded on the account: the service says why, beside the button."""
    with transaction.atomic():
        account = access.access_account(request.user, pk, for_delete=True)
        try:
            services.account_delete(actor=request.user, account=account)
        except DomainError as error:
            refusal = error.message
        else:
            messages.success(request, _("The account %(name)s was deleted.") % {"name": account})
            return pages.redirect_to(request, reverse("finance:accounts"))
    return _account_page(request, account, delete_error=refusal, fragment="account-panel" if request.htmx else None)


# --- Categories ----------------------------------------------------------------------------------


def categories(request):
    return _categories_page(request)


def _categories_page(
    request, *, category_form=None, editing=None, edit_form=None, error: str = "", fragment: str | None = None
) -> HttpResponse:
    """The tree with each category's swatch; managers add one above it and edit a row in place."""
    context = {
        "rows": _category_rows(),
        "can_manage": manages(request.user),
        "category_form": category_form or CategoryForm(actor=request.user),
        "editing": editing.pk if editing else None,
        "edit_form": edit_form,
        "error": error,
    }
    template = f"finance/categories.html#{fragment}" if fragment else "finance/categories.html"
    status = 422 if error else pages.status(category_form, edit_form)
    return render(request, template, context, status=status)


def _category_rows() -> list:
    """The tree, each category with its swatch, its indent and what uses it."""
    rows = selectors.category_tree(selectors.categories_in_use())
    for row in rows:
        row.swatch, row.indent = swatch(row), "— " * row.depth
    return rows


@require_POST
def category_new(request):
    _manager_check(request)
    form = CategoryForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            services.category_create(actor=request.user, **form.cleaned_data)
        except pages.SERVICE_ERRORS as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The category was added."))
            return pages.redirect_to(request, reverse("finance:categories"))
    return _categories_page(request, category_form=form, fragment="category-form" if request.htmx else None)


def category_edit(request, pk: int):
    """A row becomes its form (GET), then saves (POST): the row again for htmx, else the page."""
    _manager_check(request)
    with transaction.atomic():
        category = access.access_category(request.user, pk, for_write=request.method == "POST")
        form = CategoryForm(
            request.POST or None, initial=CategoryForm.initial_from(category), category=category, actor=request.user
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.category_update(actor=request.user, category=category, changes=form.changes())
            except pages.SERVICE_ERRORS as error:
                form.add_service_error(error)
            else:
                if not request.htmx:
                    messages.success(request, _("The category was saved."))
                    return redirect("finance:categories")
                return _category_row(request, pk)
    if request.htmx:
        return _category_row(request, pk, edit_form=form)
    return _categories_page(request, editing=category, edit_form=form)


def _category_row(request, pk: int, *, edit_form=None) -> HttpResponse:
    """One category's row as the tree shows it (its depth, its use), or its form, for htmx to swap in."""
    row = next(row for row in _category_rows() if row.pk == pk)
    context = {
        "row": row, "can_manage": manages(request.user), "editing": pk if edit_form else None, "edit_form": edit_form,
    }
    return render(request, "finance/categories.html#category-row", context, status=pages.status(edit_form))


@require_POST
def category_delete(request, pk: int):
    with transaction.atomic():
        category = access.access_category(request.user, pk, for_delete=True)
        try:
            services.category_delete(actor=request.user, category=category)
        except DomainError as error:
            return _categories_page(request, error=error.message, fragment="category-error" if request.htmx else None)
    messages.success(request, _("The category %(name)s was deleted.") % {"name": category.name})
    return pages.redirect_to(request, reverse("finance:categories"))


# --- Bank accounts -----------------------------------------------------------------------------


def bank_accounts(request):
    return _bank_accounts_page(request)


def _bank_accounts_page(request, *, bank_account_form=None, fragment: str | None = None) -> HttpResponse:
    table = BankAccountTable(
        selectors.bank_account_list(), empty_text=_("No bank accounts yet. Add the accounts your money moves through.")
    )
    pages.paginate(request, table)
    context = {
        "table": table,
        "can_manage": manages(request.user),
        "bank_account_form": bank_account_form or BankAccountForm(
            initial={"currency": selectors.company_currency()}, actor=request.user
        ),
    }
    if fragment is None and pages.partial(request):
        fragment = "results"
    template = f"finance/bank_accounts.html#{fragment}" if fragment else "finance/bank_accounts.html"
    return render(request, template, context, status=pages.status(bank_account_form))


@require_POST
def bank_account_new(request):
    _manager_check(request)
    form = BankAccountForm(request.POST, actor=request.user)
    return pages.created(request, form, services.bank_account_create, "finance:bank_account") or _bank_accounts_page(
        request, bank_account_form=form, fragment="bank-account-form" if request.htmx else None
    )


def bank_account(request, pk: int):
    return _bank_account_page(request, access.access_bank_account(request.user, pk))


def _bank_account_page(
    request, bank_account, *, edit_form=None, delete_error: str = "", fragment: str | None = None
) -> HttpResponse:
    can_manage = manages(request.user)
    context = {
        "bank_account": bank_account,
        "balance": selectors.bank_account_balance(bank_account),
        "can_manage": can_manage,
        "can_change": can_manage,
        "edit_form": edit_form or BankAccountForm(
            initial=BankAccountForm.initial_from(bank_account), actor=request.user
        ),
        "can_delete": can_manage,
        "delete_refusal": services.bank_account_delete_refusal(bank_account),
        "delete_error": delete_error,
    }
    template = f"finance/bank_account_detail.html#{fragment}" if fragment else "finance/bank_account_detail.html"
    status = 422 if delete_error else pages.status(edit_form)
    return render(request, template, context, status=status)


@require_POST
def bank_account_edit(request, pk: int):
    _manager_check(request)
    return pages.record_change(
        request, pk, access_record=access.access_bank_account,
        make_form=lambda bank_account: BankAccountForm(
            request.POST, initial=BankAccountForm.initial_from(bank_account), actor=request.user
        ),
        update=lambda bank_account, changes: services.bank_account_update(
            actor=request.user, bank_account=bank_account, changes=changes
        ),
        saved=_("The bank account was saved."), url_name="finance:bank_account", page=_bank_account_page,
        panel="bank-account-panel",
    )


@require_POST
def bank_account_delete(request, pk: int):
    with transaction.atomic():
        bank_account = access.access_bank_account(request.user, pk, for_delete=True)
        try:
            services.bank_account_delete(actor=request.user, bank_account=bank_account)
        except DomainError as error:
            refusal = error.message
        else:
            messages.success(request, _("The bank account %(name)s was deleted.") % {"name": bank_account.name})
            return pages.redirect_to(request, reverse("finance:bank_accounts"))
    return _bank_account_page(
        request, bank_account, delete_error=refusal, fragment="bank-account-panel" if request.htmx else None
    )

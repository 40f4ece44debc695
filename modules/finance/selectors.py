"""Finance reads that are more than a `.get()`: the lists' base querysets with what they show, an
account's status as of today, the dashboard's sums, the category tree and bank balances."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from modules.core.due import status_as_of, status_as_of_today
from modules.core.money import AmountField
from modules.tenancy.selectors import tenant_currency

from .models import (
    OPEN_STATUSES,
    Account,
    AccountStatus,
    AccountType,
    BankAccount,
    Category,
    Transaction,
    TransactionType,
)

# How far ahead the dashboard's "next days" look: today and the six days after it.
NEXT_DAYS = 7
REMAINING = F("amount") - F("paid_amount")


# --- Accounts ------------------------------------------------------------------------------------


def status_expression() -> Case:
    """An account's status as of today, in SQL: an open account (stored pending, or overdue once the
    hourly task has passed it) is overdue after its due date in the workspace's time zone, pending
    until then; paid and cancelled are what they are (core.due)."""
    return status_as_of_today(open_statuses=OPEN_STATUSES, overdue=AccountStatus.OVERDUE, on_time=AccountStatus.PENDING)


def account_status(account: Account) -> str:
    """What an account reads as: the list's SQL answer when it came from `account_list`, else the
    same rule for the one account in hand."""
    current = getattr(account, "current_status", None)
    if current is not None:
        return current
    return status_as_of(
        account.status, account.due_date, open_statuses=OPEN_STATUSES, overdue=AccountStatus.OVERDUE,
        on_time=AccountStatus.PENDING,
    )


def account_list() -> QuerySet[Account]:
    return (
        Account.objects.select_related("category", "customer", "assigned_to")
        .annotate(current_status=status_expression())
    )


@dataclass(frozen=True)
class ListTotal:
    currency: str
    amount: Decimal  # every account shown but the cancelled ones
    remaining: Decimal  # what is still to pay or receive on the open ones


def account_totals(accounts: QuerySet[Account]) -> list[ListTotal]:
    """A list's totals per currency (never added together), for the accounts its filters keep. One query."""
    rows = (
        accounts.order_by().values("currency")
        .annotate(
            total=Sum("amount", filter=~Q(status=AccountStatus.CANCELLED)),
            open=Sum(REMAINING, filter=Q(status__in=OPEN_STATUSES)),
        )
        .order_by("currency")
    )
    return [
        ListTotal(row["currency"], row["total"] or Decimal(0), row["open"] or Decimal(0))
        for row in rows if row["total"] is not None
    ]


@dataclass(frozen=True)
class DueSums:
    """What remains to pay or receive on open accounts, in one currency."""

    receivable_pending: Decimal  # not yet due
    receivable_overdue: Decimal  # past its due date
    payable_pending: Decimal
    payable_overdue: Decimal
    receivable_next_days: Decimal  # due today or in the days after, up to NEXT_DAYS days
    payable_next_days: Decimal

    @classmethod
    def nothing(cls) -> "DueSums":
        return cls(**{field.name: Decimal(0) for field in fields(cls)})

    @property
    def is_zero(self) -> bool:
        return not any(getattr(self, field.name) for field in fields(self))


@dataclass(frozen=True)
class Dashboard:
    currency: str  # the company's own currency, whose sums are the spec's flat fields
    by_currency: dict[str, DueSums]  # every currency with an open account, the company's always
    today: date

    @property
    def main(self) -> DueSums:
        return self.by_currency[self.currency]

    @property
    def has_data(self) -> bool:
        return any(not sums.is_zero for sums in self.by_currency.values())


def company_currency() -> str:
    """The company's main currency: its country's (BR → BRL, MX → MXN, else USD) unless its
    settings name another."""
    return tenant_currency(connection.tenant)


def accounts_dashboard() -> Dashboard:
    """The remaining amounts of open accounts by type and due date, per currency, as of today in
    the workspace's time zone. One query whatever the number of accounts."""
    today = timezone.localdate()
    soon = today + timedelta(days=NEXT_DAYS)
    receivable, payable = Q(type=AccountType.RECEIVABLE), Q(type=AccountType.PAYABLE)
    due, not_due = Q(due_date__lt=today), Q(due_date__gte=today)
    coming = Q(due_date__gte=today, due_date__lt=soon)
    rows = (
        Account.objects.filter(status__in=OPEN_STATUSES).values("currency")
        .annotate(
            receivable_pending=Sum(REMAINING, filter=receivable & not_due),
            receivable_overdue=Sum(REMAINING, filter=receivable & due),
            payable_pending=Sum(REMAINING, filter=payable & not_due),
            payable_overdue=Sum(REMAINING, filter=payable & due),
            receivable_next_days=Sum(REMAINING, filter=receivable & coming),
            payable_next_days=Sum(REMAINING, filter=payable & coming),
        )
        .order_by("currency")
    )
    currency = company_currency()
    by_currency = {currency: DueSums.nothing()}
    for row in rows:
        code = row.pop("currency")
        by_currency[code] = DueSums(**{name: value or Decimal(0) for name, value in row.items()})
    return Dashboard(currency=currency, by_currency=by_currency, today=today)


def dashboard_figures(*, user) -> Dashboard:
    """Finance's figures for the workspace dashboard: the API's dashboard, the same for everyone."""
    return accounts_dashboard()


# --- Categories ----------------------------------------------------------------------------------


def category_tree(categories: Iterable[Category] | None = None) -> list[Category]:
    """Categories as a flat list a tree is drawn from: each parent before its children, siblings
    by type and name, each with its `depth` (0 for a top-level one). A child whose parent is not
    in `categories` (a filter left it out) stands at the top."""
    if categories is None:
        categories = Category.objects.select_related("parent")
    categories = list(categories)
    present = {category.pk for category in categories}
    children: dict[int | None, list[Category]] = defaultdict(list)
    for category in categories:  # in the model's order: type, name, id
        children[category.parent_id if category.parent_id in present else None].append(category)
    ordered: list[Category] = []
    stack = [(category, 0) for category in reversed(children[None])]
    while stack:
        category, depth = stack.pop()
        category.depth = depth
        ordered.append(category)
        stack.extend((child, depth + 1) for child in reversed(children[category.pk]))
    return ordered


def categories_in_use() -> QuerySet[Category]:
    """Categories with how many accounts and subcategories use them (what a delete would refuse)."""
    return Category.objects.select_related("parent").annotate(
        accounts_count=Count("accounts", distinct=True), children_count=Count("children", distinct=True)
    )


def category_with_descendants(category_ids: Iterable[int]) -> set[int]:
    """The categories and every one below them: a parent's accounts include its children's."""
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent_id in Category.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found, waiting = set(), list(category_ids)
    while waiting:
        pk = waiting.pop()
        if pk not in found:
            found.add(pk)
            waiting.extend(children[pk])
    return found


def category_ancestors(category: Category) -> list[int]:
    """The ids above `category`, its parent first."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    found, pk = [], parents.get(category.pk, category.parent_id)
    while pk is not None and pk not in found:
        found.append(pk)
        pk = parents.get(pk)
    return found


# --- Bank accounts -------------------------------------------------------------------------------


def _movements(bank_account) -> Subquery:
    """Credits minus debits of a bank account's statement lines."""
    signed = Case(When(type=TransactionType.CREDIT, then=F("amount")), default=-F("amount"))
    return Subquery(
        Transaction.objects.filter(bank_account=bank_account).order_by().values("bank_account")
        .annotate(total=Sum(signed)).values("total"),
        output_field=AmountField(),
    )


def balance_expression():
    """A bank account's balance in SQL: its opening balance plus every credit, less every debit."""
    return F("opening_balance") + Coalesce(_movements(OuterRef("pk")), Value(Decimal(0)), output_field=AmountField())


def bank_account_list() -> QuerySet[BankAccount]:
    """Bank accounts with their balance: one query for the whole list."""
    return BankAccount.objects.annotate(balance=balance_expression())


def bank_account_balance(bank_account: BankAccount) -> Decimal:
    """The balance of a bank account in hand: the list's annotation, or one query."""
    balance = getattr(bank_account, "balance", None)
    if balance is None:
        balance = bank_account_list().values_list("balance", flat=True).get(pk=bank_account.pk)
    return balance

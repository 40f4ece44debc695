"""Reconciliation: statement lines (transactions) given to the payables and receivables they
settle, through payments.py's rule (an account is paid once nothing is left on it), taken back,
and auto-reconciled when the best suggestion (matching.py) leaves no doubt.

Locks are taken lines first, then accounts, each in id order, so two reconciliations never wait
on each other in a circle; the services lock the line themselves, whatever the caller read.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction as db_transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.access import may_change
from modules.core.exceptions import DomainError
from modules.core.money import format_money, minor_units, quantize
from modules.events.services import event_record, events_record_changed

from . import events
from .access import access_account
from .matching import Suggestion, payment_method_of, suggestions_for_lines
from .models import OPEN_STATUSES, TRANSACTION_TYPE_OF_ACCOUNT, Account, AccountType, Payment, Transaction
from .payments import payment_apply, payment_remove

# Auto-reconcile settles a line only when its best suggestion has the exact amount, reaches
# AUTO_CONFIDENCE (the exact amount with the whole name or the reference, due within about two
# weeks of the line: part of a name is not enough) and is AUTO_MARGIN ahead of the next one (more
# than the due dates alone can make); a tie never.
AUTO_CONFIDENCE = 85
AUTO_MARGIN = 10
AUTO_MAX_LINES = 2000  # a run examines the oldest lines first; the report says how many it left


# --- Reading lines -----------------------------------------------------------------------------


def transaction_lines(*, bank_account=None, reconciled: bool = False, date_after: date | None = None,
                      date_before: date | None = None):
    """Statement lines still to reconcile (oldest first, as a bank statement reads), or those
    reconciled (latest first: the last one reconciled is the one to undo)."""
    lines = Transaction.objects.select_related("bank_account").filter(reconciled=reconciled)
    if bank_account is not None:
        lines = lines.filter(bank_account=bank_account)
    if date_after is not None:
        lines = lines.filter(date__gte=date_after)
    if date_before is not None:
        lines = lines.filter(date__lte=date_before)
    return lines.order_by("date", "pk") if not reconciled else lines.order_by("-date", "-pk")


def transaction_payments(line: Transaction) -> list[Payment]:
    return list(line.payments.select_related("account").order_by("pk"))


def transaction_with_payments_json(line: Transaction) -> dict:
    """A line as the reconciliation endpoints answer and its events carry it: with its payments."""
    return {
        **events.transaction_json(line),
        "payments": [events.payment_json(payment) for payment in transaction_payments(line)],
    }


# --- Reconciling -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    account_id: int
    amount: Decimal | None = None  # None: the smaller of the account's and the line's remainders


def _paid_at(line: Transaction) -> datetime:
    """The line's date as a moment: its start, in the workspace's time zone."""
    return timezone.make_aware(datetime.combine(line.date, time.min))


def _fit_check(line: Transaction, account: Account) -> None:
    """The refusals payments.py does not make: the wrong way round, or in another currency."""
    if TRANSACTION_TYPE_OF_ACCOUNT[account.type] != line.type:
        message = (
            _("Account #%(id)s is a payable: money that came in (a credit) settles receivables only.")
            if account.type == AccountType.PAYABLE
            else _("Account #%(id)s is a receivable: money that went out (a debit) settles payables only.")
        )
        raise DomainError(message % {"id": account.pk}, field="account_id", code="wrong_direction")
    if account.currency != line.bank_account.currency:
        raise DomainError(
            _("Account #%(id)s is in %(account)s but the bank account is in %(bank)s.")
            % {"id": account.pk, "account": account.currency, "bank": line.bank_account.currency},
            field="account_id", code="wrong_currency",
        )


def _locked_line(line: Transaction) -> Transaction:
    """The line as the database holds it, locked: whatever the caller read may be stale."""
    return Transaction.objects.select_for_update(of=("self",)).select_related("bank_account").get(pk=line.pk)


def _locked_account(actor, account_id: int) -> Account:
    try:
        return access_account(actor, account_id, for_write=True)
    except Http404:
        raise DomainError(
            _("There is no account #%(id)s.") % {"id": account_id}, field="account_id", code="not_found"
        ) from None


@db_transaction.atomic
def transaction_reconcile(*, actor, line: Transaction, allocations: list[Allocation]) -> Transaction:
    """Give the line (what is left of it) to one or more accounts. The line is locked first, then
    the accounts in id order by `access_account`, which also refuses an actor who may not change
    one. Returns the line as it now is."""
    line = _locked_line(line)
    ids = [allocation.account_id for allocation in allocations]
    if not ids:
        raise DomainError(_("Name at least one account."), field="accounts")
    if len(set(ids)) != len(ids):
        raise DomainError(_("An account is listed twice."), field="accounts", code="duplicate")
    if line.unreconciled_amount <= 0:
        raise DomainError(_("This statement line is already reconciled."), code="already_reconciled")
    accounts = {account_id: _locked_account(actor, account_id) for account_id in sorted(ids)}
    if line.reconciled_amount > 0:
        already = line.payments.filter(account_id__in=ids).values_list("account_id", flat=True).first()
        if already is not None:
            raise DomainError(
                _("This line already pays account #%(id)s: unreconcile it first to change what it gives.")
                % {"id": already}, field="account_id", code="already_paying",
            )
    left, gifts = line.unreconciled_amount, []
    for allocation in allocations:
        account = accounts[allocation.account_id]
        _fit_check(line, account)
        if left == 0:
            raise DomainError(
                _("Nothing is left on this line for account #%(id)s.") % {"id": account.pk},
                field="amount", code="over_line",
            )
        amount = allocation.amount if allocation.amount is not None else min(account.remaining, left)
        if quantize(amount, account.currency) != amount:
            raise DomainError(
                _("Amounts in %(currency)s have at most %(digits)d decimals.")
                % {"currency": account.currency, "digits": minor_units(account.currency)}, field="amount",
            )
        if amount > left:
            raise DomainError(
                _("These amounts add up to more than the %(left)s left to reconcile on this line.")
                % {"left": format_money(line.unreconciled_amount, account.currency)},
                field="amount", code="over_line",
            )
        left -= amount
        gifts.append((account, amount))
    return _settle(actor=actor, line=line, gifts=gifts)


LINE_FIELDS = ["reconciled_amount", "reconciled", "matched_account"]


def _settle(*, actor, line: Transaction, gifts: list[tuple[Account, Decimal]]) -> Transaction:
    """Give the line to the accounts, save it and say so."""
    line, payload = _give(actor=actor, line=line, gifts=gifts)
    line.save(update_fields=LINE_FIELDS)
    event_record(name=events.TRANSACTION_RECONCILED, actor=actor, payload=payload)
    return line


def _give(*, actor, line: Transaction, gifts: list[tuple[Account, Decimal]]) -> tuple[Transaction, dict]:
    """Record the payments (payments.py says when an account is paid) and the line's new share;
    the caller saves the line and records its event, whose payload comes back."""
    earlier = transaction_payments(line) if line.reconciled_amount > 0 else []
    paid_at, method = _paid_at(line), payment_method_of(line.description)
    made = [
        payment_apply(account=account, amount=amount, paid_at=paid_at, method=method, actor=actor, transaction=line)
        for account, amount in gifts
    ]
    line.reconciled_amount += sum(amount for _, amount in gifts)
    line.reconciled = line.reconciled_amount == line.amount
    if line.matched_account_id is None:
        line.matched_account = gifts[0][0]
    payments = [events.payment_json(payment) for payment in earlier + made]
    return line, {**events.transaction_json(line), "payments": payments}


@db_transaction.atomic
def transaction_unreconcile(*, actor, line: Transaction) -> Transaction:
    """Take back every payment the line made: its accounts owe them again (overdue again when past
    due). The line is locked first, then its accounts in id order."""
    line = _locked_line(line)
    payments = transaction_payments(line)
    if not payments and not line.reconciled:
        raise DomainError(_("This statement line is not reconciled."), code="not_reconciled")
    for account_id in sorted({payment.account_id for payment in payments}):
        access_account(actor, account_id, for_write=True)
    taken_back = [events.payment_json(payment) for payment in payments]
    for payment in payments:
        payment_remove(payment=payment, actor=actor)
    line.reconciled_amount, line.reconciled, line.matched_account = Decimal(0), False, None
    line.save(update_fields=["reconciled_amount", "reconciled", "matched_account"])
    event_record(name=events.TRANSACTION_UNRECONCILED, actor=actor,
                 payload={**events.transaction_json(line), "payments": taken_back})
    return line


# --- Auto-reconcile ----------------------------------------------------------------------------


@dataclass
class AutoReport:
    matches: list[dict] = field(default_factory=list)  # transaction_id, account_id, amount, confidence
    skipped: Counter = field(default_factory=Counter)  # lines left alone, by why
    examined: int = 0
    left_out: int = 0  # lines past AUTO_MAX_LINES, for another run


def auto_refusal(suggestions: list[Suggestion]) -> str | None:
    """Why the best suggestion may not be taken without a person, or None when it may."""
    if not suggestions:
        return "no_suggestion"
    best = suggestions[0]
    if best.confidence < AUTO_CONFIDENCE or not best.exact:
        return "low_confidence"
    if len(suggestions) > 1 and best.confidence - suggestions[1].confidence < AUTO_MARGIN:
        return "ambiguous"
    return None


@db_transaction.atomic
def transactions_auto_reconcile(*, actor, bank_account=None, date_after: date | None = None,
                                date_before: date | None = None) -> AutoReport:
    """Reconcile every line whose best suggestion leaves no doubt (`auto_refusal`), each with one
    account, and an account with one line at most: an account that is the best of several lines
    goes to the line it fits best, and to none when two fit it equally."""
    report = AutoReport()
    lines = list(transaction_lines(bank_account=bank_account, date_after=date_after, date_before=date_before)
                 [:AUTO_MAX_LINES + 1])
    if len(lines) > AUTO_MAX_LINES:
        report.left_out = transaction_lines(
            bank_account=bank_account, date_after=date_after, date_before=date_before
        ).count() - AUTO_MAX_LINES
        lines = lines[:AUTO_MAX_LINES]
    report.examined = len(lines)
    suggestions = suggestions_for_lines(lines, dated=False)
    claims = defaultdict(list)
    for line in lines:
        refusal = auto_refusal(suggestions.get(line.pk, []))
        if refusal:
            report.skipped[refusal] += 1
        else:
            best = suggestions[line.pk][0]
            claims[best.account.pk].append((best.confidence, line.pk, best))
    picked = {}
    for claimants in claims.values():
        claimants.sort(key=lambda claim: -claim[0])
        if len(claimants) == 1 or claimants[0][0] > claimants[1][0]:
            _, line_id, suggestion = claimants.pop(0)
            picked[line_id] = suggestion
        if claimants:  # the others, or all of them when the best two fit it equally
            report.skipped["claimed"] += len(claimants)
    _auto_settle(actor, picked, report)
    return report


def _auto_settle(actor, picked: dict[int, Suggestion], report: AutoReport) -> None:
    """Lock the picked lines, then their accounts, each in id order (one query each, whatever
    their number), and settle those that still are as they were scored: each account through
    payments.py, the lines together (one update, one batch of events)."""
    lines = {line.pk: line for line in Transaction.objects.select_for_update(of=("self",))
             .select_related("bank_account").filter(pk__in=picked).order_by("pk")}
    accounts = {account.pk: account for account in Account.objects.select_for_update(of=("self",))
                .select_related("category", "customer", "assigned_to")
                .filter(pk__in=[suggestion.account.pk for suggestion in picked.values()]).order_by("pk")}
    settled, payloads = [], []
    for line_id in sorted(picked):
        suggestion, line = picked[line_id], lines.get(line_id)
        account = accounts.get(suggestion.account.pk)
        unchanged = (
            line is not None and account is not None and account.status in OPEN_STATUSES
            and line.unreconciled_amount == account.remaining == suggestion.amount
        )
        if not unchanged:  # reconciled or paid by someone else since it was scored
            report.skipped["changed"] += 1
            continue
        if not may_change(actor, account):
            report.skipped["not_permitted"] += 1
            continue
        line, payload = _give(actor=actor, line=line, gifts=[(account, suggestion.amount)])
        settled.append(line)
        payloads.append(payload)
        report.matches.append({
            "transaction_id": line.pk, "account_id": account.pk,
            "amount": str(quantize(suggestion.amount, account.currency)), "confidence": suggestion.confidence,
        })
    Transaction.objects.bulk_update(settled, LINE_FIELDS)
    events_record_changed(name=events.TRANSACTION_RECONCILED, payloads=payloads, actor=actor)

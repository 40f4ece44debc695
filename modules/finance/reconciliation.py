"""Reconciliation: statement lines (transactions) matched with the payables and receivables they
settle. Suggestions rank the open accounts a line may settle; reconciling gives (part of) a line
to accounts through payments.py's rule; unreconciling takes it back; auto-reconcile settles the
lines whose best suggestion leaves no doubt.

Finding candidates is SQL, scoring them Python: one statement finds, for any number of lines,
the few open accounts worth scoring (same currency and direction; exactly the line's amount, by
the open-amount index; named or quoted by the description, by full-text search on the account's
and its customer's search documents; or due within a week of the line), then `suggestion_score`
weighs each one (see the weights below). The suggestions of one line and an auto-reconcile run
over a thousand lines use that same statement and that same score.

Locks are taken lines first, then accounts, each in id order, so two reconciliations never wait
on each other in a circle.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db import connection
from django.db import transaction as db_transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.core.access import may_change
from modules.core.exceptions import DomainError
from modules.core.money import format_money, minor_units, quantize
from modules.core.search import fold
from modules.crm.models import Contact
from modules.events.services import event_record

from . import events
from .access import access_account
from .models import (
    OPEN_STATUSES,
    TRANSACTION_TYPE_OF_ACCOUNT,
    Account,
    AccountType,
    Payment,
    PaymentMethod,
    Transaction,
)
from .payments import payment_apply, payment_remove

# --- How a suggestion is weighed ---------------------------------------------------------------
# Confidence is the sum of these (at most 100). Only an account whose remainder is exactly the
# line's amount can reach AUTO_CONFIDENCE: everything else together makes at most 75.
EXACT_AMOUNT_POINTS = 50
NEAR_AMOUNT_POINTS = 5  # within NEAR_AMOUNT_SHARE of the remainder, fewer the further
NEAR_AMOUNT_SHARE = Decimal("0.05")
REFERENCE_POINTS = 30  # the account's reference or invoice number quoted in the description
NAME_POINTS = 30  # times the share of the name's words the description holds, from half of them
NAME_SHARE_NEEDED = 0.5
DATE_POINTS = 10  # due on the line's date; none from DATE_HORIZON_DAYS apart
DATE_HORIZON_DAYS = 30

# Auto-reconcile settles a line only when its best suggestion has the exact amount, reaches
# AUTO_CONFIDENCE (the exact amount with the name or the reference) and is AUTO_MARGIN ahead of
# the next one (more than the due dates alone can make); a tie never.
AUTO_CONFIDENCE = 80
AUTO_MARGIN = 10
AUTO_MAX_LINES = 2000  # a run examines the oldest lines first; the report says how many it left

SUGGESTIONS_SHOWN = 10

# What the candidate statement brings back per line and per way of finding.
EXACT_LIMIT = 20
TEXT_LIMIT = 30
DATED_LIMIT = 10
DATED_WINDOW_DAYS = 7
QUERY_WORDS = 6  # the description's first words searched for, and its numbers

# Words of bank descriptions, legal forms and connectives: they name nobody. Folded.
NOISE_WORDS = frozenset({
    "pix", "ted", "doc", "tev", "pag", "pagto", "pgto", "pagamento", "pago", "pg", "boleto", "bol", "transf",
    "transferencia", "transfer", "deposito", "dep", "recebido", "recebida", "receb", "rec", "enviado", "enviada",
    "env", "credito", "cred", "debito", "deb", "compra", "saque", "tarifa", "cobranca", "liquidacao", "liq",
    "titulo", "tit", "agencia", "conta", "cc", "cp", "cpf", "cnpj", "banco", "bco", "spei", "abono", "cargo", "ach",
    "wire", "payment", "deposit", "from", "ref", "nf", "nfe", "inv", "fatura", "factura", "invoice", "recibo", "tx",
    "trf", "ltda", "me", "epp", "eireli", "mei", "inc", "llc", "ltd", "corp", "co", "cia", "sas", "sa", "cv", "rl",
    "da", "de", "do", "das", "dos", "di", "du", "e", "y", "del", "la", "las", "el", "los", "the", "of", "and", "to",
    "para", "por", "com", "iof", "juros", "multa", "estorno", "anuidade", "cartao", "cheque", "pacote", "servico",
    "servicos"
})

_WORD = re.compile(r"\w+")
_LEXEME = re.compile(r"^[\w.\-/]+$")


# --- Reading descriptions ----------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def name_share(name: str, description_words: list[str]) -> float:
    """How much of `name` the description holds: the share of its words (noise aside) found in it,
    accents and case aside. The description's last word may be cut short by the bank ("SAN" for
    Santos), so a name word it begins counts."""
    words = [word for word in _words(name) if word not in NOISE_WORDS]
    if not words:
        return 0.0
    held = set(description_words)
    last = description_words[-1] if description_words else ""
    found = sum(1 for word in words if word in held or (len(last) >= 3 and word.startswith(last)))
    return found / len(words)


def quoted(code: str, description_words: list[str]) -> bool:
    """Whether the description quotes `code` (a reference, a number), however the bank spaced or
    punctuated it: "NF-1234" is quoted by "PAG NF 1234" and "23790.1234" by "BOLETO 237901234",
    but "1234" is not quoted by "12345" (whole words only)."""
    wanted = "".join(_words(code))
    if len(wanted) < 3:
        return False
    for start in range(len(description_words)):
        run = ""
        for word in description_words[start:]:
            run += word
            if run == wanted:
                return True
            if not wanted.startswith(run):
                break
    return False


def payment_method_of(description: str) -> str:
    """How the money moved, as far as the bank's words say."""
    words = set(_words(description))
    if "pix" in words:
        return PaymentMethod.PIX
    if words & {"boleto", "bol"}:
        return PaymentMethod.BOLETO
    return PaymentMethod.BANK_TRANSFER


def _tsquery_term(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "''") + "'"


def search_terms(lexemes: list[str]) -> tuple[str | None, str | None]:
    """The description's full-text queries (`to_tsquery` syntax), for the account's document and
    for its customer's: any two of its name words together (one alone when it has only one: a
    single common surname would bring half the book), or any of its numbers (4 characters or more,
    for references; the customer's document holds phone digits, so it gets no numbers)."""
    names, numbers = [], []
    for lexeme in lexemes:
        if not _LEXEME.match(lexeme):
            continue
        if any(char.isdigit() for char in lexeme):
            # PostgreSQL reads "NF-1234" as nf and -1234, "NF 1234" as nf and 1234: ask for both.
            bare = lexeme.lstrip("-")
            if len(bare) >= 4:
                numbers += [bare, f"-{bare}"]
        elif len(lexeme) >= 3 and lexeme not in NOISE_WORDS:
            names.append(lexeme)
    names = list(dict.fromkeys(names))[:QUERY_WORDS]
    numbers = list(dict.fromkeys(numbers))[: 2 * QUERY_WORDS]
    if len(names) == 1:
        name_terms = [_tsquery_term(names[0])]
    else:
        name_terms = [
            f"({_tsquery_term(first)} & {_tsquery_term(second)})"
            for index, first in enumerate(names) for second in names[index + 1:]
        ]
    account_terms = name_terms + [_tsquery_term(number) for number in numbers]
    return (" | ".join(account_terms) or None), (" | ".join(name_terms) or None)


def _lexemes(descriptions: list[str]) -> list[list[str]]:
    """Each description's words as PostgreSQL's parser splits them, in their order: the account's
    search document was split by the same parser, so a reference matches however it was typed."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT (SELECT coalesce(array_agg(word.lexeme ORDER BY word.positions[1]), '{}')
                       FROM unnest(to_tsvector('simple', text.value)) AS word)
               FROM unnest(%s::text[]) WITH ORDINALITY AS text(value, position) ORDER BY text.position""",
            [[fold(description) for description in descriptions]],
        )
        return [row[0] for row in cursor.fetchall()]


# --- Finding candidates ------------------------------------------------------------------------


# A credit (money in) settles receivables; a debit (money out), payables.
ACCOUNT_TYPE_OF_LINE = {line_type: kind for kind, line_type in TRANSACTION_TYPE_OF_ACCOUNT.items()}


_OPEN = "a.status IN ({})".format(", ".join(f"'{status}'" for status in OPEN_STATUSES))  # the index's own words
_SAME = f"{_OPEN} AND a.currency = line.currency AND a.type = line.account_type"
_NEAREST = "ORDER BY abs(a.due_date - line.day), a.id"
# One statement for any number of lines: per line, the open accounts with exactly its amount
# (finance_account_open_idx), those its words find in their own or their customer's search
# document (GIN), and those due within a week of it; each way bounded, nearest due date first.
CANDIDATES_SQL = f"""
SELECT line.id, found.id
FROM unnest(%s::bigint[], %s::numeric[], %s::date[], %s::text[], %s::text[], %s::text[], %s::text[])
     AS line(id, amount, day, account_type, currency, account_query, contact_query)
CROSS JOIN LATERAL (
    (SELECT a.id FROM {Account._meta.db_table} a WHERE {_SAME} AND a.amount = line.amount
     {_NEAREST} LIMIT {EXACT_LIMIT})
    UNION
    (SELECT a.id FROM {Account._meta.db_table} a
     WHERE {_SAME} AND a.search_document @@ to_tsquery('simple', line.account_query)
     {_NEAREST} LIMIT {TEXT_LIMIT})
    UNION
    (SELECT a.id FROM {Account._meta.db_table} a JOIN {Contact._meta.db_table} c ON c.id = a.customer_id
     WHERE {_SAME} AND c.search_document @@ to_tsquery('simple', line.contact_query)
     {_NEAREST} LIMIT {TEXT_LIMIT})
    UNION
    (SELECT a.id FROM {Account._meta.db_table} a
     WHERE {_SAME} AND a.due_date BETWEEN line.day - {DATED_WINDOW_DAYS} AND line.day + {DATED_WINDOW_DAYS}
     {_NEAREST} LIMIT %s)
) AS found
"""  # noqa: S608 -- our own tables and constants; the lines' values are parameters


def _candidate_ids(lines: list[Transaction], *, dated: bool) -> dict[int, set[int]]:
    queries = [search_terms(lexemes) for lexemes in _lexemes([line.description for line in lines])]
    columns = (
        [line.pk for line in lines], [line.unreconciled_amount for line in lines], [line.date for line in lines],
        [ACCOUNT_TYPE_OF_LINE[line.type] for line in lines], [line.bank_account.currency for line in lines],
        [account_query for account_query, _ in queries], [contact_query for _, contact_query in queries],
    )
    found = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(CANDIDATES_SQL, [*columns, DATED_LIMIT if dated else 0])
        for line_id, account_id in cursor.fetchall():
            found[line_id].add(account_id)
    _add_partly_paid(lines, found)
    return found


def _add_partly_paid(lines: list[Transaction], found: dict[int, set[int]]) -> None:
    """An account already partly paid has exactly the line's amount left rather than as its
    amount, which the index cannot see: such accounts are few, so one query takes them all."""
    wanted = defaultdict(list)
    for line in lines:
        wanted[(line.bank_account.currency, ACCOUNT_TYPE_OF_LINE[line.type], line.unreconciled_amount)].append(line.pk)
    partly_paid = (
        Account.objects.filter(status__in=OPEN_STATUSES, paid_amount__gt=0)
        .filter(currency__in={currency for currency, _, _ in wanted}, type__in={kind for _, kind, _ in wanted})
        .values_list("pk", "currency", "type", "amount", "paid_amount")
    )
    for pk, currency, kind, amount, paid_amount in partly_paid:
        for line_id in wanted.get((currency, kind, amount - paid_amount), ()):
            found[line_id].add(pk)


# --- Scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why a suggestion ranks where it does: a code for programs, a sentence for people (written
    when read: a thousand lines' candidates are scored for the few shown)."""

    code: str  # exact_amount, near_amount, reference, invoice, name, due_date
    value: object = None  # the difference, the reference or number, the name, the days apart
    currency: str = ""

    @property
    def text(self) -> str:
        if self.code == "exact_amount":
            return _("The amount is exactly what is left on the account.")
        if self.code == "near_amount":
            return _("The amount is %(difference)s away from what is left on the account.") % {
                "difference": format_money(self.value, self.currency)
            }
        if self.code == "reference":
            return _("The description quotes the reference %(reference)s.") % {"reference": self.value}
        if self.code == "invoice":
            return _("The description quotes invoice %(number)s.") % {"number": self.value}
        if self.code == "name":
            return _("The description names %(name)s.") % {"name": self.value}
        return _due_text(self.value)


@dataclass(frozen=True)
class Suggestion:
    account: Account
    amount: Decimal  # what reconciling would give it: the smaller of the two remainders
    confidence: int
    reasons: tuple[Reason, ...]

    @property
    def exact(self) -> bool:
        return self.reasons[:1] == (Reason("exact_amount"),)


def suggestion_score(line: Transaction, account: Account, description_words: list[str]) -> Suggestion:
    """How likely the line settles the account, 0 to 100, and why (see the weights above)."""
    points, reasons = 0.0, []
    remaining, amount = account.remaining, line.unreconciled_amount
    if remaining == amount:
        points += EXACT_AMOUNT_POINTS
        reasons.append(Reason("exact_amount"))
    elif abs(remaining - amount) <= remaining * NEAR_AMOUNT_SHARE:
        points += NEAR_AMOUNT_POINTS * float(1 - abs(remaining - amount) / (remaining * NEAR_AMOUNT_SHARE))
        reasons.append(Reason("near_amount", abs(remaining - amount), account.currency))
    if account.reference and quoted(account.reference, description_words):
        points += REFERENCE_POINTS
        reasons.append(Reason("reference", account.reference))
    elif account.invoice_id and quoted(str(account.invoice_id), description_words):
        points += REFERENCE_POINTS
        reasons.append(Reason("invoice", account.invoice_id))
    share, name = max(((name_share(name, description_words), name) for name in _names(account)), default=(0, ""))
    if share >= NAME_SHARE_NEEDED:
        points += NAME_POINTS * share
        reasons.append(Reason("name", name))
    days = (account.due_date - line.date).days
    if abs(days) < DATE_HORIZON_DAYS:
        points += DATE_POINTS * (1 - abs(days) / DATE_HORIZON_DAYS)
        reasons.append(Reason("due_date", days))
    return Suggestion(
        account=account, amount=min(remaining, amount), confidence=min(100, round(points)), reasons=tuple(reasons)
    )


def _names(account: Account) -> list[str]:
    """Who the account is with, as a bank would write it: the customer (or their company), the
    vendor, and the account's own name."""
    names = [account.vendor, account.name]
    if account.customer is not None:
        names += [account.customer.name, account.customer.company]
    return [name for name in names if name]


def _due_text(days: int) -> str:
    if days == 0:
        return _("Due on the line's date.")
    if days < 0:
        return ngettext("Due %(days)d day before the line's date.", "Due %(days)d days before the line's date.",
                        -days) % {"days": -days}
    return ngettext("Due %(days)d day after the line's date.", "Due %(days)d days after the line's date.",
                    days) % {"days": days}


def _ranked(suggestions: list[Suggestion], line: Transaction) -> list[Suggestion]:
    return sorted(suggestions, key=lambda suggestion: (
        -suggestion.confidence, abs((suggestion.account.due_date - line.date).days), suggestion.account.pk,
    ))


# What scoring reads of an account, and what a suggestion shows of it.
SUGGESTED_FIELDS = (
    "name", "type", "description", "reference", "amount", "paid_amount", "currency", "due_date", "status", "vendor",
    "invoice_id", "customer__name", "customer__company",
)


def suggestions_for_lines(lines: list[Transaction], *, dated: bool = True) -> dict[int, list[Suggestion]]:
    """Every candidate of each line, scored and best first (lines with nothing left to give have
    none). The lines come with their bank account. `dated=False` leaves out the accounts found by
    their due date alone: they score at most DATE_POINTS + NEAR_AMOUNT_POINTS, too little to
    matter to auto-reconcile, whose best needs AUTO_CONFIDENCE and its runner-up within AUTO_MARGIN."""
    lines = [line for line in lines if line.unreconciled_amount > 0]
    if not lines:
        return {}
    found = _candidate_ids(lines, dated=dated)
    # A line that already pays an account cannot pay it again: unreconciling changes what it gives.
    paying = defaultdict(set)
    for line_id, account_id in Payment.objects.filter(
        transaction__in=[line for line in lines if line.reconciled_amount > 0]
    ).values_list("transaction_id", "account_id"):
        paying[line_id].add(account_id)
    accounts = Account.objects.select_related("customer").only(*SUGGESTED_FIELDS).in_bulk(
        {account_id for ids in found.values() for account_id in ids}
    )
    ranked = {}
    for line in lines:
        words = _words(line.description)
        ranked[line.pk] = _ranked([
            suggestion_score(line, accounts[account_id], words)
            for account_id in found[line.pk] - paying[line.pk]
        ], line)
    return ranked


def transaction_suggestions(line: Transaction, *, limit: int = SUGGESTIONS_SHOWN) -> list[Suggestion]:
    """The open accounts `line` may settle, best first."""
    return suggestions_for_lines([line]).get(line.pk, [])[:limit]


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
        amount = allocation.amount if allocation.amount is not None else min(account.remaining, left)
        if left == 0:
            raise DomainError(
                _("Nothing is left on this line for account #%(id)s.") % {"id": account.pk},
                field="amount", code="over_line",
            )
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


def _settle(*, actor, line: Transaction, gifts: list[tuple[Account, Decimal]]) -> Transaction:
    """Record the payments (payments.py says when an account is paid), then the line's share."""
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
    line.save(update_fields=["reconciled_amount", "reconciled", "matched_account"])
    event_record(name=events.TRANSACTION_RECONCILED, actor=actor, payload={
        **events.transaction_json(line), "payments": [events.payment_json(payment) for payment in earlier + made],
    })
    return line


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
    their number), and settle those that still are as they were scored."""
    lines = {line.pk: line for line in Transaction.objects.select_for_update(of=("self",))
             .select_related("bank_account").filter(pk__in=picked).order_by("pk")}
    accounts = {account.pk: account for account in Account.objects.select_for_update(of=("self",))
                .select_related("category", "customer", "assigned_to")
                .filter(pk__in=[suggestion.account.pk for suggestion in picked.values()]).order_by("pk")}
    for line_id in sorted(picked):
        suggestion, line = picked[line_id], lines.get(line_id)
        account = accounts.get(suggestion.account.pk)
        unchanged = (
            line is not None and account is not None and account.status in OPEN_STATUSES
            and line.unreconciled_amount == account.remaining == suggestion.amount
        )
        if unchanged and not may_change(actor, account):
            report.skipped["not_permitted"] += 1
            continue
        if not unchanged:  # reconciled or paid by someone else since it was scored
            report.skipped["changed"] += 1
            continue
        _settle(actor=actor, line=line, gifts=[(account, suggestion.amount)])
        report.matches.append({
            "transaction_id": line.pk, "account_id": account.pk,
            "amount": str(quantize(suggestion.amount, account.currency)), "confidence": suggestion.confidence,
        })


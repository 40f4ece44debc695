"""Matching statement lines with the payables and receivables they may settle: the suggestions
of one line, ranked, each with a confidence (0 to 100) and its reasons.

Finding candidates is SQL, scoring them Python. One statement finds, for any number of lines,
the few open accounts worth scoring: same currency and direction, and exactly the line's amount
(the open-amount index), or named or quoted by the description (full-text search on the
account's and its customer's search documents), or due within a week of the line. Then
`suggestion_score` weighs each one (the weights below). The suggestions of one line and an
auto-reconcile run over a thousand lines (reconciliation.py) use that same statement and score.

Bank descriptions are short and shouted ("PIX RECEBIDO JOAO DA SILVA", "TED 341 PADARIA SAO JOSE
LTDA", "PAG BOLETO 23790.12345"): words are compared accents and case aside (core.search.fold),
the bank's own words and legal forms name nobody, and the last word may be cut short.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.db import connection
from django.db import transaction as db_transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.core.money import format_money
from modules.core.search import fold
from modules.crm.models import Contact

from .models import OPEN_STATUSES, TRANSACTION_TYPE_OF_ACCOUNT, Account, Payment, PaymentMethod, Transaction

# --- How a suggestion is weighed ---------------------------------------------------------------
# Confidence is the sum of these (at most 100). Without the exact amount the rest makes at most 75,
# short of what auto-reconcile asks (reconciliation.AUTO_CONFIDENCE, 85).
EXACT_AMOUNT_POINTS = 50
NEAR_AMOUNT_POINTS = 5  # within NEAR_AMOUNT_SHARE of the remainder, fewer the further
NEAR_AMOUNT_SHARE = Decimal("0.05")
REFERENCE_POINTS = 30  # the account's reference or invoice number quoted in the description
NAME_POINTS = 30  # times the share of the name's words the description holds, from half of them
NAME_SHARE_NEEDED = 0.5
DATE_POINTS = 10  # due on the line's date; none from DATE_HORIZON_DAYS apart
DATE_HORIZON_DAYS = 30

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
    "servicos",
})

_WORD = re.compile(r"\w+")
_LEXEME = re.compile(r"^[\w.\-/]+$")


# --- Reading descriptions ----------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=8192)
def _name_words(name: str) -> tuple[str, ...]:
    """A name's words that may name someone; a run scores the same customers and vendors again
    and again, so they are read once."""
    return tuple(word for word in _words(name) if word not in NOISE_WORDS)


@lru_cache(maxsize=8192)
def _compact(code: str) -> str:
    return "".join(_words(code))


def name_share(name: str, description_words: list[str]) -> float:
    """How much of `name` the description holds: the share of its words (noise aside) found in it,
    accents and case aside. The description's last word may be cut short by the bank ("SAN" for
    Santos), so a name word it begins counts."""
    words = _name_words(name)
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
    wanted = _compact(code)
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
    for its customer's: any two of its name words together (one common surname alone would bring
    half the book; a description with a single name word searches for it), or any of its numbers
    of 4 characters or more, for references (not in the customer's document, which holds phone
    digits)."""
    words, numbers = [], []
    for lexeme in lexemes:
        if not _LEXEME.match(lexeme):
            continue
        if any(char.isdigit() for char in lexeme):
            # PostgreSQL reads "NF-1234" as nf and -1234, "NF 1234" as nf and 1234: ask for both.
            bare = lexeme.lstrip("-")
            if len(bare) >= 4:
                numbers += [bare, f"-{bare}"]
        elif len(lexeme) >= 3 and lexeme not in NOISE_WORDS:
            words.append(lexeme)
    words = list(dict.fromkeys(words))[:QUERY_WORDS]
    numbers = list(dict.fromkeys(numbers))[: 2 * QUERY_WORDS]
    if len(words) == 1:
        name_terms = [_tsquery_term(words[0])]
    else:
        name_terms = [
            f"({_tsquery_term(first)} & {_tsquery_term(second)})"
            for index, first in enumerate(words) for second in words[index + 1:]
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
    with db_transaction.atomic(), connection.cursor() as cursor:
        # For a thousand lines the planner's cost calls for JIT compiling, which takes longer (0.6 s
        # measured) than running the statement (50 ms): off, until this transaction ends.
        cursor.execute("SET LOCAL jit = off")
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


# What scoring reads of an account, what a suggestion shows of it, and who may accept it
# (core.access.may_change reads assigned_to and created_by).
SUGGESTED_FIELDS = (
    "name", "type", "description", "reference", "amount", "paid_amount", "currency", "due_date", "status", "vendor",
    "invoice_id", "customer__name", "customer__company", "assigned_to", "created_by",
)


def suggestions_for_lines(lines: list[Transaction], *, dated: bool = True) -> dict[int, list[Suggestion]]:
    """Every candidate of each line, scored and best first (lines with nothing left to give have
    none). The lines come with their bank account.

    `dated=False` leaves out the accounts found by their due date alone, for auto-reconcile: they
    score at most DATE_POINTS + NEAR_AMOUNT_POINTS, too little to be its best or to come within
    its margin of one. (Those found by a name stay: when many accounts have the line's amount, the
    one the line names may be past the nearest few the amount finds.)"""
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

"""Statement lines as a file or a bank feed gives them, and the one way they are written: in bulk,
skipping those the bank account already holds (Transaction.dedupe_key)."""

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from modules.core.imports import file_error, records_copy
from modules.core.money import minor_units, quantize
from modules.core.search import fold

from ..models import BankAccount, Transaction, TransactionType

KEY_LOOKUP_CHUNK = 5_000
# Past this many, a refused file's message says how many more lines are wrong.
PROBLEMS_SHOWN = 10
LARGEST_AMOUNT = Decimal("1e12")  # AmountField's 14 digits, 2 of them decimals


@dataclass(frozen=True)
class StatementLine:
    date: date
    description: str
    amount: Decimal  # signed: negative is money out of the bank account
    external_id: str = ""  # the bank's id of the line, when it gives one


@dataclass(frozen=True)
class Statement:
    lines: list[StatementLine]
    currency: str | None  # what the file says it is in (OFX CURDEF); CSV says nothing


@dataclass(frozen=True)
class Inserted:
    imported: int
    duplicates: int


def statement_lines_insert(*, bank_account: BankAccount, lines: list[StatementLine], source: str) -> Inserted:
    """Write the lines the bank account does not hold yet, in bulk (COPY). The caller holds the
    bank account locked, in its transaction."""
    keys = dedupe_keys(lines)
    held = _keys_held(bank_account, keys)
    new = [
        Transaction(
            bank_account_id=bank_account.pk, date=line.date, description=line.description[:500],
            amount=abs(line.amount), type=TransactionType.CREDIT if line.amount > 0 else TransactionType.DEBIT,
            category_id=None, matched_account_id=None, reconciled_amount=Decimal(0), reconciled=False,
            source=source, external_id=line.external_id[:255], dedupe_key=key,
        )
        for line, key in zip(lines, keys, strict=True)
        if key not in held
    ]
    # Every writer of a bank's lines comes here with the bank account locked: a clash would be a
    # line written around that lock, and refusing the file says so rather than hiding it.
    if not records_copy(new, unique_constraint="finance_transaction_dedupe_unique"):
        raise file_error(_("Lines of this bank account were being added at the same time. Import the file again."))
    return Inserted(imported=len(new), duplicates=len(lines) - len(new))


def _keys_held(bank_account: BankAccount, keys: list[str]) -> set[str]:
    held = set()
    for start in range(0, len(keys), KEY_LOOKUP_CHUNK):
        held.update(
            Transaction.objects.filter(bank_account=bank_account, dedupe_key__in=keys[start:start + KEY_LOOKUP_CHUNK])
            .values_list("dedupe_key", flat=True)
        )
    return held


def dedupe_keys(lines: list[StatementLine]) -> list[str]:
    """What makes each line the same line when it comes again (Transaction.dedupe_key): the bank's
    id, or the date, amount and description; with the line's rank among the file's lines that
    share it, so identical lines of one file are each kept."""
    ranks: Counter = Counter()
    keys = []
    for line in lines:
        if line.external_id:
            identity = ("id", line.external_id)
        else:
            identity = ("line", line.date.isoformat(), str(line.amount), fold(" ".join(line.description.split())))
        keys.append(_key(identity, ranks[identity]))
        ranks[identity] += 1
    return keys


def external_id_key(external_id: str) -> str:
    """The dedupe key of the line the bank calls `external_id` (a feed's modified or removed line)."""
    return _key(("id", external_id), 0)


def _key(identity: tuple[str, ...], rank: int) -> str:
    return hashlib.sha256("\x1f".join([*identity, str(rank)]).encode()).hexdigest()


class LineProblems:
    """A file's unreadable lines: all of them refuse it, the first few are named."""

    def __init__(self):
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        self.messages.append(message)

    def refuse_if_any(self) -> None:
        if not self.messages:
            return
        shown = self.messages[:PROBLEMS_SHOWN]
        hidden = len(self.messages) - len(shown)
        if hidden:
            shown.append(_("…and %(count)d more lines like these.") % {"count": hidden})
        heading = _("Nothing was imported. Fix these lines and import the file again.")
        raise ValidationError({"file": [heading, *shown]})


def amount_problem(amount: Decimal, currency: str) -> str | None:
    """Why an amount read from a file is not one we keep, or None."""
    if not amount.is_finite() or abs(amount) >= LARGEST_AMOUNT:
        return _("the amount is not a sum of money")
    if amount != quantize(amount, currency):
        return _("the amount has more decimals than %(currency)s has (%(digits)d)") % {
            "currency": currency, "digits": minor_units(currency)
        }
    return None

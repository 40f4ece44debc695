"""Statement lines once they are in: their list, the category a person gives one, and deleting
one. Lines come in through statements/ (files) and feeds/ (bank feeds); reconciliation gives
them to accounts. Their figures (date, amount, description) are the bank's and never change here.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from modules.core.access import manages
from modules.core.exceptions import DomainError
from modules.events.services import event_record

from . import events
from .access import access_transaction
from .models import BankAccount, Category, Transaction


def access_line(actor, line_id, *, for_write: bool = False, for_delete: bool = False) -> Transaction:
    """access_transaction as the kit's viewsets call it: a line about to be deleted is locked as
    one about to change (transaction_delete says who may)."""
    return access_transaction(actor, line_id, for_write=for_write or for_delete)


def transaction_list() -> QuerySet[Transaction]:
    return Transaction.objects.select_related("bank_account", "category")


def statement_bank_accounts() -> QuerySet[BankAccount]:
    """The bank accounts a statement page lists lines of (archived ones too: their lines stay)."""
    return BankAccount.objects.order_by("-is_active", "name", "id")


def transaction_json(line: Transaction) -> dict:
    """A line as its events carry it: events.transaction_json and the category a person gave it."""
    return {**events.transaction_json(line), "category_id": line.category_id}


@transaction.atomic
def transaction_update(*, actor, line: Transaction, changes: dict) -> Transaction:
    """Give the line a category (or none): the one thing about a line that is ours."""
    if "category" not in changes or changes["category"] == line.category:
        return line
    category: Category | None = changes["category"]
    before = transaction_json(line)
    line.category = category
    line.save(update_fields=["category"])
    after = transaction_json(line)
    event_record(
        name=events.TRANSACTION_UPDATED, payload=after, actor=actor,
        changes={"category_id": {"old": before["category_id"], "new": after["category_id"]}},
    )
    return line


@transaction.atomic
def transaction_delete(*, actor, line: Transaction) -> None:
    """A line imported by mistake (a file of another account) goes; a line that paid accounts
    stays until it is unreconciled, so no payment is left without its money."""
    if not manages(actor):
        raise PermissionDenied(_("Only a manager or an admin can delete a statement line."))
    if line.reconciled_amount:
        raise DomainError(
            _("This line is reconciled with accounts: unreconcile it before deleting it."), code="reconciled"
        )
    payload = transaction_json(line)
    line.delete()
    event_record(name=events.TRANSACTION_DELETED, payload=payload, actor=actor)

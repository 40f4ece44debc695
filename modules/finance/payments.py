"""Money that settles payables and receivables: the one place an account's paid amount and
status change because money moved. Marking an account paid (services) and reconciling statement
lines (reconciliation) both come here, so partial payments, the remainder and the events are the
same whichever way the money is recorded.

Callers hold the account locked (`access_account(..., for_write=True)`) inside their transaction.
"""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.exceptions import DomainError
from modules.events.services import event_record

from . import events
from .models import Account, AccountStatus, Payment, Transaction


def open_status(account: Account) -> str:
    """What an account that is not (or no longer) fully paid is: overdue past its due date in the
    workspace's time zone (the request's or task's current one), else pending."""
    return AccountStatus.OVERDUE if account.due_date < timezone.localdate() else AccountStatus.PENDING


def payment_apply(
    *, account: Account, amount: Decimal, paid_at: datetime, method: str = "", actor,
    transaction: Transaction | None = None,
) -> Payment:
    """Record `amount` paid towards `account`: paid in full once nothing remains, with `paid_at`
    and `method` of the payment that completed it."""
    if account.status == AccountStatus.CANCELLED:
        raise DomainError(_("This account is cancelled: it cannot be paid."), code="cancelled")
    if account.status == AccountStatus.PAID:
        raise DomainError(_("This account is already paid."), code="already_paid")
    if amount <= 0:
        raise DomainError(_("A payment must be more than zero."), field="amount")
    if amount > account.remaining:
        raise DomainError(
            _("This payment is more than what is left to pay on the account (%(remaining)s).")
            % {"remaining": account.remaining},
            field="amount", code="overpaid",
        )
    payment = Payment.objects.create(
        account=account, transaction=transaction, amount=amount, paid_at=paid_at, method=method,
        created_by=actor,
    )
    account.paid_amount += amount
    fields = ["paid_amount", "updated_at"]
    if account.paid_amount == account.amount:
        account.status, account.paid_at, account.payment_method = AccountStatus.PAID, paid_at, method
        fields += ["status", "paid_at", "payment_method"]
    account.save(update_fields=fields)
    name = events.ACCOUNT_PAID if account.status == AccountStatus.PAID else events.ACCOUNT_PARTIALLY_PAID
    event_record(name=name, payload={**events.account_json(account), "payment": events.payment_json(payment)},
                 actor=actor)
    return payment


def payment_remove(*, payment: Payment, actor) -> Account:
    """Take a payment back (its statement line was unreconciled): the account owes it again."""
    # Of the account alone: PostgreSQL locks no row of an outer join's nullable side.
    accounts = Account.objects.select_for_update(of=("self",)).select_related("category", "assigned_to")
    account = accounts.get(pk=payment.account_id)
    payload = events.payment_json(payment)
    payment.delete()
    account.paid_amount -= payment.amount
    if account.status == AccountStatus.PAID:
        account.status, account.paid_at, account.payment_method = open_status(account), None, ""
    account.save(update_fields=["paid_amount", "status", "paid_at", "payment_method", "updated_at"])
    event_record(
        name=events.ACCOUNT_REOPENED, payload={**events.account_json(account), "payment": payload}, actor=actor
    )
    return account

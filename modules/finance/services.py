"""Every write of the ledger: payables and receivables (accounts), their categories and the bank
accounts. The API and the workspace pages both come through here.

Each service runs in one transaction, records its domain event there and raises ValidationError
(a field's problem, named as the API names it: `category_id`) or DomainError (a rule). Money that
settles an account goes through payments.payment_apply, whichever door it came in by.
Categories and bank accounts are the workspace's set-up: only managers and admins change them.
"""

import re
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.accounts.models import User
from modules.core.access import assignment_check, manages
from modules.core.exceptions import DomainError
from modules.core.money import amount_check, format_money
from modules.crm.models import Contact
from modules.events.services import event_record, events_record, payload_changes, system_events_record

from . import events
from .models import (
    ACCOUNT_TYPE_OF_CATEGORY,
    OPEN_STATUSES,
    Account,
    AccountStatus,
    AccountType,
    BankAccount,
    Category,
    hex_color,
)
from .payments import open_status, payment_apply
from .selectors import category_ancestors

BANK_CODE = re.compile(r"^[0-9]{3}$")
DEFAULT_COLOR = "#64748b"


def _apply(record, changes: dict) -> None:
    """Set the fields, text trimmed (notes are kept as typed)."""
    for field, value in changes.items():
        setattr(record, field, value.strip() if isinstance(value, str) and field != "notes" else value)


def _setup_change_check(actor: User | None) -> None:
    """Categories and bank accounts: every member reads them, managers and admins change them."""
    if not manages(actor):
        raise PermissionDenied(_("Only a manager or an admin can change categories and bank accounts."))


# --- Payables and receivables -------------------------------------------------------------------


def _category_check(category: Category | None, account_type: str) -> None:
    """Income categories are for receivables, expense categories for payables."""
    if category is None or ACCOUNT_TYPE_OF_CATEGORY[category.type] == account_type:
        return
    if account_type == AccountType.RECEIVABLE:
        message = _("A receivable takes an income category.")
    else:
        message = _("A payable takes an expense category.")
    raise ValidationError({"category_id": [message]})


@transaction.atomic
def account_create(
    *,
    actor: User | None,
    type: str,
    amount: Decimal,
    currency: str,
    due_date: date,
    name: str = "",
    category: Category | None = None,
    description: str = "",
    reference: str = "",
    customer: Contact | None = None,
    vendor: str = "",
    notes: str = "",
    assigned_to: User | None = None,
    invoice_id: int | None = None,
) -> Account:
    """A new payable or receivable, open (overdue already when its due date has passed);
    `invoice_id`, the invoice that raised a receivable (invoicing issues it)."""
    account = _account_new(
        actor, invoice_id=invoice_id, name=name, type=type, category=category, description=description,
        reference=reference, amount=amount, currency=currency, due_date=due_date, customer=customer, vendor=vendor,
        notes=notes, assigned_to=assigned_to,
    )
    account.save()
    event_record(name=events.ACCOUNT_CREATED, payload=events.account_json(account), actor=actor)
    return account


def _account_new(actor: User | None, *, invoice_id: int | None = None, **fields) -> Account:
    """An unsaved open account of `fields` (account_create's keywords), checked."""
    fields = {"name": "", "category": None, "description": "", "reference": "", "customer": None, "vendor": "",
              "notes": "", "assigned_to": None, **fields}
    assignment_check(actor, fields["assigned_to"])
    amount_check(fields["amount"], fields["currency"], field="amount")
    _category_check(fields["category"], fields["type"])
    account = Account(created_by=actor, paid_amount=Decimal(0), invoice_id=invoice_id)
    _apply(account, fields)
    account.status = open_status(account)
    return account


@transaction.atomic
def receivables_create_many(*, actor: User | None, receivables: list[dict]) -> list[Account]:
    """What account_create makes of each of `receivables` (its keywords, type left out), for a
    batch raised together (a billing run's invoices): the same accounts and `account.created`
    events, audited, in a few statements whatever their number."""
    accounts = Account.objects.bulk_create([
        _account_new(actor, type=AccountType.RECEIVABLE, **fields) for fields in receivables
    ])
    events_record(
        name=events.ACCOUNT_CREATED, payloads=[events.account_json(account) for account in accounts], actor=actor
    )
    return accounts


def _money_changes_check(account: Account, changed: set[str]) -> None:
    """Type, amount and currency are what payments were measured against."""
    if account.status not in OPEN_STATUSES:
        message = _("A paid or cancelled account keeps its type, amount and currency.")
        raise ValidationError({field: [message] for field in sorted(changed)})
    kept = changed & {"type", "currency"}
    if kept and account.paid_amount:
        message = _("Part of this account was paid: its type and currency can no longer change.")
        raise ValidationError({field: [message] for field in sorted(kept)})


@transaction.atomic
def account_update(*, actor: User | None, account: Account, changes: dict) -> Account:
    """PATCH semantics. A new due date makes an open account pending or overdue again as it falls."""
    before = events.account_json(account)
    if "assigned_to" in changes:
        assignment_check(actor, changes["assigned_to"])
    money = {field for field in ("type", "amount", "currency") if field in changes
             and changes[field] != getattr(account, field)}
    if money:
        _money_changes_check(account, money)
    _apply(account, changes)
    if money & {"amount", "currency"}:
        amount_check(account.amount, account.currency, field="amount")
        if account.amount <= account.paid_amount:
            raise ValidationError({"amount": [
                _("The amount must be more than what was already paid (%(paid)s).")
                % {"paid": format_money(account.paid_amount, account.currency)}
            ]})
    if {"category", "type"} & changes.keys():
        _category_check(account.category, account.type)
    if account.status in OPEN_STATUSES:
        account.status = open_status(account)
    changed = payload_changes(before, events.account_json(account))
    if not changed:
        return account
    account.save()
    event_record(name=events.ACCOUNT_UPDATED, payload=events.account_json(account), actor=actor, changes=changed)
    return account


@transaction.atomic
def account_mark_paid(
    *, actor: User | None, account: Account, payment_method: str, paid_at: datetime | None = None
) -> Account:
    """What remains of the account, paid by hand at `paid_at` (now when not given): one payment
    that settles it, recorded as reconciled statement lines record theirs (payments.py)."""
    now = timezone.now()
    paid_at = paid_at or now
    if paid_at > now:
        raise ValidationError({"paid_at": [_("A payment cannot be dated in the future.")]})
    payment_apply(
        account=account, amount=account.remaining, paid_at=paid_at, method=payment_method, actor=actor
    )
    return account


@transaction.atomic
def account_cancel(*, actor: User | None, account: Account, reason: str = "") -> Account:
    """Nothing more is expected on the account; what was already paid on it stays recorded."""
    if account.status == AccountStatus.PAID:
        raise DomainError(_("A paid account cannot be cancelled."), code="paid")
    if account.status == AccountStatus.CANCELLED:
        raise DomainError(_("This account is already cancelled."), code="already_cancelled")
    account.status, account.cancel_reason = AccountStatus.CANCELLED, reason.strip()
    account.save(update_fields=["status", "cancel_reason", "updated_at"])
    event_record(
        name=events.ACCOUNT_CANCELLED, payload={**events.account_json(account), "reason": account.cancel_reason},
        actor=actor,
    )
    return account


def account_delete_refusal(account: Account) -> str:
    """Why the account cannot be deleted ("" when it can): its page says so instead of the button."""
    if account.payments.exists():
        return _("Payments were recorded on this account, so it stays in the books: it cannot be deleted.")
    return ""


@transaction.atomic
def account_delete(*, actor: User | None, account: Account) -> None:
    """An account money was recorded against stays in the books: it can be cancelled, not deleted."""
    refusal = account_delete_refusal(account)
    if refusal:
        raise DomainError(refusal, code="has_payments")
    payload = events.account_json(account)
    account.delete()
    event_record(name=events.ACCOUNT_DELETED, payload=payload, actor=actor)


@transaction.atomic
def accounts_mark_overdue() -> int:
    """Store as overdue the pending accounts whose due date has passed today, in the workspace's
    time zone (the task runs in it), one `account.overdue` event each; returns how many. Readers
    do not wait for it (selectors.status_expression): it is for what reacts to the event."""
    # An account someone is paying at this moment is skipped (skip_locked): the next hour sees it.
    due = list(
        Account.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("category", "assigned_to")
        .filter(status=AccountStatus.PENDING, due_date__lt=timezone.localdate())
    )
    if not due:
        return 0
    now = timezone.now()
    Account.objects.filter(pk__in=[account.pk for account in due]).update(status=AccountStatus.OVERDUE, updated_at=now)
    for account in due:
        account.status, account.updated_at = AccountStatus.OVERDUE, now
    return system_events_record(name=events.ACCOUNT_OVERDUE, payloads=[events.account_json(account) for account in due])


def contact_accounts_count(contact: Contact) -> int:
    return Account.objects.filter(customer=contact).count()


def contact_accounts_refusal(count: int) -> str:
    """Finance's reason a CRM contact stays (registered in apps.py with core.references)."""
    return ngettext(
        "This contact has %(count)d payable or receivable. Delete it or change its customer before deleting "
        "the contact.",
        "This contact has %(count)d payables or receivables. Delete them or change their customer before "
        "deleting the contact.",
        count,
    ) % {"count": count}


# --- Categories ---------------------------------------------------------------------------------


def _color_clean(color: str) -> str:
    try:
        hex_color(color)
    except ValidationError as error:
        raise ValidationError({"color": error.messages}) from None
    return color.lower()


def _parent_check(category: Category) -> None:
    """A parent of the same type, and never the category itself or one of those below it."""
    parent = category.parent
    if parent is None:
        return
    if parent.type != category.type:
        raise ValidationError({"parent_id": [_("A subcategory has the type of its parent (income or expense).")]})
    if category.pk is not None and (parent.pk == category.pk or category.pk in category_ancestors(parent)):
        raise ValidationError({"parent_id": [_("A category cannot go under itself or one of its subcategories.")]})


def _category_save(category: Category) -> None:
    """Two categories of one type and parent may not share a name, whatever its case."""
    if not category.name:
        raise ValidationError({"name": [_("Give the category a name.")]})
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as error:
        if "finance_category_name_unique" in str(error):
            message = _("There is already a category with this name in the same place.")
            raise ValidationError({"name": [message]}) from None
        raise


@transaction.atomic
def category_create(
    *, actor: User | None, name: str, type: str, parent: Category | None = None, color: str = DEFAULT_COLOR
) -> Category:
    _setup_change_check(actor)
    category = Category()
    _apply(category, {"name": name, "type": type, "parent": parent, "color": _color_clean(color)})
    _parent_check(category)
    _category_save(category)
    event_record(name=events.CATEGORY_CREATED, payload=events.category_json(category), actor=actor)
    return category


@transaction.atomic
def category_update(*, actor: User | None, category: Category, changes: dict) -> Category:
    _setup_change_check(actor)
    before = events.category_json(category)
    changes = dict(changes)
    if "color" in changes:
        changes["color"] = _color_clean(changes["color"])
    if changes.get("type", category.type) != category.type and (
        category.accounts.exists() or category.children.exists()
    ):
        raise ValidationError({"type": [_("Accounts or subcategories use this category: its type cannot change.")]})
    _apply(category, changes)
    if {"parent", "type"} & changes.keys():
        _parent_check(category)
    changed = payload_changes(before, events.category_json(category))
    if not changed:
        return category
    _category_save(category)
    event_record(name=events.CATEGORY_UPDATED, payload=events.category_json(category), actor=actor, changes=changed)
    return category


def category_delete_refusal(category: Category) -> str:
    """Why the category cannot be deleted ("" when it can): its page hides the button then."""
    reasons = []
    accounts = category.accounts.count()
    if accounts:
        reasons.append(ngettext(
            "%(count)d account uses this category.", "%(count)d accounts use this category.", accounts
        ) % {"count": accounts})
    children = category.children.count()
    if children:
        reasons.append(ngettext(
            "It has %(count)d subcategory.", "It has %(count)d subcategories.", children
        ) % {"count": children})
    if not reasons:
        return ""
    return " ".join([*reasons, _("Move them to another category before deleting this one.")])


@transaction.atomic
def category_delete(*, actor: User | None, category: Category) -> None:
    """Statement lines filed under the category keep their figures and lose the category."""
    _setup_change_check(actor)
    refusal = category_delete_refusal(category)
    if refusal:
        raise DomainError(refusal, code="referenced")
    payload = events.category_json(category)
    category.delete()
    event_record(name=events.CATEGORY_DELETED, payload=payload, actor=actor)


# --- Bank accounts ------------------------------------------------------------------------------


def _bank_code_check(bank_code: str) -> None:
    if bank_code and not BANK_CODE.fullmatch(bank_code):
        raise ValidationError({"bank_code": [_("A bank code has three digits, such as 001.")]})


@transaction.atomic
def bank_account_create(
    *,
    actor: User | None,
    name: str,
    account_number: str,
    currency: str,
    bank: str = "",
    bank_code: str = "",
    agency: str = "",
    is_active: bool = True,
    opening_balance: Decimal = Decimal(0),
    boleto_agreement: str = "",
    boleto_wallet: str = "",
) -> BankAccount:
    _setup_change_check(actor)
    bank_account = BankAccount()
    _apply(bank_account, {
        "name": name, "account_number": account_number, "currency": currency, "bank": bank, "bank_code": bank_code,
        "agency": agency, "is_active": is_active, "opening_balance": opening_balance,
        "boleto_agreement": boleto_agreement, "boleto_wallet": boleto_wallet,
    })
    _bank_code_check(bank_account.bank_code)
    amount_check(opening_balance, currency, field="opening_balance", positive=False)
    bank_account.save()
    event_record(name=events.BANK_ACCOUNT_CREATED, payload=events.bank_account_json(bank_account), actor=actor)
    return bank_account


@transaction.atomic
def bank_account_update(*, actor: User | None, bank_account: BankAccount, changes: dict) -> BankAccount:
    """PATCH semantics. The currency is what its statement lines were counted in: it stays once
    there are any."""
    _setup_change_check(actor)
    before = events.bank_account_json(bank_account)
    currency_changes = changes.get("currency", bank_account.currency) != bank_account.currency
    if currency_changes and bank_account.transactions.exists():
        raise ValidationError({"currency": [_("This bank account has statement lines: its currency cannot change.")]})
    _apply(bank_account, changes)
    _bank_code_check(bank_account.bank_code)
    amount_check(bank_account.opening_balance, bank_account.currency, field="opening_balance", positive=False)
    changed = payload_changes(before, events.bank_account_json(bank_account))
    if not changed:
        return bank_account
    bank_account.save()
    event_record(
        name=events.BANK_ACCOUNT_UPDATED, payload=events.bank_account_json(bank_account), actor=actor, changes=changed
    )
    return bank_account


def bank_account_delete_refusal(bank_account: BankAccount) -> str:
    """Why the bank account cannot be deleted ("" when it can): its page says so instead of the button."""
    if bank_account.transactions.exists():
        return _("This bank account has statement lines: deactivate it instead of deleting it.")
    return ""


@transaction.atomic
def bank_account_delete(*, actor: User | None, bank_account: BankAccount) -> None:
    """A bank account with statement lines is history: it is deactivated, not deleted."""
    _setup_change_check(actor)
    refusal = bank_account_delete_refusal(bank_account)
    if refusal:
        raise DomainError(refusal, code="referenced")
    payload = events.bank_account_json(bank_account)
    bank_account.delete()
    event_record(name=events.BANK_ACCOUNT_DELETED, payload=payload, actor=actor)

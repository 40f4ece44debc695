"""Bank feeds: a bank account connected to a provider that sends its lines, so nobody exports
and imports files. Plaid when the settings give its credentials (plaid.py), else the sandbox
(sandbox.py), which works offline. Connecting, syncing and disconnecting are for managers and
admins; the credentials are kept encrypted (BankFeed.access_token) and never shown.

A sync asks the provider for the account's changes since the feed's cursor and writes them with
the bank account and its feed locked, so two syncs (or a sync and a file import) take turns:
- added lines go through the statements' insert, so a line the account already holds (from a
  file with the same ids, or an earlier sync) is a duplicate and is skipped;
- a modified line takes the bank's new date, amount and description;
- a removed line is deleted.
A line already given to accounts, wholly or in part, is the books' record of those payments: a
change or removal from the bank leaves it as it is, and the sync counts it as `kept`
(bank_account.synced's payload) for a person to look at; unreconciling it lets the next change
through. A refusal from the provider is kept on the feed (error_code, error_message) until a sync
succeeds; an expired login (ITEM_LOGIN_REQUIRED) asks the person to reconnect, and the periodic
sync leaves that feed alone until then.
"""

import logging
from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.access import manages
from modules.core.exceptions import DomainError
from modules.events.services import event_record

from .. import events
from ..access import access_bank_account
from ..models import BankAccount, BankFeed, Transaction, TransactionSource, TransactionType
from ..statements import statement_imported_record
from ..statements.lines import StatementLine, external_id_key, statement_lines_insert
from . import plaid, sandbox
from .base import (
    RECONNECT_CODES,
    UNREACHABLE,
    FeedAdapter,
    FeedChanges,
    FeedError,
    LinkToken,
    feed_problem_text,
    needs_reconnection,
)

logger = logging.getLogger(__name__)

__all__ = [
    "FeedError", "LinkToken", "SyncResult", "access_bank_feed", "bank_feed_connect", "bank_feed_disconnect",
    "bank_feed_link_token", "bank_feed_of", "bank_feed_sync", "bank_feeds_due", "default_provider",
    "feed_problem_text", "needs_reconnection",
]


@dataclass(frozen=True)
class SyncResult:
    imported: int
    duplicates: int
    updated: int
    removed: int
    kept: int  # reconciled lines the bank changed or took back, left as they are


def default_provider() -> str:
    """Plaid once its credentials are configured, else the sandbox."""
    return plaid.PROVIDER if plaid.plaid_configured() else sandbox.PROVIDER


def feed_adapter(provider: str, currency: str) -> FeedAdapter:
    return plaid.PlaidFeed() if provider == plaid.PROVIDER else sandbox.SandboxFeed(currency)


def access_bank_feed(actor, bank_account_id, *, for_write: bool = False) -> BankFeed:
    """A bank account's feed, by the bank account's id (the feed has no id of its own to anyone);
    a 404 when the account has none. Locked when about to change."""
    queryset = BankFeed.objects.select_related("bank_account", "connected_by")
    if for_write:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(bank_account_id=int(bank_account_id))
    except (BankFeed.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None


def bank_feed_of(bank_account: BankAccount) -> BankFeed | None:
    return BankFeed.objects.select_related("connected_by").filter(bank_account=bank_account).first()


def _manager_check(actor) -> None:
    if not manages(actor):
        raise PermissionDenied(_("Only a manager or an admin can connect, sync or disconnect bank feeds."))


# --- Connecting --------------------------------------------------------------------------------------


def bank_feed_link_token(*, actor, language: str, bank_account_id=None) -> LinkToken:
    """A token for the provider's sign-in widget; for a connected bank account, to sign in again
    to its bank (an expired login)."""
    _manager_check(actor)
    if bank_account_id is None:
        adapter, access_token = feed_adapter(default_provider(), ""), ""
    else:
        feed = access_bank_feed(actor, bank_account_id)
        adapter, access_token = feed_adapter(feed.provider, feed.bank_account.currency), feed.access_token
    try:
        return adapter.link_token(user_id=str(actor.pk), language=language, access_token=access_token)
    except FeedError as error:
        raise _provider_refusal(error) from error


@transaction.atomic
def bank_feed_connect(*, actor, bank_account_id, public_token: str, account_id: str = "") -> BankFeed:
    """Exchange what the sign-in widget handed back for lasting credentials and connect the
    bank account to the chosen account of that sign-in (the only one, if it reaches one). A bank
    account connected before is connected anew: its old credentials are revoked."""
    _manager_check(actor)
    bank_account = access_bank_account(actor, bank_account_id, for_write=True)
    provider = default_provider()
    adapter = feed_adapter(provider, bank_account.currency)
    try:
        item = adapter.exchange(public_token)
        accounts = adapter.accounts(item.access_token)
    except FeedError as error:
        raise _provider_refusal(error, field="public_token") from error
    try:
        account = _account_chosen(accounts, account_id, bank_account)
    except DomainError:
        _forget(provider, item.access_token, bank_account.currency)  # a sign-in we do not keep
        raise
    previous = BankFeed.objects.select_for_update().filter(bank_account=bank_account).first()
    if previous is not None:
        _forget_on_commit(previous.provider, previous.access_token, bank_account.currency)
    feed, _created = BankFeed.objects.update_or_create(bank_account=bank_account, defaults={
        "provider": provider, "item_id": item.item_id, "access_token": item.access_token, "cursor": "",
        "error_code": "", "error_message": "", "connected_at": timezone.now(), "connected_by": actor,
    })
    bank_account.plaid_account_id = account.id
    bank_account.save(update_fields=["plaid_account_id", "updated_at"])
    event_record(
        name=events.BANK_FEED_CONNECTED, payload={**events.bank_account_json(bank_account), "provider": provider},
        actor=actor,
    )
    return feed


def _account_chosen(accounts, account_id: str, bank_account: BankAccount):
    if account_id:
        account = next((account for account in accounts if account.id == account_id), None)
        if account is None:
            raise DomainError(_("This sign-in does not reach the account chosen."), field="account_id")
    elif len(accounts) == 1:
        account = accounts[0]
    else:
        raise DomainError(
            _("This sign-in reaches %(count)d accounts: say which one is this bank account.")
            % {"count": len(accounts)},
            field="account_id",
        )
    if account.currency and account.currency != bank_account.currency:
        raise DomainError(
            _("The bank's account is in %(feed)s and this bank account in %(account)s.")
            % {"feed": account.currency, "account": bank_account.currency},
            field="account_id",
        )
    if BankAccount.objects.filter(plaid_account_id=account.id).exclude(pk=bank_account.pk).exists():
        raise DomainError(
            _("Another bank account is already connected to this account of the bank."), field="account_id"
        )
    return account


@transaction.atomic
def bank_feed_disconnect(*, actor, bank_account_id) -> None:
    """Stop the feed and revoke its credentials at the provider; the lines it brought stay."""
    _manager_check(actor)
    bank_account = access_bank_account(actor, bank_account_id, for_write=True)
    feed = access_bank_feed(actor, bank_account_id, for_write=True)
    _forget_on_commit(feed.provider, feed.access_token, bank_account.currency)
    feed.delete()
    bank_account.plaid_account_id = ""
    bank_account.save(update_fields=["plaid_account_id", "updated_at"])
    event_record(
        name=events.BANK_FEED_DISCONNECTED,
        payload={**events.bank_account_json(bank_account), "provider": feed.provider}, actor=actor,
    )


def _forget_on_commit(provider: str, access_token: str, currency: str) -> None:
    """Revoke credentials once the change is saved."""
    transaction.on_commit(lambda: _forget(provider, access_token, currency))


def _forget(provider: str, access_token: str, currency: str) -> None:
    """A provider that does not answer leaves the credentials to expire, which is no reason to
    keep a feed the person wanted gone."""
    try:
        feed_adapter(provider, currency).forget(access_token)
    except FeedError as error:
        logger.warning("Bank feed credentials not revoked (%s): %s", error.code, error.detail)


def _provider_refusal(error: FeedError, *, field: str | None = None) -> Exception:
    """A provider's refusal while connecting, as the person's error: the provider unreachable or
    refusing is no fault of the request, so FeedError stays (the API answers 502)."""
    if error.code == UNREACHABLE or field is None:
        return error
    return DomainError(
        _("The bank did not accept this sign-in (%(code)s). Connect the bank account again.") % {"code": error.code},
        field=field, code="feed_refused",
    )


# --- Syncing -----------------------------------------------------------------------------------------


def bank_feed_sync(*, actor, bank_account_id) -> SyncResult:
    """Bring in the account's changes since the last sync. A provider's refusal is recorded on the
    feed (and committed) before FeedError is raised again for the caller to show."""
    _manager_check(actor)
    with transaction.atomic():
        bank_account = access_bank_account(actor, bank_account_id, for_write=True)
        feed = access_bank_feed(actor, bank_account_id, for_write=True)
        adapter = feed_adapter(feed.provider, bank_account.currency)
        try:
            changes = adapter.changes(
                access_token=feed.access_token, cursor=feed.cursor, account_id=bank_account.plaid_account_id
            )
        except FeedError as error:
            feed.error_code, feed.error_message = error.code, error.detail
            feed.save(update_fields=["error_code", "error_message"])
            refusal = error
        else:
            refusal = None
            result = _changes_apply(bank_account=bank_account, changes=changes, actor=actor)
            feed.cursor, feed.error_code, feed.error_message = changes.cursor, "", ""
            feed.save(update_fields=["cursor", "error_code", "error_message"])
            bank_account.last_sync = timezone.now()
            bank_account.save(update_fields=["last_sync", "updated_at"])
            event_record(
                name=events.BANK_ACCOUNT_SYNCED,
                payload={**events.bank_account_json(bank_account), "provider": feed.provider, **asdict(result)},
                actor=actor,
            )
    if refusal is not None:
        raise refusal
    return result


def _changes_apply(*, bank_account: BankAccount, changes: FeedChanges, actor) -> SyncResult:
    named = [*changes.removed, *(line.external_id for line in changes.modified)]
    held = {
        line.external_id: line
        for line in Transaction.objects.filter(
            bank_account=bank_account, dedupe_key__in=[external_id_key(external_id) for external_id in named]
        )
    }
    updated = kept = removed = 0
    new = [line for line in changes.added if line.amount]
    for line in changes.modified:
        current = held.get(line.external_id)
        if current is None:
            new += [line] if line.amount else []  # a change to a line we never had (it was pending)
        elif current.reconciled_amount:
            kept += 1
        elif not line.amount:
            current.delete()
            removed += 1
        else:
            updated += _line_update(current, line)
    for external_id in changes.removed:
        current = held.get(external_id)
        if current is None:
            continue
        if current.reconciled_amount:
            kept += 1
        else:
            current.delete()
            removed += 1
    inserted = statement_lines_insert(bank_account=bank_account, lines=new, source=TransactionSource.FEED)
    if inserted.imported:
        statement_imported_record(
            bank_account=bank_account, inserted=inserted, source=TransactionSource.FEED, actor=actor
        )
    if kept:
        logger.warning("Bank feed changed %d reconciled line(s) of bank account %d: kept", kept, bank_account.pk)
    return SyncResult(
        imported=inserted.imported, duplicates=inserted.duplicates, updated=updated, removed=removed, kept=kept
    )


def _line_update(current: Transaction, line: StatementLine) -> int:
    """The bank's new figures for a line nobody reconciled yet; 1 if anything changed."""
    figures = {
        "date": line.date, "description": line.description[:500], "amount": abs(line.amount),
        "type": TransactionType.CREDIT if line.amount > 0 else TransactionType.DEBIT,
    }
    changed = [name for name, value in figures.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, figures[name])
    if changed:
        current.save(update_fields=changed)
    return int(bool(changed))


def bank_feeds_due() -> QuerySet[BankFeed]:
    """The feeds the periodic sync runs: not those waiting for their owner to sign in again."""
    return BankFeed.objects.filter(bank_account__is_active=True).exclude(error_code__in=RECONNECT_CODES)


"""What a bank feed provider does for us, whoever it is: a link token for its sign-in widget,
the exchange of what that widget hands back for lasting credentials, the accounts those reach,
and the changes to an account's lines since a cursor. Lines come in our convention (a signed
amount, negative out of the account), whatever the provider's."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..statements.lines import StatementLine

# Codes (Plaid's, which the sandbox speaks too) that only the person can clear, by signing in at
# the bank again: syncs wait for that rather than fail every few hours.
RECONNECT_CODES = frozenset({
    "ITEM_LOGIN_REQUIRED", "PENDING_EXPIRATION", "PENDING_DISCONNECT", "ACCESS_NOT_GRANTED", "ITEM_LOCKED",
    "USER_SETUP_REQUIRED", "INVALID_CREDENTIALS", "INVALID_ACCESS_TOKEN", "ITEM_NOT_FOUND", "NO_ACCOUNTS",
})
UNREACHABLE = "PROVIDER_UNREACHABLE"  # ours: no answer at all (network, timeout)


class FeedProvider(models.TextChoices):
    """BankFeed.provider."""

    PLAID = "plaid", "Plaid"
    SANDBOX = "sandbox", gettext_lazy("Sandbox bank")


@dataclass(frozen=True)
class LinkToken:
    provider: str
    token: str
    expiration: datetime
    # The sandbox's stand-in for what the sign-in widget would hand back (real providers: empty).
    public_token: str = ""


@dataclass(frozen=True)
class FeedItem:
    """A sign-in at the bank: its credentials reach one or more of the person's accounts."""

    item_id: str
    access_token: str


@dataclass(frozen=True)
class FeedAccount:
    id: str
    name: str
    mask: str  # the account number's last digits, as the bank shows them
    currency: str


@dataclass
class FeedChanges:
    """An account's lines since a cursor: every page of them, and the cursor to ask from next."""

    cursor: str
    added: list[StatementLine] = field(default_factory=list)
    modified: list[StatementLine] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # the provider's ids of lines it took back


class FeedError(Exception):
    """The provider refused or could not be reached: `code` is the provider's (Plaid's
    error_code) or ours, `detail` the provider's own words (kept for support, in English)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail

    @property
    def needs_reconnection(self) -> bool:
        return needs_reconnection(self.code)

    @property
    def message(self) -> str:
        """What the person is told the moment it happens (a feed's state says it its own way)."""
        if needs_reconnection(self.code) or self.code == UNREACHABLE:
            return feed_problem_text(self.code)
        return _("The bank feed refused the request (%(code)s). Try again later.") % {"code": self.code}


def needs_reconnection(code: str) -> bool:
    return code in RECONNECT_CODES


def feed_problem_text(code: str) -> str:
    """What a feed's error code means to the person, in their language (the code is stored, so
    each reader gets it in their own)."""
    if needs_reconnection(code):
        return _("The bank asks you to sign in again: reconnect the bank feed to keep its lines coming.")
    if code == UNREACHABLE:
        return _("The bank feed did not answer. It is tried again at the next sync.")
    return _("The bank feed refused the last sync (%(code)s). It is tried again at the next sync.") % {"code": code}


class FeedAdapter(Protocol):
    provider: str

    def link_token(self, *, user_id: str, language: str, access_token: str = "") -> LinkToken:
        """A token for the sign-in widget; with an item's `access_token`, to sign in again to it."""

    def exchange(self, public_token: str) -> FeedItem: ...

    def accounts(self, access_token: str) -> list[FeedAccount]: ...

    def changes(self, *, access_token: str, cursor: str, account_id: str) -> FeedChanges: ...

    def forget(self, access_token: str) -> None:
        """Revoke the credentials (the bank account was disconnected)."""

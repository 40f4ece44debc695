"""The sandbox feed: a bank that answers on any machine, with no account anywhere, so a new
workspace sees the whole flow (connect, sync, reconcile). It is the feed offered while no Plaid
credentials are configured.

Its lines are plausible and deterministic: each day of an account has the same few lines whoever
asks and however often, drawn from the day and the account. The cursor is the last day synced;
the first sync brings the last 30 days.
"""

import hashlib
import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from modules.core.money import quantize

from ..statements.lines import StatementLine
from .base import FeedAccount, FeedChanges, FeedError, FeedItem, FeedProvider, LinkToken

PROVIDER = FeedProvider.SANDBOX
FIRST_DAYS = 30
PUBLIC_TOKEN_PREFIX = "public-sandbox-"
# (description, smallest, largest, money in?): amounts in US dollars, scaled to the currency.
MERCHANTS = (
    ("Coffee shop", Decimal("3"), Decimal("12"), False),
    ("Office supplies", Decimal("15"), Decimal("180"), False),
    ("Software subscription", Decimal("9"), Decimal("99"), False),
    ("Fuel station", Decimal("30"), Decimal("90"), False),
    ("Bank fee", Decimal("2"), Decimal("15"), False),
    ("Client payment", Decimal("250"), Decimal("4000"), True),
    ("Card sales payout", Decimal("80"), Decimal("900"), True),
)
# About what a dollar is worth in each currency, so a coffee costs what a coffee costs.
SCALE = {"USD": 1, "BRL": 5, "MXN": 17, "ARS": 900, "CLP": 900, "COP": 4000}


class SandboxFeed:
    provider = PROVIDER

    def __init__(self, currency: str = "USD"):
        self.currency = currency

    def link_token(self, *, user_id: str, language: str, access_token: str = "") -> LinkToken:
        return LinkToken(
            provider=PROVIDER, token=f"link-sandbox-{secrets.token_hex(8)}",
            expiration=timezone.now() + timedelta(hours=4), public_token=f"{PUBLIC_TOKEN_PREFIX}{secrets.token_hex(8)}",
        )

    def exchange(self, public_token: str) -> FeedItem:
        if not public_token.startswith(PUBLIC_TOKEN_PREFIX):
            raise FeedError("INVALID_PUBLIC_TOKEN", "The public token is not one of the sandbox's.")
        return FeedItem(
            item_id=f"sandbox-item-{secrets.token_hex(8)}", access_token=f"access-sandbox-{secrets.token_hex(16)}"
        )

    def accounts(self, access_token: str) -> list[FeedAccount]:
        """One checking account a sign-in, in whatever currency the bank account is."""
        suffix = hashlib.sha256(access_token.encode()).hexdigest()[:8]
        return [FeedAccount(id=f"sandbox-checking-{suffix}", name="Sandbox checking", mask="0000", currency="")]

    def changes(self, *, access_token: str, cursor: str, account_id: str) -> FeedChanges:
        today = timezone.localdate()
        start = date.fromisoformat(cursor) + timedelta(days=1) if cursor else today - timedelta(days=FIRST_DAYS)
        added = []
        day = start
        while day <= today:
            added += self._lines(account_id, day)
            day += timedelta(days=1)
        return FeedChanges(cursor=today.isoformat(), added=added)

    def forget(self, access_token: str) -> None:
        return None

    def _lines(self, account_id: str, day: date) -> list[StatementLine]:
        seed = hashlib.sha256(f"{account_id}:{day.isoformat()}".encode()).digest()
        lines = []
        for number in range(seed[0] % 4):  # none to three lines a day
            name, smallest, largest, money_in = MERCHANTS[seed[1 + number] % len(MERCHANTS)]
            fraction = Decimal(int.from_bytes(seed[8 + 2 * number:10 + 2 * number])) / 65535
            amount = quantize((smallest + (largest - smallest) * fraction) * SCALE.get(self.currency, 1), self.currency)
            lines.append(StatementLine(
                date=day, description=name, amount=amount if money_in else -amount,
                external_id=f"{account_id}-{day.isoformat()}-{number}",
            ))
        return lines


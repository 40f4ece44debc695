"""Plaid, through its official client (plaid-python's PlaidApi), at the base URL the settings
give (PLAID_BASE_URL, or PLAID_ENV's host): Link tokens, the public-token exchange, the item's
accounts, and /transactions/sync from a cursor, page after page while `has_more`.

Plaid counts an amount positive when money leaves the account; our lines count it negative.
Pending transactions are left out: a statement holds what the bank posted, and Plaid removes a
pending transaction when it posts, under a new id. Amounts are read from Plaid's JSON as
decimals: the client's models would hand them over as floats.
"""

import json
from datetime import date
from decimal import Decimal

import plaid
import urllib3
from django.conf import settings
from plaid.api import plaid_api
from plaid.model.accounts_get_request import AccountsGetRequest
from plaid.model.country_code import CountryCode
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.item_remove_request import ItemRemoveRequest
from plaid.model.link_token_create_request import LinkTokenCreateRequest
from plaid.model.link_token_create_request_user import LinkTokenCreateRequestUser
from plaid.model.products import Products
from plaid.model.transactions_sync_request import TransactionsSyncRequest
from plaid.model.transactions_sync_request_options import TransactionsSyncRequestOptions

from ..statements.lines import StatementLine
from .base import UNREACHABLE, FeedAccount, FeedChanges, FeedError, FeedItem, FeedProvider, LinkToken

PROVIDER = FeedProvider.PLAID
TIMEOUT = (5, 30)  # seconds to connect, to read an answer
SYNC_PAGE_SIZE = 500  # the most /transactions/sync gives a page
# Plaid's answer when the item changed while we paged: start again from the first cursor.
MUTATION_DURING_PAGINATION = "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION"
SYNC_ATTEMPTS = 3
UNEXPECTED_ANSWER = "UNEXPECTED_ANSWER"  # ours: an answer not in Plaid's documented shape
# Link's languages, by ours.
LINK_LANGUAGES = {"en": "en", "pt-br": "pt", "es": "es"}


def plaid_configured() -> bool:
    return bool(settings.PLAID_CLIENT_ID and settings.PLAID_SECRET)


class PlaidFeed:
    provider = PROVIDER

    def __init__(self):
        configuration = plaid.Configuration(
            host=settings.PLAID_BASE_URL,
            api_key={"clientId": settings.PLAID_CLIENT_ID, "secret": settings.PLAID_SECRET},
        )
        self.api = plaid_api.PlaidApi(plaid.ApiClient(configuration))

    def link_token(self, *, user_id: str, language: str, access_token: str = "") -> LinkToken:
        fields = {
            "client_name": settings.PLAID_CLIENT_NAME,
            "language": LINK_LANGUAGES.get(language, "en"),
            "country_codes": [CountryCode(code) for code in settings.PLAID_COUNTRY_CODES],
            "user": LinkTokenCreateRequestUser(client_user_id=user_id),
        }
        # With an item's token, Link signs the person in to that item again (update mode).
        fields |= {"access_token": access_token} if access_token else {"products": [Products("transactions")]}
        answer = self._call(self.api.link_token_create, LinkTokenCreateRequest(**fields))
        return LinkToken(provider=PROVIDER, token=answer.link_token, expiration=answer.expiration)

    def exchange(self, public_token: str) -> FeedItem:
        answer = self._call(
            self.api.item_public_token_exchange, ItemPublicTokenExchangeRequest(public_token=public_token)
        )
        return FeedItem(item_id=answer.item_id, access_token=answer.access_token)

    def accounts(self, access_token: str) -> list[FeedAccount]:
        answer = self._call(self.api.accounts_get, AccountsGetRequest(access_token=access_token))
        return [
            FeedAccount(
                id=account.account_id, name=account.name, mask=account.mask or "",
                currency=account.balances.iso_currency_code or "",
            )
            for account in answer.accounts
        ]

    def changes(self, *, access_token: str, cursor: str, account_id: str) -> FeedChanges:
        for attempt in range(1, SYNC_ATTEMPTS + 1):
            try:
                return self._pages(access_token=access_token, cursor=cursor, account_id=account_id)
            except FeedError as error:
                if error.code != MUTATION_DURING_PAGINATION or attempt == SYNC_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def forget(self, access_token: str) -> None:
        self._call(self.api.item_remove, ItemRemoveRequest(access_token=access_token))

    def _pages(self, *, access_token: str, cursor: str, account_id: str) -> FeedChanges:
        changes = FeedChanges(cursor=cursor)
        options = TransactionsSyncRequestOptions(account_id=account_id)
        while True:
            request = TransactionsSyncRequest(
                access_token=access_token, cursor=changes.cursor, count=SYNC_PAGE_SIZE, options=options
            )
            response = self._call(self.api.transactions_sync, request, _preload_content=False)
            page = json.loads(response.data, parse_float=Decimal)
            changes.added += [_line(item) for item in page["added"] if not item["pending"]]
            changes.modified += [_line(item) for item in page["modified"] if not item["pending"]]
            changes.removed += [item["transaction_id"] for item in page["removed"]]
            changes.cursor = page["next_cursor"]
            if not page["has_more"]:
                return changes

    @staticmethod
    def _call(endpoint, request, **options):
        try:
            return endpoint(request, _request_timeout=TIMEOUT, **options)
        except plaid.ApiException as error:
            raise _feed_error(error) from error
        except plaid.OpenApiException as error:  # an answer the client's models refuse
            raise FeedError(UNEXPECTED_ANSWER, str(error)) from error
        except urllib3.exceptions.HTTPError as error:
            raise FeedError(UNREACHABLE, str(error)) from error


def _line(item: dict) -> StatementLine:
    """A Plaid transaction as a statement line: Plaid's positive amount is money out."""
    return StatementLine(
        date=date.fromisoformat(item["date"]), description=item["name"] or item.get("merchant_name") or "",
        amount=-Decimal(item["amount"]), external_id=item["transaction_id"],
    )


def _feed_error(error: plaid.ApiException) -> FeedError:
    """Plaid's error body ({"error_type", "error_code", "error_message", ...}) as a FeedError."""
    if not error.status:  # no answer (a TLS failure): the client reports status 0
        return FeedError(UNREACHABLE, str(error.reason))
    try:
        body = json.loads(error.body)
    except (TypeError, ValueError):
        body = {}
    return FeedError(body.get("error_code") or f"HTTP_{error.status}", body.get("error_message") or "")

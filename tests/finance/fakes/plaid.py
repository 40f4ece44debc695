"""A Plaid API on loopback (pytest-httpserver) that answers as Plaid does: the same paths, the
client id and secret in the PLAID-CLIENT-ID and PLAID-SECRET headers, the JSON bodies of Plaid's
API reference, and its error bodies (`error_type`, `error_code`, `error_message`) with their HTTP
statuses. It keeps the items it issued, and for each a history of transaction updates that
/transactions/sync pages through from a cursor.

Tests drive it: `item(...)` makes the public token Link would hand back, `add`/`modify`/`remove`
append to an item's history, `fail_item(...)` makes its calls answer an item error (an expired
login), `mutate_during_pagination()` makes the next second page answer Plaid's restart error.
"""

import itertools
import json
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from werkzeug import Request, Response

CLIENT_ID = "5f1b2c3d4e5f6a7b8c9d0e1f"
SECRET = "0123456789abcdef0123456789abcd"
PAGE_SIZE = 2  # Plaid may send fewer than `count`: small pages make every sync page

ERROR_MESSAGES = {
    "INVALID_API_KEYS": ("INVALID_INPUT", 400, "invalid client_id or secret provided"),
    "INVALID_PUBLIC_TOKEN": ("INVALID_INPUT", 400, "provided public token is in an invalid format"),
    "INVALID_ACCESS_TOKEN": ("INVALID_INPUT", 400, "provided access token is in an invalid format"),
    "ITEM_LOGIN_REQUIRED": (
        "ITEM_ERROR", 400,
        "the login details of this item have changed (credentials, MFA, or required user action) and a user login "
        "is required to update this information. use Link's update mode to restore the item to a good state",
    ),
    "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION": (
        "TRANSACTIONS_ERROR", 400,
        "Underlying transaction data changed since last page was fetched. Please restart pagination from last "
        "update.",
    ),
}


@dataclass
class FakeAccount:
    account_id: str
    name: str = "Plaid Checking"
    mask: str = "0000"
    currency: str = "USD"


@dataclass
class FakeItem:
    item_id: str
    access_token: str
    accounts: list[FakeAccount]
    # (kind, account_id, payload): "added"/"modified" carry a transaction, "removed" its ids
    history: list[tuple[str, str, dict]] = field(default_factory=list)
    error: str = ""
    removed: bool = False


class FakePlaid:
    def __init__(self, httpserver):
        self.server = httpserver
        self.items: dict[str, FakeItem] = {}  # by access token
        self.public_tokens: dict[str, FakeItem] = {}
        self.requests: list[tuple[str, dict]] = []  # (path, body) of every call, in order
        self._mutation_pending = False
        self._ids = itertools.count(1)
        for path, handler in {
            "/link/token/create": self._link_token_create,
            "/item/public_token/exchange": self._public_token_exchange,
            "/accounts/get": self._accounts_get,
            "/transactions/sync": self._transactions_sync,
            "/item/remove": self._item_remove,
        }.items():
            httpserver.expect_request(path, method="POST").respond_with_handler(self._checked(path, handler))

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    # --- What tests set up -----------------------------------------------------------------------

    def item(self, *accounts: FakeAccount) -> tuple[str, FakeItem]:
        """A sign-in through Link: the public token it hands back, and the item behind it."""
        accounts = accounts or (FakeAccount(account_id=f"acc-{secrets.token_hex(6)}"),)
        item = FakeItem(
            item_id=f"item-{secrets.token_hex(8)}", access_token=f"access-sandbox-{secrets.token_hex(12)}",
            accounts=list(accounts),
        )
        public_token = f"public-sandbox-{secrets.token_hex(8)}"
        self.public_tokens[public_token] = item
        return public_token, item

    def add(self, item: FakeItem, account_id: str, *, amount: str, name: str, date: str, pending: bool = False,
            transaction_id: str | None = None) -> str:
        transaction_id = transaction_id or f"txn-{next(self._ids)}"
        transaction = _transaction(transaction_id, account_id, amount, name, date, pending)
        item.history.append(("added", account_id, transaction))
        return transaction_id

    def modify(self, item: FakeItem, account_id: str, transaction_id: str, *, amount: str, name: str, date: str):
        transaction = _transaction(transaction_id, account_id, amount, name, date, False)
        item.history.append(("modified", account_id, transaction))

    def remove(self, item: FakeItem, account_id: str, transaction_id: str):
        item.history.append(("removed", account_id, {"account_id": account_id, "transaction_id": transaction_id}))

    def fail_item(self, item: FakeItem, code: str = "ITEM_LOGIN_REQUIRED"):
        item.error = code

    def mutate_during_pagination(self):
        self._mutation_pending = True

    def calls(self, path: str) -> list[dict]:
        return [body for called, body in self.requests if called == path]

    # --- Plaid's endpoints -----------------------------------------------------------------------

    def _checked(self, path, handler):
        def respond(request: Request) -> Response:
            body = json.loads(request.data or b"{}")
            self.requests.append((path, body))
            keys = (request.headers.get("PLAID-CLIENT-ID"), request.headers.get("PLAID-SECRET"))
            if keys != (CLIENT_ID, SECRET) or not request.headers.get("Plaid-Version"):
                return _error("INVALID_API_KEYS")
            return handler(body)

        return respond

    def _link_token_create(self, body: dict) -> Response:
        if "access_token" in body and body["access_token"] not in self.items:
            return _error("INVALID_ACCESS_TOKEN")
        return _json({
            "expiration": "2026-12-05T20:00:00Z", "link_token": f"link-sandbox-{secrets.token_hex(8)}",
            "request_id": _request_id(),
        })

    def _public_token_exchange(self, body: dict) -> Response:
        item = self.public_tokens.pop(body.get("public_token"), None)
        if item is None:
            return _error("INVALID_PUBLIC_TOKEN")
        self.items[item.access_token] = item
        return _json({"access_token": item.access_token, "item_id": item.item_id, "request_id": _request_id()})

    def _item(self, body: dict) -> FakeItem | Response:
        item = self.items.get(body.get("access_token"))
        if item is None or item.removed:
            return _error("INVALID_ACCESS_TOKEN")
        if item.error:
            return _error(item.error)
        return item

    def _accounts_get(self, body: dict) -> Response:
        item = self._item(body)
        if isinstance(item, Response):
            return item
        return _json({
            "accounts": [_account(account) for account in item.accounts],
            "item": {
                "available_products": ["balance", "identity"], "billed_products": ["transactions"],
                "consent_expiration_time": None, "error": None, "institution_id": "ins_109508",
                "institution_name": "First Platypus Bank", "item_id": item.item_id, "update_type": "background",
                "webhook": "", "auth_method": None, "products": ["transactions"],
            },
            "request_id": _request_id(),
        })

    def _transactions_sync(self, body: dict) -> Response:
        item = self._item(body)
        if isinstance(item, Response):
            return item
        start = int(body["cursor"].removeprefix("cursor-")) if body.get("cursor") else 0
        if start and self._mutation_pending:
            self._mutation_pending = False
            return _error("TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION")
        account_id = (body.get("options") or {}).get("account_id")
        updates = [update for update in item.history if account_id in (None, update[1])]
        size = min(PAGE_SIZE, body.get("count", 100))
        page = updates[start:start + size]
        return _json({
            "accounts": [_account(account) for account in item.accounts if account_id in (None, account.account_id)],
            "added": [payload for kind, _, payload in page if kind == "added"],
            "modified": [payload for kind, _, payload in page if kind == "modified"],
            "removed": [payload for kind, _, payload in page if kind == "removed"],
            "next_cursor": f"cursor-{start + len(page)}",
            "has_more": start + len(page) < len(updates),
            "transactions_update_status": "HISTORICAL_UPDATE_COMPLETE",
            "request_id": _request_id(),
        })

    def _item_remove(self, body: dict) -> Response:
        item = self.items.get(body.get("access_token"))
        if item is None or item.removed:
            return _error("INVALID_ACCESS_TOKEN")
        item.removed = True
        return _json({"request_id": _request_id()})


def _account(account: FakeAccount) -> dict:
    return {
        "account_id": account.account_id,
        "balances": {
            "available": 100, "current": 110, "iso_currency_code": account.currency, "limit": None,
            "unofficial_currency_code": None,
        },
        "mask": account.mask, "name": account.name, "official_name": f"Plaid Gold Standard {account.name}",
        "subtype": "checking", "type": "depository",
    }


def _transaction(transaction_id, account_id, amount, name, date, pending) -> dict:
    """A transaction as /transactions/sync writes one (Plaid's sample), `amount` positive for money out."""
    return {
        # JSON's one number type, as Plaid writes it (72.1): the wire format, which our side reads as decimals.
        "account_id": account_id, "account_owner": None, "amount": float(Decimal(amount)), "iso_currency_code": "USD",
        "unofficial_currency_code": None, "authorized_date": date, "authorized_datetime": None,
        "category": ["Shops", "Supermarkets and Groceries"], "category_id": "19046000", "check_number": None,
        "counterparties": [], "date": date, "datetime": None,
        "location": {"address": None, "city": None, "country": None, "lat": None, "lon": None,
                     "postal_code": None, "region": None, "store_number": None},
        "logo_url": None, "merchant_entity_id": None, "merchant_name": None, "name": name,
        "payment_channel": "in store",
        "payment_meta": {"by_order_of": None, "payee": None, "payer": None, "payment_method": None,
                         "payment_processor": None, "ppd_id": None, "reason": None, "reference_number": None},
        "pending": pending, "pending_transaction_id": None,
        "personal_finance_category": {"confidence_level": "VERY_HIGH", "detailed": "GENERAL_MERCHANDISE_SUPERSTORES",
                                      "primary": "GENERAL_MERCHANDISE"},
        "transaction_code": None, "transaction_id": transaction_id, "transaction_type": "place", "website": None,
    }


def _request_id() -> str:
    return secrets.token_hex(8)


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def _error(code: str) -> Response:
    error_type, status, message = ERROR_MESSAGES[code]
    return _json({
        "display_message": None, "documentation_url": f"https://plaid.com/docs/errors/{error_type.lower()}/",
        "error_code": code, "error_message": message, "error_type": error_type, "request_id": _request_id(),
        "suggested_action": None,
    }, status)


@pytest.fixture
def fake_plaid(httpserver, settings) -> FakePlaid:
    """Plaid configured (credentials, base URL) and answering on loopback."""
    fake = FakePlaid(httpserver)
    settings.PLAID_CLIENT_ID, settings.PLAID_SECRET, settings.PLAID_BASE_URL = CLIENT_ID, SECRET, fake.url
    return fake

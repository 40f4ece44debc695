"""QuickBooks Online, through Intuit's own libraries: `intuit-oauth` for OAuth 2 (the
authorization URL, the code exchange, the refresh, the revoke) and `python-quickbooks` for the v3
accounting API (query, create Customer/Invoice/Vendor). Both are pointed at settings' URLs:
Intuit's OpenID discovery document names the OAuth endpoints, QUICKBOOKS_API_BASE the API.

What callers need to tell apart is raised as this module's errors: an access token Intuit no
longer accepts (`TokenExpired`: refresh and try again), a refresh token it refused (`Reconnect`:
invalid_grant, only the person can connect again), throttling (`Throttled`: try later), anything
else (`QuickBooksError`).

Without QUICKBOOKS_CLIENT_ID (development, a new install) the adapter is a sandbox that works
offline: "connecting" comes straight back to our own callback with a sandbox company, tokens are
made here, and the company is empty and takes every create, so the whole flow can be tried
without an Intuit account. No call leaves the machine.
"""

import json
import secrets
import warnings
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.utils import timezone
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError
from quickbooks import QuickBooks
from quickbooks import exceptions as qb_exceptions
from requests import RequestException

MINOR_VERSION = 75
THROTTLED_CODE = 3001  # QBO's "ThrottleExceeded" fault, answered with HTTP 429
DUPLICATE_NAME_CODE = 6240  # a DisplayName is unique across customers, vendors and employees


class QuickBooksError(Exception):
    pass


class TokenExpired(QuickBooksError):
    pass


class Reconnect(QuickBooksError):
    pass


class Throttled(QuickBooksError):
    pass


class DuplicateName(QuickBooksError):
    pass


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: object  # an aware datetime
    realm_id: str = ""


SANDBOX_REALM = "sandbox"


def sandbox() -> bool:
    return not settings.QUICKBOOKS_CLIENT_ID


def _sandbox_tokens(realm_id: str = "") -> Tokens:
    return Tokens(
        access_token=secrets.token_urlsafe(24), refresh_token=secrets.token_urlsafe(24),
        access_expires_at=timezone.now() + timedelta(hours=1), realm_id=realm_id,
    )


def auth_client(redirect_uri: str = "") -> AuthClient:
    try:
        return AuthClient(
            settings.QUICKBOOKS_CLIENT_ID, settings.QUICKBOOKS_CLIENT_SECRET, redirect_uri,
            settings.QUICKBOOKS_DISCOVERY_URL,
        )
    except (AuthClientError, RequestException, ValueError) as error:
        raise QuickBooksError(str(error)) from error


def authorization_url(*, redirect_uri: str, state: str) -> str:
    if sandbox():  # straight back, as if the person had said yes at Intuit
        return f"{redirect_uri}?{urlencode({'code': 'sandbox', 'realmId': SANDBOX_REALM, 'state': state})}"
    return auth_client(redirect_uri).get_authorization_url([Scopes.ACCOUNTING], state_token=state)


def _tokens(client: AuthClient, realm_id: str = "") -> Tokens:
    return Tokens(
        access_token=client.access_token, refresh_token=client.refresh_token,
        access_expires_at=timezone.now() + timedelta(seconds=int(client.expires_in or 3600)), realm_id=realm_id,
    )


def _oauth_call(call):
    try:
        return call()
    except AuthClientError as error:
        text = error.response.text
        if error.status_code == 400 and "invalid_grant" in text:
            raise Reconnect(text) from error
        raise QuickBooksError(f"{error.status_code} {text}") from error
    except RequestException as error:
        raise QuickBooksError(str(error)) from error


def code_exchange(*, code: str, realm_id: str, redirect_uri: str) -> Tokens:
    if sandbox():
        return _sandbox_tokens(realm_id)
    client = auth_client(redirect_uri)
    _oauth_call(lambda: client.get_bearer_token(code, realm_id=realm_id))
    return _tokens(client, realm_id)


def tokens_refresh(refresh_token: str) -> Tokens:
    """New tokens for the refresh token; Intuit may rotate the refresh token, so the answer's
    must replace the stored one every time."""
    if sandbox():
        return _sandbox_tokens()
    client = auth_client()
    _oauth_call(lambda: client.refresh(refresh_token=refresh_token))
    return _tokens(client)


def token_revoke(token: str) -> None:
    if sandbox():
        return
    client = auth_client()
    _oauth_call(lambda: client.revoke(token=token))


class _BearerSession(requests.Session):
    def __init__(self, access_token: str):
        super().__init__()
        self.access_token = access_token


class Company:
    """One QuickBooks company (realm), with an access token; raises TokenExpired on a 401."""

    def __init__(self, *, realm_id: str, access_token: str):
        client = auth_client()
        client.access_token = access_token
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self.qb = QuickBooks(auth_client=client, refresh_token="", company_id=realm_id, minorversion=MINOR_VERSION)
        self.qb.api_url_v3 = settings.QUICKBOOKS_API_BASE.rstrip("/")
        self.qb.sandbox = False
        # python-quickbooks only reads the session's token and sends the Bearer header itself;
        # a plain session keeps the scheme to the configured URL (https in production).
        self.qb.session = _BearerSession(access_token)

    def _call(self, call):
        try:
            return call()
        except qb_exceptions.AuthorizationException as error:
            if error.error_code == 401:
                raise TokenExpired(error.detail) from error
            raise QuickBooksError(f"{error.message}: {error.detail}") from error
        except qb_exceptions.QuickbooksException as error:
            if error.error_code == THROTTLED_CODE:
                raise Throttled(error.detail) from error
            if error.error_code == DUPLICATE_NAME_CODE:
                raise DuplicateName(error.detail) from error
            raise QuickBooksError(f"{error.message}: {error.detail}") from error
        except RequestException as error:
            raise QuickBooksError(str(error)) from error

    def query_all(self, entity: str) -> list[dict]:
        """Every record of `entity` (Customer, Invoice, Vendor), page by page."""
        found, position, page = [], 1, 1000
        while True:
            # QBO's query language, not SQL; `entity` is one of our three names, the rest numbers.
            select = f"SELECT * FROM {entity} STARTPOSITION {position} MAXRESULTS {page}"  # noqa: S608
            answer = self._call(lambda select=select: self.qb.query(select))
            rows = answer.get("QueryResponse", {}).get(entity, [])
            found += rows
            if len(rows) < page:
                return found
            position += page

    def create(self, entity: str, body: dict, *, request_id: str) -> dict:
        """Create a record; `request_id` makes QBO answer a repeat with the first one's record."""
        answer = self._call(lambda: self.qb.create_object(entity, json.dumps(body), request_id=request_id))
        return answer[entity]


class SandboxCompany:
    """An empty company that takes every create (the sandbox): the same request id is the same
    record, as at Intuit."""

    def query_all(self, entity: str) -> list[dict]:
        return []

    def create(self, entity: str, body: dict, *, request_id: str) -> dict:
        return {**body, "Id": f"sandbox-{request_id}", "SyncToken": "0"}


def company(*, realm_id: str, access_token: str) -> "Company | SandboxCompany":
    return SandboxCompany() if sandbox() else Company(realm_id=realm_id, access_token=access_token)

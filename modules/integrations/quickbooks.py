"""QuickBooks Online, through Intuit's own libraries: `intuit-oauth` for OAuth 2 (the
authorization URL, the code exchange, the refresh, the revoke) and `python-quickbooks` for the v3
accounting API (query, create Customer/Invoice/Vendor). Both are pointed at settings' URLs:
Intuit's OpenID discovery document names the OAuth endpoints, QUICKBOOKS_API_BASE the API.

What callers need to tell apart is raised as this module's errors: an access token Intuit no
longer accepts (`TokenExpired`: refresh and try again), a refresh token it refused (`Reconnect`:
invalid_grant, only the person can connect again), throttling (`Throttled`: try later), anything
else (`QuickBooksError`).
"""

import json
import warnings
from dataclasses import dataclass
from datetime import timedelta

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


class QuickBooksError(Exception):
    pass


class TokenExpired(QuickBooksError):
    pass


class Reconnect(QuickBooksError):
    pass


class Throttled(QuickBooksError):
    pass


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: object  # an aware datetime
    realm_id: str = ""


def auth_client(redirect_uri: str = "") -> AuthClient:
    try:
        return AuthClient(
            settings.QUICKBOOKS_CLIENT_ID, settings.QUICKBOOKS_CLIENT_SECRET, redirect_uri,
            settings.QUICKBOOKS_DISCOVERY_URL,
        )
    except (AuthClientError, RequestException, ValueError) as error:
        raise QuickBooksError(str(error)) from error


def authorization_url(*, redirect_uri: str, state: str) -> str:
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
    client = auth_client(redirect_uri)
    _oauth_call(lambda: client.get_bearer_token(code, realm_id=realm_id))
    return _tokens(client, realm_id)


def tokens_refresh(refresh_token: str) -> Tokens:
    """New tokens for the refresh token; Intuit may rotate the refresh token, so the answer's
    must replace the stored one every time."""
    client = auth_client()
    _oauth_call(lambda: client.refresh(refresh_token=refresh_token))
    return _tokens(client)


def token_revoke(token: str) -> None:
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

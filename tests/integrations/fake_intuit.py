"""A local Intuit: pytest-httpserver answering what intuit-oauth and python-quickbooks ask, in
Intuit's formats — the OpenID discovery document, the OAuth 2 token endpoint (authorization_code
and refresh_token grants, with refresh-token rotation: a refresh token works once, as Intuit's
do once rotated, `{"error": "invalid_grant"}` after), the revoke endpoint, and the QBO v3 API
(`query`, create Customer/Invoice/Vendor, idempotent by `requestid`), with its 401 for a dead
access token and its 429 ThrottleExceeded fault."""

import json
import re
import secrets
import threading
from urllib.parse import parse_qsl

from werkzeug import Request, Response

CLIENT_ID = "ABcdEFghIJklMNopQRstUVwxYZ0123456789abcdefGHIJKL"
CLIENT_SECRET = "s3cr3tIntuitClientSecretForTests0000000"


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


class FakeIntuit:
    def __init__(self, server, settings):
        self.server = server
        self.lock = threading.Lock()
        self.codes: dict[str, str] = {}  # authorization code → realm
        self.access_tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.revoked: list[str] = []
        self.refreshes = 0
        self.throttle_next = 0
        self.refuse_creates = False  # every create answered with a business validation fault
        self.records: dict[str, dict[str, dict]] = {"Customer": {}, "Invoice": {}, "Vendor": {}}  # realm-less
        self.by_request_id: dict[str, dict] = {}
        self.created: list[tuple[str, dict]] = []
        self._next_id = 100
        base = server.url_for("").rstrip("/")
        settings.QUICKBOOKS_CLIENT_ID = CLIENT_ID
        settings.QUICKBOOKS_CLIENT_SECRET = CLIENT_SECRET
        settings.QUICKBOOKS_DISCOVERY_URL = f"{base}/.well-known/openid_configuration/"
        settings.QUICKBOOKS_API_BASE = f"{base}/v3"
        self.authorize_url = f"{base}/connect/oauth2"
        discovery = {
            "issuer": "https://oauth.platform.intuit.com/op/v1",
            "authorization_endpoint": self.authorize_url,
            "token_endpoint": f"{base}/oauth2/v1/tokens/bearer",
            "userinfo_endpoint": f"{base}/v1/openid_connect/userinfo",
            "revocation_endpoint": f"{base}/oauth2/v1/tokens/revoke",
            "jwks_uri": f"{base}/op/v1/jwks",
        }
        server.expect_request("/.well-known/openid_configuration/").respond_with_json(discovery)
        server.expect_request("/oauth2/v1/tokens/bearer", method="POST").respond_with_handler(self._token)
        server.expect_request("/oauth2/v1/tokens/revoke", method="POST").respond_with_handler(self._revoke)
        server.expect_request(re.compile(r"^/v3/company/\w+/query$"), method="POST").respond_with_handler(self._query)
        server.expect_request(
            re.compile(r"^/v3/company/\w+/(customer|invoice|vendor)$"), method="POST"
        ).respond_with_handler(self._create)

    # --- what a test arranges --------------------------------------------------------------

    def authorization_code(self, realm_id: str = "9130350000000001") -> str:
        code = "AB11" + secrets.token_hex(12)
        self.codes[code] = realm_id
        return code

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.access_tokens.clear()

    def add(self, entity: str, record: dict) -> dict:
        self._next_id += 1
        made = {**record, "Id": str(self._next_id), "SyncToken": "0"}
        self.records[entity][made["Id"]] = made
        return made

    # --- OAuth ------------------------------------------------------------------------------

    def _issue(self) -> dict:
        access, refresh = "eyJ" + secrets.token_hex(20), "AB11" + secrets.token_hex(20)
        self.access_tokens.add(access)
        self.refresh_tokens.add(refresh)
        return {
            "token_type": "bearer", "access_token": access, "refresh_token": refresh,
            "expires_in": 3600, "x_refresh_token_expires_in": 8726400,
        }

    def _token(self, request: Request) -> Response:
        if request.headers.get("Authorization") != _basic():
            return _json({"error": "invalid_client"}, 401)
        form = dict(parse_qsl(request.get_data(as_text=True)))
        with self.lock:
            if form.get("grant_type") == "authorization_code" and self.codes.pop(form.get("code", ""), None):
                return _json(self._issue())
            if form.get("grant_type") == "refresh_token" and form.get("refresh_token") in self.refresh_tokens:
                self.refresh_tokens.discard(form["refresh_token"])  # rotated: the old one is spent
                self.refreshes += 1
                return _json(self._issue())
        return _json({"error": "invalid_grant"}, 400)

    def _revoke(self, request: Request) -> Response:
        token = json.loads(request.get_data(as_text=True) or "{}").get("token", "")
        self.revoked.append(token)
        self.refresh_tokens.discard(token)
        return Response("", status=200)

    # --- QBO v3 -----------------------------------------------------------------------------

    def _refused(self, request: Request) -> Response | None:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.access_tokens:
            return _json({"fault": {"error": [{
                "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                "detail": "Token expired: " + token[:12], "code": "3200",
            }], "type": "AUTHENTICATION"}, "time": "2026-12-05T10:00:00.000-08:00"}, 401)
        if self.throttle_next:
            self.throttle_next -= 1
            return _json({"Fault": {"Error": [{
                "Message": "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                "Detail": "ThrottleExceeded", "code": "3001",
            }], "type": "SERVICE"}, "time": "2026-12-05T10:00:00.000-08:00"}, 429)
        return None

    def _query(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused:
            return refused
        select = request.get_data(as_text=True)
        match = re.match(r"SELECT \* FROM (\w+) STARTPOSITION (\d+) MAXRESULTS (\d+)", select)
        entity, start, page = match.group(1), int(match.group(2)), int(match.group(3))
        rows = list(self.records[entity].values())[start - 1 : start - 1 + page]
        found = {entity: rows, "startPosition": start, "maxResults": len(rows)} if rows else {}
        return _json({"QueryResponse": found, "time": "2026-12-05T10:00:00.000-08:00"})

    def _create(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused:
            return refused
        entity = {"customer": "Customer", "invoice": "Invoice", "vendor": "Vendor"}[request.path.rsplit("/", 1)[1]]
        request_id = request.args.get("requestid", "")
        if self.refuse_creates:
            return _json({"Fault": {"Error": [{
                "Message": "A business validation error has occurred while processing your request",
                "Detail": "Business Validation Error: Your company's books are closed for this date.",
                "code": "6000", "element": "",
            }], "type": "ValidationFault"}, "time": "2026-12-05T10:00:00.000-08:00"}, 400)
        with self.lock:
            if request_id and request_id in self.by_request_id:
                return _json({entity: self.by_request_id[request_id], "time": "2026-12-05T10:00:00.000-08:00"})
            body = json.loads(request.get_data(as_text=True))
            named = [*self.records["Customer"].values(), *self.records["Vendor"].values()]
            if entity != "Invoice" and any(r.get("DisplayName") == body.get("DisplayName") for r in named):
                return _json({"Fault": {"Error": [{
                    "Message": "Duplicate Name Exists Error", "Detail": "The name supplied already exists. : null",
                    "code": "6240", "element": "",
                }], "type": "ValidationFault"}, "time": "2026-12-05T10:00:00.000-08:00"}, 400)
            made = self.add(entity, body)
            self.created.append((entity, made))
            if request_id:
                self.by_request_id[request_id] = made
        return _json({entity: made, "time": "2026-12-05T10:00:00.000-08:00"})


def _basic() -> str:
    import base64

    return "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()

"""A local Stripe: pytest-httpserver answering the calls our adapter (modules/invoicing/
stripe_gateway.py) makes through the official library, in Stripe's own JSON — `GET /v1/account`
for a key, `POST /v1/checkout/sessions` (form-encoded, idempotent by the Idempotency-Key header),
and Stripe's error bodies — plus the events Stripe's webhooks post, signed as Stripe signs them.

Use it through a fixture of the test module: `FakeStripe(httpserver, settings)` points
`STRIPE_API_BASE` at the server for the test.
"""

import hashlib
import json
import time
from urllib.parse import parse_qsl

from werkzeug import Request, Response

from modules.core.webhooks import timestamped_signature

PUBLISHABLE_KEY = "pk_test_51HqLyjWDarjtT1zdp7dcAbCdEf"
SECRET_KEY = "sk_test_51HqLyjWDarjtT1zdp7dcAbCdEf"
OTHER_SECRET_KEY = "sk_test_51OtherWorkspaceKey0000Zz"
WEBHOOK_SECRET = "whsec_5SkQpEJzOlMv4n3RmTeWGH2pxaRUNV1c"


class FakeStripe:
    def __init__(self, server, settings):
        self.server = server
        self.accounts: dict[str, str] = {}  # secret key → its account's id
        self.accept_any = False
        self.session_requests: list[dict] = []  # each Checkout Session asked for, its form flattened
        self.idempotency_keys: list[str] = []
        self._sessions: dict[str, dict] = {}  # idempotency key → the session answered
        self.unavailable = False
        settings.STRIPE_API_BASE = server.url_for("").rstrip("/")
        server.expect_request("/v1/account", method="GET").respond_with_handler(self._account)
        server.expect_request("/v1/checkout/sessions", method="POST").respond_with_handler(self._session_create)

    def accept(self, secret_key: str = SECRET_KEY, account_id: str = "acct_1OaLphaAccount00") -> None:
        self.accounts[secret_key] = account_id

    def requests_to(self, path: str) -> list:
        return [request for request, _ in self.server.log if request.path == path]

    # --- Stripe's answers ------------------------------------------------------------------

    def _key(self, request: Request) -> str | None:
        header = request.headers.get("Authorization", "")
        return header.removeprefix("Bearer ") if header.startswith("Bearer ") else None

    def _account_id(self, key: str | None) -> str | None:
        if key in self.accounts:
            return self.accounts[key]
        if self.accept_any and key and key.startswith(("sk_test_", "sk_live_")):
            return "acct_" + hashlib.sha256(key.encode()).hexdigest()[:16]
        return None

    def _account(self, request: Request) -> Response:
        if self.unavailable:
            return _error(500, "api_error", None, "An unknown error occurred")
        account_id = self._account_id(self._key(request))
        if account_id is None:
            return _invalid_key(self._key(request))
        return _json(200, {
            "id": account_id,
            "object": "account",
            "business_profile": {"name": "Alpha Industries", "url": None},
            "charges_enabled": True,
            "country": "US",
            "default_currency": "usd",
            "details_submitted": True,
            "email": "billing@alpha.example.com",
            "payouts_enabled": True,
            "type": "standard",
        })

    def _session_create(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        self.idempotency_keys.append(key)
        if self.unavailable:
            return _error(500, "api_error", None, "An unknown error occurred")
        if self._account_id(self._key(request)) is None:
            return _invalid_key(self._key(request))
        if key in self._sessions:  # Stripe answers a repeated request with what it answered first
            return _json(200, self._sessions[key], headers={"Idempotent-Replayed": "true"})
        form = dict(parse_qsl(request.get_data(as_text=True), keep_blank_values=True))
        self.session_requests.append(form)
        unit_amount = int(form["line_items[0][price_data][unit_amount]"])
        amount = unit_amount * int(form["line_items[0][quantity]"])
        session_id = f"cs_test_a1{len(self.session_requests):04d}{hashlib.sha256(key.encode()).hexdigest()[:40]}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": amount,
            "amount_total": amount,
            "cancel_url": form.get("cancel_url"),
            "client_reference_id": form.get("client_reference_id"),
            "currency": form["line_items[0][price_data][currency]"],
            "customer_email": form.get("customer_email"),
            "expires_at": int(form.get("expires_at", time.time() + 86400)),
            "livemode": False,
            "locale": form.get("locale"),
            "metadata": _nested(form, "metadata"),
            "mode": form["mode"],
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": form.get("success_url"),
            "url": f"https://checkout.stripe.com/c/pay/{session_id}#fidkdWxOYHwnPyd1blpxYHZxWjA0",
        }
        self._sessions[key] = session
        return _json(200, session)


def _nested(form: dict, name: str) -> dict:
    prefix = f"{name}["
    return {key[len(prefix):-1]: value for key, value in form.items() if key.startswith(prefix) and key.count("[") == 1}


def _json(status: int, body: dict, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers or {}, content_type="application/json")


def _error(status: int, kind: str, code: str | None, message: str) -> Response:
    error = {"message": message, "type": kind}
    if code:
        error["code"] = code
    return _json(status, {"error": error})


def _invalid_key(key: str | None) -> Response:
    shown = f"{key[:8]}{'*' * max(len(key) - 12, 0)}{key[-4:]}" if key else ""
    return _error(401, "invalid_request_error", "api_key_invalid", f"Invalid API Key provided: {shown}")


# --- Events, as Stripe's webhooks post them ------------------------------------------------------

_events = iter(range(1, 10**9))


def event(kind: str, stripe_object: dict, *, account: str | None = None, created: int | None = None) -> dict:
    body = {
        "id": f"evt_1Q{next(_events):022d}",
        "object": "event",
        "api_version": "2025-09-30.clover",
        "created": created or int(time.time()),
        "data": {"object": stripe_object},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": kind,
    }
    if account:
        body["account"] = account
    return body


def checkout_completed(session_id: str, *, amount_total: int, currency: str = "usd", metadata: dict | None = None,
                       payment_status: str = "paid", **fields) -> dict:
    return event("checkout.session.completed", {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": amount_total,
        "amount_total": amount_total,
        "currency": currency,
        "customer_details": {"email": "carla@example.com", "name": "Carla Mendes"},
        "metadata": metadata or {},
        "mode": "payment",
        "payment_intent": "pi_3QxYzAbCdEfGh0001",
        "payment_status": payment_status,
        "status": "complete",
    }, **fields)


def stripe_invoice_paid(invoice_id: str, *, amount_paid: int, currency: str = "usd", metadata: dict | None = None,
                        **fields) -> dict:
    return event("invoice.paid", {
        "id": invoice_id,
        "object": "invoice",
        "amount_due": amount_paid,
        "amount_paid": amount_paid,
        "currency": currency,
        "metadata": metadata or {},
        "paid": True,
        "status": "paid",
    }, **fields)


def signed(body: bytes, secret: str = WEBHOOK_SECRET, *, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe sends with `body`."""
    return timestamped_signature(body, secret, int(time.time()) if timestamp is None else timestamp)


def deliver(client, stripe_event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    """Post the event as Stripe does: the JSON body and its signature."""
    body = json.dumps(stripe_event).encode()
    return client.post(
        "/webhooks/stripe/", body, content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signed(body, secret, timestamp=timestamp),
    )

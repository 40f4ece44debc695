"""A local Stripe: pytest-httpserver answering the calls our adapter (modules/invoicing/
stripe_gateway.py) makes through the official library, in Stripe's own JSON — `GET /v1/account`
for a key, `POST /v1/checkout/sessions` (form-encoded, idempotent by the Idempotency-Key header),
Stripe Billing's `POST /v1/customers`, `/v1/prices`, `/v1/subscriptions`, `/v1/subscriptions/<id>`
and `DELETE /v1/subscriptions/<id>`, and Stripe's error bodies — plus the events Stripe's webhooks
post, signed as Stripe signs them.

Use it through a fixture of the test module: `FakeStripe(httpserver, settings)` points
`STRIPE_API_BASE` at the server for the test.
"""

import hashlib
import json
import re
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
        self.billing_requests: dict[str, list[dict]] = {"customers": [], "prices": [], "subscriptions": []}
        self.subscriptions: dict[str, dict] = {}  # id → the Subscription as Stripe holds it now
        self.customers: dict[str, dict] = {}
        self.prices: dict[str, dict] = {}
        self._made: dict[str, dict] = {}  # idempotency key → the object answered
        for kind in ("customers", "prices", "subscriptions"):
            server.expect_request(f"/v1/{kind}", method="POST").respond_with_handler(
                lambda request, kind=kind: self._billing_create(kind, request)
            )
        one = re.compile(r"^/v1/subscriptions/(sub_\w+)$")
        server.expect_request(one, method="POST").respond_with_handler(self._subscription_update)
        server.expect_request(one, method="DELETE").respond_with_handler(self._subscription_cancel)

    def accept(self, secret_key: str = SECRET_KEY, account_id: str = "acct_1OaLphaAccount00") -> None:
        self.accounts[secret_key] = account_id

    def session(self, session_id: str) -> dict:
        """A Checkout Session the fake made, as Stripe holds it."""
        return next(session for session in self._sessions.values() if session["id"] == session_id)

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


    # --- Stripe Billing ----------------------------------------------------------------------

    def _billing_create(self, kind: str, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        if self.unavailable:
            return _error(500, "api_error", None, "An unknown error occurred")
        if self._account_id(self._key(request)) is None:
            return _invalid_key(self._key(request))
        if key and key in self._made:
            return _json(200, self._made[key], headers={"Idempotent-Replayed": "true"})
        form = dict(parse_qsl(request.get_data(as_text=True), keep_blank_values=True))
        self.billing_requests[kind].append(form)
        number = sum(len(made) for made in self.billing_requests.values())
        made = {"customers": self._customer, "prices": self._price, "subscriptions": self._subscription}[kind](
            form, f"1Q{number:04d}{hashlib.sha256(key.encode()).hexdigest()[:14]}"
        )
        if key:
            self._made[key] = made
        return _json(200, made)

    def _customer(self, form: dict, suffix: str) -> dict:
        customer = self.customers[f"cus_{suffix}"] = {
            "id": f"cus_{suffix}", "object": "customer", "created": int(time.time()), "email": form.get("email"),
            "name": form.get("name"), "livemode": False, "metadata": _nested(form, "metadata"),
        }
        return customer

    def _price(self, form: dict, suffix: str) -> dict:
        price = self.prices[f"price_{suffix}"] = {
            "id": f"price_{suffix}", "object": "price", "active": True, "billing_scheme": "per_unit",
            "created": int(time.time()), "currency": form["currency"], "livemode": False,
            "metadata": _nested(form, "metadata"), "product": f"prod_{suffix}",
            "recurring": {"interval": form["recurring[interval]"],
                          "interval_count": int(form["recurring[interval_count]"]), "usage_type": "licensed"},
            "type": "recurring", "unit_amount": int(form["unit_amount"]),
        }
        return price

    def _subscription(self, form: dict, suffix: str) -> dict:
        now = int(time.time())
        later = int(form.get("trial_end") or form.get("billing_cycle_anchor") or now)
        subscription_id = f"sub_{suffix}"
        subscription = {
            "id": subscription_id, "object": "subscription", "billing_cycle_anchor": later,
            "cancel_at": None, "cancel_at_period_end": False, "canceled_at": None,
            "collection_method": form.get("collection_method", "charge_automatically"), "created": now,
            "currency": self.prices[form["items[0][price]"]]["currency"], "customer": form["customer"],
            "livemode": False,
            "items": {"object": "list", "data": [{
                "id": f"si_{suffix}", "object": "subscription_item", "current_period_start": now,
                "current_period_end": later, "price": {"id": form["items[0][price]"], "object": "price"},
                "quantity": 1, "subscription": subscription_id,
            }]},
            "metadata": _nested(form, "metadata"), "pause_collection": None,
            "status": "trialing" if form.get("trial_end") else "incomplete",
            "trial_end": int(form["trial_end"]) if form.get("trial_end") else None,
        }
        self.subscriptions[subscription_id] = subscription
        return subscription

    def _subscription_update(self, request: Request) -> Response:
        subscription_id = request.path.rsplit("/", 1)[1]
        if self.unavailable:
            return _error(500, "api_error", None, "An unknown error occurred")
        if self._account_id(self._key(request)) is None:
            return _invalid_key(self._key(request))
        subscription = self.subscriptions.get(subscription_id)
        if subscription is None:
            return _missing(subscription_id)
        form = dict(parse_qsl(request.get_data(as_text=True), keep_blank_values=True))
        if form.get("cancel_at_period_end") == "true":
            subscription["cancel_at_period_end"] = True
            subscription["cancel_at"] = subscription["items"]["data"][0]["current_period_end"]
        return _json(200, subscription)

    def _subscription_cancel(self, request: Request) -> Response:
        subscription_id = request.path.rsplit("/", 1)[1]
        if self.unavailable:
            return _error(500, "api_error", None, "An unknown error occurred")
        if self._account_id(self._key(request)) is None:
            return _invalid_key(self._key(request))
        subscription = self.subscriptions.get(subscription_id)
        if subscription is None:
            return _missing(subscription_id)
        subscription["status"], subscription["canceled_at"] = "canceled", int(time.time())
        return _json(200, subscription)


def _missing(subscription_id: str) -> Response:
    return _error(404, "invalid_request_error", "resource_missing", f"No such subscription: '{subscription_id}'")


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


def subscription_invoice(kind: str, invoice_id: str, subscription_id: str, *, amount: int, period: tuple[int, int],
                         currency: str = "usd", **fields) -> dict:
    """`invoice.paid` or `invoice.payment_failed` of a Stripe Subscription's invoice, as Stripe's
    2025 API versions shape it: the subscription under `parent.subscription_details`, the period
    charged for on its line (the invoice's own period is the one before)."""
    paid = kind == "invoice.paid"
    start, end = period
    return event(kind, {
        "id": invoice_id,
        "object": "invoice",
        "amount_due": amount,
        "amount_paid": amount if paid else 0,
        "amount_remaining": 0 if paid else amount,
        "attempt_count": 1,
        "billing_reason": "subscription_cycle",
        "collection_method": "charge_automatically",
        "currency": currency,
        "customer": "cus_1Q0001",
        "hosted_invoice_url": f"https://invoice.stripe.com/i/acct_1OaLphaAccount00/test_{invoice_id}",
        "lines": {"object": "list", "data": [{
            "id": f"il_{invoice_id[3:]}",
            "object": "line_item",
            "amount": amount,
            "currency": currency,
            "parent": {"type": "subscription_item_details",
                       "subscription_item_details": {"subscription": subscription_id}},
            "period": {"start": start, "end": end},
            "quantity": 1,
        }], "has_more": False},
        "metadata": {},
        "parent": {"type": "subscription_details", "quote_details": None,
                   "subscription_details": {"metadata": {}, "subscription": subscription_id}},
        "period_end": start,
        "period_start": start,
        "status": "paid" if paid else "open",
        "total": amount,
    }, **fields)


def subscription_changed(kind: str, subscription: dict, **fields) -> dict:
    """`customer.subscription.updated` or `.deleted` with the Subscription as it now stands."""
    return event(kind, subscription, **fields)


def checkout_expired(session: dict, **fields) -> dict:
    """`checkout.session.expired`: the session as the fake made it, closed unpaid."""
    return event("checkout.session.expired", {
        **session, "status": "expired", "payment_status": "unpaid", "url": None,
    }, **fields)

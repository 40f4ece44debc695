"""A local Graph API (WhatsApp Cloud API) in Meta's formats: `GET /{phone-number-id}` and
`POST /{phone-number-id}/messages`, with Meta's error bodies — 190 for an expired token, 132001
for a template that does not exist in the language, 130429 for the rate limit — and the signed
status notices Meta's webhook posts."""

import hashlib
import hmac
import json
import re

from werkzeug import Request, Response

PHONE_NUMBER_ID = "106540352242922"
TOKEN = "EAAJB0qRkXAQBO7ZC0nZBbGx" + "x" * 20
APP_SECRET = "4f1e2d3c4b5a69788796a5b4c3d2e1f0"
TEMPLATES = {("payment_reminder", "pt_BR"), ("payment_reminder", "en_US"), ("payment_reminder", "es")}


def _error(status: int, code: int, message: str, *, subcode: int | None = None, details: str = "") -> Response:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEfGhIjK"}
    if subcode:
        error["error_subcode"] = subcode
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return Response(json.dumps({"error": error}), status=status, content_type="application/json")


class FakeMeta:
    def __init__(self, server, settings):
        self.server = server
        self.tokens = {TOKEN}
        self.rate_limited = False
        self.sent: list[dict] = []
        settings.WHATSAPP_GRAPH_BASE = server.url_for("/v21.0").rstrip("/")
        settings.WHATSAPP_SANDBOX = False
        server.expect_request(re.compile(r"^/v21\.0/\d+$"), method="GET").respond_with_handler(self._number)
        server.expect_request(re.compile(r"^/v21\.0/\d+/messages$"), method="POST").respond_with_handler(self._send)

    def _token_refused(self, request: Request) -> Response | None:
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in self.tokens:
            return _error(401, 190, "Error validating access token: Session has expired on Friday, 04-Dec-26 "
                          "09:00:00 PST. The current time is Saturday, 05-Dec-26 10:00:00 PST.", subcode=463)
        return None

    def _number(self, request: Request) -> Response:
        refused = self._token_refused(request)
        if refused:
            return refused
        number_id = request.path.rsplit("/", 1)[1]
        if number_id != PHONE_NUMBER_ID:
            return _error(400, 100, f"Unsupported get request. Object with ID '{number_id}' does not exist",
                          subcode=33)
        return Response(json.dumps({
            "verified_name": "Alpha Industries", "display_phone_number": "+55 11 99999-9999", "id": PHONE_NUMBER_ID,
        }), content_type="application/json")

    def _send(self, request: Request) -> Response:
        refused = self._token_refused(request)
        if refused:
            return refused
        if self.rate_limited:
            return _error(400, 130429, "(#130429) Rate limit hit",
                          details="Cloud API message throughput has been reached.")
        body = json.loads(request.get_data(as_text=True))
        template = body["template"]
        if (template["name"], template["language"]["code"]) not in TEMPLATES:
            return _error(404, 132001, "(#132001) Template name does not exist in the translation",
                          details=f"template name ({template['name']}) does not exist in "
                          f"{template['language']['code']}")
        self.sent.append(body)
        wamid = f"wamid.HBgNNTUxMTg4ODg4ODg4OBUCABEYEjQ{len(self.sent):04d}"
        return Response(json.dumps({
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": wamid, "message_status": "accepted"}],
        }), content_type="application/json")


def status_notice(wamid: str, status: str, recipient: str = "5511888888888") -> dict:
    """The body Meta posts for a message's status."""
    entry_status = {"id": wamid, "status": status, "timestamp": "1764928800", "recipient_id": recipient}
    if status == "failed":
        entry_status["errors"] = [{"code": 131026, "title": "Message undeliverable",
                                   "message": "Message undeliverable"}]
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages",
        "value": {"messaging_product": "whatsapp",
                  "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
                  "statuses": [entry_status]},
    }]}]}


def signed(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()

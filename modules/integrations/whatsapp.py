"""The WhatsApp Cloud API (Meta's Graph API) at settings.WHATSAPP_GRAPH_BASE (with its version):
`GET /{phone-number-id}?fields=display_phone_number,verified_name` checks a number and token;
`POST /{phone-number-id}/messages` sends a template message. Meta's refusals are
`{"error": {"message", "type", "code", "error_subcode", "error_data": {"details"}, "fbtrace_id"}}`:
code 190 is an expired or wrong token, 130429 (and 80007, 131056) a rate limit, 132000–132015 a
template that does not exist, is not approved or gets the wrong parameters.

With WHATSAPP_SANDBOX (development by default) nothing leaves the machine: any number and token
connect, and every template is accepted with a local message id, so the flow can be tried
without a Meta account."""

import secrets
from dataclasses import dataclass

import requests
from django.conf import settings

TIMEOUT_SECONDS = 15
RATE_LIMIT_CODES = {4, 80007, 130429, 131056}
TOKEN_CODES = {190}


class WhatsAppError(Exception):
    """Meta refused (`code` and `error` its own) or could not be reached (`code` None)."""

    def __init__(self, message: str, *, code: int | None = None, error: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.error = error or {}

    @property
    def rate_limited(self) -> bool:
        return self.code in RATE_LIMIT_CODES

    @property
    def token_refused(self) -> bool:
        return self.code in TOKEN_CODES

    @property
    def template_refused(self) -> bool:
        return self.code is not None and 132000 <= self.code <= 132015


@dataclass(frozen=True)
class PhoneNumber:
    id: str
    display_phone_number: str
    verified_name: str


def _call(method: str, path: str, token: str, **kwargs) -> dict:
    url = f"{settings.WHATSAPP_GRAPH_BASE.rstrip('/')}/{path}"
    try:
        response = requests.request(
            method, url, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT_SECONDS, **kwargs
        )
    except requests.RequestException as error:
        raise WhatsAppError(str(error)) from error
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400 or "error" in body:
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        details = (error.get("error_data") or {}).get("details", "")
        message = " ".join(part for part in (error.get("message", f"HTTP {response.status_code}"), details) if part)
        raise WhatsAppError(message, code=error.get("code"), error=error)
    return body


def phone_number_get(*, phone_number_id: str, access_token: str) -> PhoneNumber:
    if settings.WHATSAPP_SANDBOX:
        return PhoneNumber(id=phone_number_id, display_phone_number="", verified_name="Sandbox")
    body = _call("GET", phone_number_id, access_token, params={"fields": "display_phone_number,verified_name"})
    return PhoneNumber(
        id=str(body.get("id", phone_number_id)), display_phone_number=body.get("display_phone_number", ""),
        verified_name=body.get("verified_name", ""),
    )


def template_send(
    *, phone_number_id: str, access_token: str, to: str, template: str, language: str, variables: dict[str, str]
) -> str:
    """Send an approved template, its body's named parameters filled; returns the message's wamid."""
    parameters = [
        {"type": "text", "parameter_name": name, "text": str(value)} for name, value in variables.items()
    ]
    payload = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.lstrip("+"),
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": language},
            "components": [{"type": "body", "parameters": parameters}] if parameters else [],
        },
    }
    if settings.WHATSAPP_SANDBOX:
        return f"wamid.sandbox-{secrets.token_hex(12)}"
    body = _call("POST", f"{phone_number_id}/messages", access_token, json=payload)
    return body["messages"][0]["id"]

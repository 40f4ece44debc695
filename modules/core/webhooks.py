"""Inbound webhooks: what a provider (Stripe, a bank, a fiscal provider) registers so that its
events reach `/webhooks/<provider>/` (tenancy.webhooks), and the signature scheme most use.

A provider gives three functions: `verify(body, headers)` checks the signature over the raw
body, before anything else reads it; `account_of(event)` names the provider's account the event
is about (a Stripe `account`, a bank's client id), which tenancy maps to a tenant; `handle(event)`
then runs inside that tenant's scope and transaction.

Where each workspace signs up with the provider itself and is given its own signing secret (a
Stripe account's endpoint secret), the events name no account we could map: the workspace
pastes its own host's URL into the provider (`acme.innexar.app/webhooks/<provider>/`), and
`verify_here(body, headers)` checks the signature there with the secret that workspace stored
(it runs in the workspace's schema). A provider without it is not served on workspace hosts; one
without `verify` (PIX notifications, signed with each workspace's webhook secret) only there.

A provider that checks the URL with a GET before it posts (Meta's verify-token handshake) gives
`handshake(query)`: the text to echo back, or None for a 403.

`handle(event)` may refuse what the event says by raising `WebhookRefused` (an amount that is not
the charge's): the event is refused whole, with its message. A dict it returns joins the answer.
"""

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

SIGNATURE_TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class InboundProvider:
    name: str
    verify: Callable[[bytes, Mapping[str, str]], bool] | None  # None: not served on the public host
    account_of: Callable[[dict], str | None] | None
    handle: Callable[[dict], dict | None]
    verify_here: Callable[[bytes, Mapping[str, str]], bool] | None = None
    # A provider that proves the URL is ours before it posts (Meta's `hub.challenge`): the
    # GET's query, answered with the text to echo, or None to refuse (served on workspace hosts).
    handshake: Callable[[Mapping[str, str]], str | None] | None = None


class WebhookRefused(Exception):
    """An event its handler will never take, however often it comes (an amount that is not the
    charge's): a 400 with `message`, nothing written. Any other failure is a 500, retried."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


INBOUND_PROVIDERS: dict[str, InboundProvider] = {}


def inbound_provider_register(provider: InboundProvider) -> None:
    """Called from the providing module's AppConfig.ready(); by name, so running ready() again
    (as tests that change the installed apps do) replaces rather than adds."""
    INBOUND_PROVIDERS[provider.name] = provider


def timestamped_signature(body: bytes, secret: str, timestamp: int) -> str:
    """The header Stripe's scheme sends: `t=<unix time>,v1=<HMAC-SHA256 of "<t>.<body>">`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def timestamped_signature_valid(body: bytes, header: str | None, secret: str, *, now: float | None = None) -> bool:
    """Whether `header` signs `body` with `secret` (any of its v1 values, as a provider rolling
    its secret sends two) and is recent: a replay of an old delivery is refused."""
    pairs = [part.split("=", 1) for part in (header or "").split(",") if "=" in part]
    timestamps = [value for key, value in pairs if key.strip() == "t"]
    signatures = [value for key, value in pairs if key.strip() == "v1"]
    if len(timestamps) != 1 or not timestamps[0].isdigit() or not signatures:
        return False
    timestamp = int(timestamps[0])
    if abs((time.time() if now is None else now) - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = timestamped_signature(body, secret, timestamp).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, signature) for signature in signatures)

"""The homes of inbound webhooks: `POST /webhooks/<provider>/` on the public host, for events
that name the provider's account (mapped to a tenant by `ProviderAccount`), and the same path on
a workspace's own host, for a provider that signs each workspace's events with a secret of that
workspace's (`InboundProvider.verify_here`).

The answer tells the provider whether to send again, so each one is chosen for that:
- unknown provider (or one not served at this home): 404;
- signature missing or wrong: 400, and nothing is read or run;
- an account no tenant has linked (a workspace that disconnected, an event for the provider's
  own platform): 200 with nothing done, logged. A 4xx would have the provider retry for days
  an event no retry can place;
- the handler refuses what the event says (WebhookRefused: an amount that is not the charge's):
  400 with its message, its transaction rolled back, nothing changed;
- the handler fails: 500 and its transaction rolled back, so the provider retries it later.
Handlers see each event at least once: they key what they do on the event's own id.
"""

import json
import logging

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from modules.core.exceptions import internal_error_message
from modules.core.webhooks import INBOUND_PROVIDERS, WebhookRefused

from .models import ProviderAccount, Tenant
from .scope import tenant_scope

logger = logging.getLogger(__name__)


def provider_account_link(*, tenant: Tenant, provider: str, external_id: str) -> ProviderAccount:
    """Route the provider's events for `external_id` to `tenant` (when a workspace connects its
    account); linking an account another tenant holds is refused by the unique constraint."""
    return ProviderAccount.objects.create(tenant=tenant, provider=provider, external_id=external_id)


def provider_account_unlink(*, tenant: Tenant, provider: str, external_id: str) -> None:
    """The workspace disconnected its account: the provider's events for it are no longer its."""
    ProviderAccount.objects.filter(tenant=tenant, provider=provider, external_id=external_id).delete()


def provider_account_tenant(provider: str, external_id: str) -> Tenant | None:
    account = ProviderAccount.objects.select_related("tenant").filter(provider=provider, external_id=external_id)
    account = account.first()
    return account.tenant if account else None


@csrf_exempt
@require_POST
def inbound_webhook(request: HttpRequest, provider: str) -> JsonResponse:
    spec = INBOUND_PROVIDERS.get(provider)
    if spec is None or spec.verify is None:
        return _not_found()
    event = _verified_event(request, provider, spec.verify)
    if not isinstance(event, dict):
        return event
    external_id = spec.account_of(event)
    tenant = provider_account_tenant(provider, external_id) if external_id else None
    if tenant is None:
        logger.info("webhook for an unknown account ignored", extra={"provider": provider, "account": external_id})
        return JsonResponse({"received": True})
    with tenant_scope(tenant):
        return _handled(spec.handle, event, provider)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def tenant_inbound_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """The same, on a workspace's host (the tenant middleware has put the request in its scope),
    checked with the workspace's own secret; a GET is the provider's handshake, if it has one."""
    spec = INBOUND_PROVIDERS.get(provider)
    if request.method == "GET":
        return _handshake(request, spec)
    if spec is None or spec.verify_here is None:
        return _not_found()
    event = _verified_event(request, provider, spec.verify_here)
    if not isinstance(event, dict):
        return event
    return _handled(spec.handle, event, provider)


def _handshake(request: HttpRequest, spec) -> HttpResponse:
    if spec is None or spec.handshake is None:
        return _not_found()
    answer = spec.handshake(request.GET)
    if answer is None:
        return JsonResponse({"detail": _("The verification token is wrong.")}, status=403)
    return HttpResponse(answer, content_type="text/plain")


def _not_found() -> JsonResponse:
    return JsonResponse({"detail": _("Not found.")}, status=404)


def _verified_event(request: HttpRequest, provider: str, verify) -> dict | JsonResponse:
    """The event, once its signature is checked over the raw body; else the 400 to answer."""
    body = request.body
    if not verify(body, request.headers):
        logger.warning("webhook signature refused", extra={"provider": provider})
        return JsonResponse({"detail": _("The webhook signature is missing or wrong.")}, status=400)
    try:
        event = json.loads(body)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        return JsonResponse({"detail": _("The webhook body is not a JSON object.")}, status=400)
    return event


def _handled(handle, event: dict, provider: str) -> JsonResponse:
    try:
        with transaction.atomic():
            result = handle(event)
    except WebhookRefused as refusal:  # rolled back: the event is refused as a whole
        logger.info("webhook refused", extra={"provider": provider})
        return JsonResponse({"detail": refusal.message}, status=400)
    except Exception:
        logger.exception("webhook handler failed", extra={"provider": provider})
        return JsonResponse({"detail": internal_error_message()}, status=500)
    return JsonResponse({"received": True, **(result or {})})

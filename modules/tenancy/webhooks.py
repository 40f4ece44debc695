"""The public home of inbound webhooks: `POST /webhooks/<provider>/` on the public host.

The answer tells the provider whether to send again, so each one is chosen for that:
- unknown provider: 404;
- signature missing or wrong: 400, and nothing is read or run;
- an account no tenant has linked (a workspace that disconnected, an event for the provider's
  own platform): 200 with nothing done, logged. A 4xx would have the provider retry for days
  an event no retry can place;
- the handler fails: 500 and its transaction rolled back, so the provider retries it later.
Handlers see each event at least once: they key what they do on the event's own id.
"""

import json
import logging

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from modules.core.exceptions import internal_error_message
from modules.core.webhooks import INBOUND_PROVIDERS

from .models import ProviderAccount, Tenant
from .scope import tenant_scope

logger = logging.getLogger(__name__)


def provider_account_link(*, tenant: Tenant, provider: str, external_id: str) -> ProviderAccount:
    """Route the provider's events for `external_id` to `tenant` (when a workspace connects its
    account); linking an account another tenant holds is refused by the unique constraint."""
    return ProviderAccount.objects.create(tenant=tenant, provider=provider, external_id=external_id)


def provider_account_tenant(provider: str, external_id: str) -> Tenant | None:
    account = ProviderAccount.objects.select_related("tenant").filter(provider=provider, external_id=external_id)
    account = account.first()
    return account.tenant if account else None


@csrf_exempt
@require_POST
def inbound_webhook(request: HttpRequest, provider: str) -> JsonResponse:
    spec = INBOUND_PROVIDERS.get(provider)
    if spec is None:
        return JsonResponse({"detail": _("Not found.")}, status=404)
    body = request.body
    if not spec.verify(body, request.headers):
        logger.warning("webhook signature refused", extra={"provider": provider})
        return JsonResponse({"detail": _("The webhook signature is missing or wrong.")}, status=400)
    try:
        event = json.loads(body)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        return JsonResponse({"detail": _("The webhook body is not a JSON object.")}, status=400)
    external_id = spec.account_of(event)
    tenant = provider_account_tenant(provider, external_id) if external_id else None
    if tenant is None:
        logger.info("webhook for an unknown account ignored", extra={"provider": provider, "account": external_id})
        return JsonResponse({"received": True})
    try:
        with tenant_scope(tenant), transaction.atomic():
            spec.handle(event)
    except Exception:
        logger.exception("webhook handler failed", extra={"provider": provider, "account": external_id})
        return JsonResponse({"detail": internal_error_message()}, status=500)
    return JsonResponse({"received": True})

"""Every write of the webhooks module: endpoints (registered, changed, deleted, pinged) and their
deliveries (owed for the outbox's events, tried, retried, sent again).

Deliveries come from the outbox only: the events relay hands each batch of committed events to
`deliveries_create` in its own transaction, and each delivery's first try is queued when that
transaction commits. A try (`delivery_attempt`) holds the delivery's row lock, so the same try
sent twice (a countdown and the sweep) posts once.
"""

import hashlib
import hmac
import json
import secrets
import uuid
from datetime import timedelta
from email.utils import parsedate_to_datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innexar.celery import app
from modules.accounts.models import User
from modules.core.formats import iso_datetime
from modules.events.models import Event
from modules.events.services import event_record
from modules.tenancy.tasks import on_commit_in_this_tenant

from . import transport
from .events import ALL, CATALOGUE, PING, subscribed
from .models import Delivery, DeliveryStatus, Endpoint, EndpointStatus

MAX_ATTEMPTS = 8
RETRY_AFTER_MAX_SECONDS = 24 * 3600
# A retry further away than this waits for the sweep rather than in the broker (Redis hands an
# unacknowledged countdown message out again after its one-hour visibility timeout).
COUNTDOWN_MAX_SECONDS = 50 * 60
SECRET_MIN_LENGTH = 16
ENDPOINTS_MAX = 20


# --- Endpoints -------------------------------------------------------------------------------------


def url_clean(url: str) -> str:
    try:
        transport.url_resolve(url)
    except transport.UrlRefused as refusal:
        raise ValidationError({"url": [str(refusal)]}) from None
    return url


def events_clean(events: list[str]) -> list[str]:
    if not events:
        raise ValidationError({"events": [_("Choose at least one event, or * for all of them.")]})
    unknown = [name for name in events if name != ALL and name not in CATALOGUE]
    if unknown:
        raise ValidationError({"events": [
            _("Unknown events: %(names)s. See the catalogue of events.") % {"names": ", ".join(sorted(unknown))}
        ]})
    return [ALL] if ALL in events else sorted(set(events))


def secret_clean(secret: str | None) -> str:
    if secret is None or secret == "":
        return f"whsec_{secrets.token_urlsafe(32)}"
    if len(secret) < SECRET_MIN_LENGTH:
        raise ValidationError({"secret": [
            _("A secret has at least %(count)d characters.") % {"count": SECRET_MIN_LENGTH}
        ]})
    return secret


def _endpoint_json(endpoint: Endpoint) -> dict:
    """The audit's payload: never the secret."""
    return {"id": endpoint.pk, "url": endpoint.url, "events": endpoint.events, "status": endpoint.status}


@transaction.atomic
def endpoint_create(*, actor: User, url: str, events: list[str], secret: str | None = None) -> tuple[Endpoint, str]:
    """The endpoint and its secret in the clear: the only time anyone sees it again."""
    errors, cleaned = {}, {}
    for field, clean, value in (("url", url_clean, url), ("events", events_clean, events),
                                ("secret", secret_clean, secret)):
        try:
            cleaned[field] = clean(value)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if Endpoint.objects.count() >= ENDPOINTS_MAX:  # each event is owed to every endpoint: a bounded fan-out
        raise PermissionDenied(_("A workspace has at most %(count)d webhooks.") % {"count": ENDPOINTS_MAX})
    endpoint = Endpoint.objects.create(**cleaned, created_by=actor)
    event_record(name="webhook.created", payload=_endpoint_json(endpoint), actor=actor)
    return endpoint, cleaned["secret"]


@transaction.atomic
def endpoint_update(*, actor: User, endpoint: Endpoint, changes: dict) -> Endpoint:
    """`url`, `events`, `secret` (a new one) and `is_active` (False pauses it: nothing is
    delivered; True resumes it as active)."""
    before = _endpoint_json(endpoint)
    if "url" in changes:
        endpoint.url = url_clean(changes["url"])
    if "events" in changes:
        endpoint.events = events_clean(changes["events"])
    if changes.get("secret"):
        endpoint.secret = secret_clean(changes["secret"])
    if "is_active" in changes:
        paused = not changes["is_active"]
        if paused:
            endpoint.status = EndpointStatus.DISABLED
        elif endpoint.status == EndpointStatus.DISABLED:
            endpoint.status, endpoint.failing_since = EndpointStatus.ACTIVE, None
    endpoint.save()
    fields = sorted(
        {field for field, value in _endpoint_json(endpoint).items() if before[field] != value}
        | ({"secret"} if changes.get("secret") else set())
    )
    if fields:
        event_record(
            name="webhook.updated", payload=_endpoint_json(endpoint), actor=actor,
            changes={field: {"old": before.get(field), "new": _endpoint_json(endpoint).get(field)} for field in fields},
        )
    return endpoint


@transaction.atomic
def endpoint_delete(*, actor: User, endpoint: Endpoint) -> None:
    payload = _endpoint_json(endpoint)
    endpoint.delete()  # its deliveries go with it
    event_record(name="webhook.deleted", payload=payload, actor=actor)


# --- Deliveries ------------------------------------------------------------------------------------


def signature(secret: str, body: bytes) -> str:
    """`X-Innexar-Signature`: sha256=<hex HMAC-SHA256 of the raw body, keyed by the secret>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _body(*, event_id, name: str, data: dict, created_at) -> str:
    return json.dumps({
        "id": str(event_id), "event": name, "tenant_id": connection.tenant.pk, "data": data,
        "created_at": iso_datetime(created_at),
    }, separators=(",", ":"), ensure_ascii=False)


FIRST_TRIES_PER_TASK = 100


def _queue(deliveries: list[Delivery]) -> None:
    """The first tries, once the transaction that owes them commits: one task for each endpoint's
    deliveries (by up to a hundred), which posts them in the events' order. Under load one relay
    owes many at once, and one task sending them costs a fraction of a task each; a retry is a
    task of its own (`webhooks.deliver`)."""
    by_endpoint: dict[int, list[int]] = {}
    for delivery in deliveries:
        by_endpoint.setdefault(delivery.endpoint_id, []).append(delivery.pk)
    batches = [
        ids[start:start + FIRST_TRIES_PER_TASK]
        for ids in by_endpoint.values()
        for start in range(0, len(ids), FIRST_TRIES_PER_TASK)
    ]

    def send() -> None:
        for ids in batches:
            app.signature("webhooks.deliver_first").delay(ids)

    if batches:
        on_commit_in_this_tenant(send)


def deliveries_create(events: list[Event]) -> int:
    """The relay's consumer: one delivery for each event and each active or failing endpoint
    subscribed to it, in the relay's transaction."""
    endpoints, now = list(Endpoint.objects.exclude(status=EndpointStatus.DISABLED)), timezone.now()
    deliveries = [
        Delivery(
            endpoint=endpoint, event_id=event.uuid, event=event.name, next_attempt_at=now,
            body=_body(event_id=event.uuid, name=event.name, data=event.payload, created_at=event.occurred_at),
        )
        for event in events
        for endpoint in endpoints
        if subscribed(endpoint.events, event.name)
    ]
    Delivery.objects.bulk_create(deliveries)
    _queue(deliveries)
    return len(deliveries)


def endpoints_waiting() -> bool:
    """Whether anyone here waits for events: the relay is sent at each commit only then."""
    return Endpoint.objects.exclude(status=EndpointStatus.DISABLED).exists()


@transaction.atomic
def endpoint_ping(*, actor: User, endpoint: Endpoint) -> Delivery:
    """A `ping` delivery to the endpoint (whatever it subscribes to), queued like the others."""
    event_id, now = uuid.uuid4(), timezone.now()
    data = {"webhook_id": endpoint.pk, "url": endpoint.url, "sent_by": actor.email}
    delivery = Delivery.objects.create(
        endpoint=endpoint, event_id=event_id, event=PING, next_attempt_at=now,
        body=_body(event_id=event_id, name=PING, data=data, created_at=now),
    )
    _queue([delivery])
    return delivery


@transaction.atomic
def delivery_redeliver(*, actor: User, delivery: Delivery) -> Delivery:
    """The same body (event id included) sent again as a new delivery, with a fresh set of tries."""
    again = Delivery.objects.create(
        endpoint=delivery.endpoint, event_id=delivery.event_id, event=delivery.event, body=delivery.body,
        next_attempt_at=timezone.now(),
    )
    _queue([again])
    return again


def retry_delay(attempt: int, retry_after: str | None = None) -> int:
    """Seconds before the try after try number `attempt`: the receiver's Retry-After when it gave
    one (seconds or an HTTP date, at most a day), else the base times three for each try made:
    1 min, 3, 9, 27 min, 1.4 h, 4 h, 12 h; eight tries in about 18 hours."""
    if retry_after:
        try:
            seconds = int(retry_after)
        except ValueError:
            try:
                seconds = int((parsedate_to_datetime(retry_after) - timezone.now()).total_seconds())
            except (TypeError, ValueError):
                seconds = None
        if seconds is not None:
            return min(max(seconds, 0), RETRY_AFTER_MAX_SECONDS)
    return settings.INNEXAR_WEBHOOKS_RETRY_BASE_SECONDS * 3 ** (attempt - 1)


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


def _schedule(delivery: Delivery, delay: int) -> None:
    if delay > COUNTDOWN_MAX_SECONDS:
        return  # deliveries_due_send picks it up
    delivery_id, attempt = delivery.pk, delivery.attempts + 1
    on_commit_in_this_tenant(
        lambda: app.signature("webhooks.deliver").apply_async((delivery_id, attempt), countdown=delay)
    )


def _failed(delivery: Delivery, now) -> None:
    delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    Endpoint.objects.filter(pk=delivery.endpoint_id, status=EndpointStatus.ACTIVE).update(
        status=EndpointStatus.FAILING, failing_since=now
    )


@transaction.atomic
def delivery_attempt(*, delivery_id: int, attempt: int) -> Delivery | None:
    """Try number `attempt` of a delivery; None when that try is not (or no longer) owed: the
    delivery went out, failed for good, was deleted, or this try already ran."""
    delivery = Delivery.objects.select_for_update().select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING or delivery.attempts != attempt - 1:
        return None
    endpoint = delivery.endpoint
    now = timezone.now()
    delivery.attempts = attempt
    if endpoint.status == EndpointStatus.DISABLED and delivery.event != PING:
        delivery.error = _("The webhook was paused.")
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        delivery.save()
        return delivery
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json", "User-Agent": "Innexar-Webhooks/1",
        "X-Innexar-Event": delivery.event, "X-Innexar-Event-Id": str(delivery.event_id),
        "X-Innexar-Delivery": str(delivery.pk), "X-Innexar-Timestamp": str(int(now.timestamp())),
        "X-Innexar-Signature": signature(endpoint.secret, body),
    }
    retry_after = None
    try:
        answer = transport.post(endpoint.url, body, headers)
    except transport.HostNotFound as error:
        delivery.response_code, delivery.duration_ms, delivery.error = None, None, str(error)[:300]
        retryable = True
    except transport.UrlRefused as refusal:
        delivery.response_code, delivery.duration_ms, delivery.error = None, None, str(refusal)[:300]
        retryable = False
    except transport.TransportError as error:
        delivery.response_code, delivery.duration_ms, delivery.error = None, None, str(error)[:300]
        retryable = True
    else:
        delivery.response_code, delivery.duration_ms, delivery.error = answer.status, answer.duration_ms, ""
        if 200 <= answer.status < 300:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, now, None
            delivery.save()
            Endpoint.objects.filter(pk=endpoint.pk, status=EndpointStatus.FAILING).update(
                status=EndpointStatus.ACTIVE, failing_since=None
            )
            return delivery
        retryable, retry_after = _retryable(answer.status), answer.retry_after
    if retryable and attempt < MAX_ATTEMPTS:
        delay = retry_delay(attempt, retry_after)
        delivery.next_attempt_at = now + timedelta(seconds=delay)
        delivery.save()
        _schedule(delivery, delay)
        return delivery
    _failed(delivery, now)
    delivery.save()
    return delivery


SWEEP_GRACE = timedelta(minutes=1)


def deliveries_due_send() -> int:
    """The sweep: the next try of every delivery overdue by a minute (retries too far away for a
    countdown, and any whose message a stopped worker lost; the others are in the queue)."""
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now() - SWEEP_GRACE)
        .values_list("pk", "attempts")
    )
    for delivery_id, attempts in due:
        app.signature("webhooks.deliver").delay(delivery_id, attempts + 1)
    return len(due)

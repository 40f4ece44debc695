"""Recording domain events, and relaying them to their consumers. Services call the recorders
inside their own transaction.

Each event is also an audit entry (who, what, which fields; no values), and marks its workspace
as having events to dispatch, all in the caller's transaction: the three exist together or not
at all. Once that transaction commits, the relay (`outbox_relay`, the `events.outbox_relay` task)
hands the workspace's undispatched events to each registered consumer (the outgoing webhooks)
and marks them dispatched, in one transaction: a consumer writes what it owes (deliveries) with
the events it was given, or neither happens.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name
from psycopg.types.json import Jsonb

from innexar.celery import app
from modules.accounts.models import User
from modules.tenancy.models import PendingOutbox
from modules.tenancy.scope import tenant_scope

from .models import AuditEntry, Event

PAYLOAD_VERSION = 1

# One statement: the record's next version is read and written together, and the unique
# (type, id, version) constraint refuses a second writer that was not serialised by the record's
# row lock (services lock what they change).
RECORD_SQL = """
INSERT INTO events_event (uuid, name, aggregate_type, aggregate_id, aggregate_version, payload_version,
                          payload, changes, actor_id, occurred_at)
SELECT %s, %s, %s, %s, COALESCE(MAX(aggregate_version), 0) + 1, %s, %s, %s, %s, %s
FROM events_event WHERE aggregate_type = %s AND aggregate_id = %s
RETURNING id, aggregate_version
"""


def _aggregate(name: str, payload: dict) -> tuple[str, int]:
    """`deal.stage_changed` with payload id 7 is about deal 7."""
    return name.split(".", 1)[0], int(payload["id"])


@dataclass(frozen=True)
class EventConsumer:
    """`consume(events)` runs inside the relay's transaction, in the events' schema; `waiting()`
    says whether this workspace has someone waiting for its events now (an active webhook), so
    that a commit sends the relay at once rather than leaving the events to the periodic sweep."""

    name: str
    consume: Callable[[list[Event]], None]
    waiting: Callable[[], bool]


_consumers: dict[str, EventConsumer] = {}


def event_consumer_register(consumer: EventConsumer) -> None:
    """From a module's AppConfig.ready(): once per process, by name."""
    _consumers[consumer.name] = consumer


# While a relay is queued and has not started, a commit need not send another: it will read
# this commit's events too. Only a cache every process shares can say so (Redis); with each
# process's own memory, every commit sends one.
RELAY_QUEUED_SECONDS = 10


def _relay_queued_key(tenant) -> str | None:
    shared = "redis" in settings.CACHES["platform"]["BACKEND"].lower()
    return f"outbox-relay-queued:{tenant.pk}" if shared else None


def outbox_relay_started(tenant) -> None:
    """The relay task calls this before it reads: a commit from now on sends a relay again."""
    if key := _relay_queued_key(tenant):
        caches["platform"].delete(key)


class _RelayKick:
    """After a commit: the relay for this workspace, when a consumer waits for its events and
    none is queued already."""

    def __init__(self, tenant):
        self.tenant, self.pending = tenant, True

    def __call__(self) -> None:
        self.pending = False
        with tenant_scope(self.tenant):
            if not any(consumer.waiting() for consumer in _consumers.values()):
                return
            key = _relay_queued_key(self.tenant)
            if key is None or caches["platform"].add(key, 1, timeout=RELAY_QUEUED_SECONDS):
                app.signature("events.outbox_relay").delay()


def _relay_kick() -> None:
    """One kick a transaction, however many events it records."""
    if not any(isinstance(callback, _RelayKick) and callback.pending for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(_RelayKick(connection.tenant), robust=True)


def _outbox_mark() -> None:
    """This workspace has events to dispatch (a public row the relay reads), and, once the
    transaction commits, the relay is sent for them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {get_public_schema_name()}.tenancy_pendingoutbox (tenant_id, since) "  # noqa: S608
            "VALUES (%s, now()) ON CONFLICT DO NOTHING",
            [connection.tenant.pk],
        )
    _relay_kick()


RELAY_BATCH = 500


@transaction.atomic
def outbox_relay(*, batch: int = RELAY_BATCH) -> int:
    """Hand the next undispatched events of the workspace (oldest first) to every consumer and
    mark them dispatched; returns how many. Relays running at once take different events
    (SKIP LOCKED), each in order. When none are left, the workspace's mark goes."""
    events = list(
        Event.objects.filter(dispatched_at__isnull=True).order_by("id").select_for_update(skip_locked=True)[:batch]
    )
    for consumer in _consumers.values():
        consumer.consume(events)
    if events:
        Event.objects.filter(pk__in=[event.pk for event in events]).update(dispatched_at=timezone.now())
    if len(events) < batch:
        PendingOutbox.objects.filter(tenant_id=connection.tenant.pk).delete()
        # An event committed while this ran keeps its mark (its own commit also sends a relay).
        if Event.objects.filter(dispatched_at__isnull=True).exists():
            _outbox_mark()
    return len(events)


def payload_changes(before: dict, after: dict, *, ignore: tuple[str, ...] = ("updated_at",)) -> dict:
    """{"field": {"old": …, "new": …}} for each field of a record's payload that differs: what an
    `*.updated` event carries, and empty for an update that changes nothing (no event then)."""
    return {
        field: {"old": before.get(field), "new": value}
        for field, value in after.items()
        if field not in ignore and before.get(field) != value
    }


def event_record(
    *, name: str, payload: dict, actor: User | None, changes: dict | None = None, audit: bool = True
) -> Event:
    """`changes`, for an update: {"field": {"old": …, "new": …}} for each field that changed.
    `audit=False` for what the system recomputes (a score), which the audit trail leaves out."""
    aggregate_type, aggregate_id = _aggregate(name, payload)
    event = Event(
        uuid=uuid.uuid4(), name=name, aggregate_type=aggregate_type, aggregate_id=aggregate_id,
        payload_version=PAYLOAD_VERSION, payload=payload, changes=changes, actor=actor, occurred_at=timezone.now(),
    )
    with connection.cursor() as cursor:
        cursor.execute(RECORD_SQL, [
            event.uuid, name, aggregate_type, aggregate_id, PAYLOAD_VERSION, Jsonb(payload),
            Jsonb(changes) if changes is not None else None, getattr(actor, "pk", None), event.occurred_at,
            aggregate_type, aggregate_id,
        ])
        event.pk, event.aggregate_version = cursor.fetchone()
    if audit:
        AuditEntry.objects.create(
            action=name, aggregate_type=aggregate_type, aggregate_id=aggregate_id,
            fields=sorted(changes or ()), actor=actor,
        )
    _outbox_mark()
    return event


# Each record's next version, for a batch of existing records (one event per record).
RECORD_MANY_SQL = """
INSERT INTO events_event (uuid, name, aggregate_type, aggregate_id, aggregate_version, payload_version,
                          payload, actor_id, occurred_at)
SELECT gen_random_uuid(), %(name)s, %(type)s, batch.id,
       COALESCE((SELECT MAX(aggregate_version) FROM events_event AS prior
                 WHERE prior.aggregate_type = %(type)s AND prior.aggregate_id = batch.id), 0) + 1,
       %(payload_version)s, batch.payload, %(actor)s, now()
FROM unnest(%(ids)s::bigint[], %(payloads)s::jsonb[]) AS batch(id, payload)
"""


def _record_many(name: str, payloads: list[dict], actor: User | None) -> str:
    aggregate_type = name.split(".", 1)[0]
    with connection.cursor() as cursor:
        cursor.execute(RECORD_MANY_SQL, {
            "name": name, "type": aggregate_type, "payload_version": PAYLOAD_VERSION,
            "ids": [int(payload["id"]) for payload in payloads], "payloads": [Jsonb(payload) for payload in payloads],
            "actor": getattr(actor, "pk", None),
        })
    _outbox_mark()
    return aggregate_type


def system_events_record(*, name: str, payloads: list[dict]) -> int:
    """What the system changed in many existing records at once (the nightly rescore): one event
    each, versioned after the record's earlier ones, in one statement; not audited."""
    if not payloads:
        return 0
    _record_many(name, payloads, None)
    return len(payloads)


def events_record_changed(*, name: str, payloads: list[dict], actor: User | None) -> int:
    """What an actor changed in many existing records at once (an auto-reconcile run): one event
    each, versioned after the record's earlier ones, and audited, in three statements whatever
    their number (event_record takes three for each). One payload a record."""
    if not payloads:
        return 0
    aggregate_type = _record_many(name, payloads, actor)
    AuditEntry.objects.bulk_create([
        AuditEntry(action=name, aggregate_type=aggregate_type, aggregate_id=int(payload["id"]), actor=actor)
        for payload in payloads
    ])
    return len(payloads)


def events_record(*, name: str, payloads: Iterable[dict], actor: User | None) -> int:
    """Many creations of one kind at once (imports), streamed with COPY: for 50,000 events
    bulk_create spent about 8 s building statements, COPY about 1 s. Each is its record's first
    event, so its version is 1."""
    now, actor_id, count = timezone.now(), getattr(actor, "pk", None), 0
    copy_events = (
        "COPY events_event (uuid, name, aggregate_type, aggregate_id, aggregate_version, payload_version, payload,"
        " actor_id, occurred_at) FROM STDIN"
    )
    copy_audit = (
        "COPY events_auditentry (action, aggregate_type, aggregate_id, fields, actor_id, occurred_at) FROM STDIN"
    )
    with connection.cursor() as cursor, connection.wrap_database_errors:
        audit_rows = []
        with cursor.cursor.copy(copy_events) as copy:
            for payload in payloads:
                aggregate_type, aggregate_id = _aggregate(name, payload)
                copy.write_row((
                    uuid.uuid4(), name, aggregate_type, aggregate_id, 1, PAYLOAD_VERSION, Jsonb(payload), actor_id, now,
                ))
                audit_rows.append((name, aggregate_type, aggregate_id, [], actor_id, now))
                count += 1
        with cursor.cursor.copy(copy_audit) as copy:
            for row in audit_rows:
                copy.write_row(row)
    if count:
        _outbox_mark()
    return count


def outbox_purge(*, older_than_days: int) -> int:
    """Drop dispatched events older than the retention: their payloads hold personal data that
    only the receivers needed. Undispatched events wait for the relay; the audit trail stays."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = Event.objects.filter(dispatched_at__lt=cutoff).delete()
    return deleted

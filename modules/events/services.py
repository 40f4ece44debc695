"""Recording domain events. Services call these inside their own transaction."""

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone
from psycopg.types.json import Jsonb

from modules.accounts.models import User

from .models import Event


def event_record(*, name: str, payload: dict, actor: User | None) -> Event:
    return Event.objects.create(name=name, payload=payload, actor=actor)


def events_record(*, name: str, payloads: Iterable[dict], actor: User | None) -> int:
    """Many events of one kind at once (imports), streamed with COPY: for 50,000 events
    bulk_create spent about 8 s building statements, COPY about 1 s."""
    now, actor_id, count = timezone.now(), getattr(actor, "pk", None), 0
    table = connection.ops.quote_name(Event._meta.db_table)
    copy_sql = f"COPY {table} (name, payload, actor_id, occurred_at) FROM STDIN"
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
        for payload in payloads:
            copy.write_row((name, Jsonb(payload), actor_id, now))
            count += 1
    return count

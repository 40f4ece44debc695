"""Recording domain events. Services call these inside their own transaction."""

from collections.abc import Iterable

from modules.accounts.models import User

from .models import Event


def event_record(*, name: str, payload: dict, actor: User | None) -> Event:
    return Event.objects.create(name=name, payload=payload, actor=actor)


def events_record(*, name: str, payloads: Iterable[dict], actor: User | None) -> int:
    """Many events of one kind at once (imports): one INSERT per thousand rows."""
    events = [Event(name=name, payload=payload, actor=actor) for payload in payloads]
    Event.objects.bulk_create(events, batch_size=1000)
    return len(events)

"""A document's status as of today: an open one (an issued invoice, a pending account) is overdue
once its due date has passed in the workspace's time zone (the request's or task's active one),
whether or not the daily task has stored it as overdue yet. Lists read it in SQL, a page holding
one record reads it in Python; both are the same rule.

The task that stores `overdue` (and records the event what reacts to it waits for) keeps it
among the open statuses, so a due date that moves back makes a record on time again.
"""

from datetime import date

from django.db.models import Case, CharField, F, Value, When
from django.utils import timezone


def status_as_of_today(
    *, open_statuses: tuple[str, ...], overdue: str, on_time: str, due_field: str = "due_date"
) -> Case:
    """SQL: `overdue` for an open record past its due date, `on_time` for another open one, the
    stored status for the rest (paid, cancelled, a draft)."""
    today = timezone.localdate()
    return Case(
        When(**{"status__in": open_statuses, f"{due_field}__lt": today}, then=Value(overdue)),
        When(status__in=open_statuses, then=Value(on_time)),
        default=F("status"), output_field=CharField(),
    )


def status_as_of(
    status: str, due_date: date, *, open_statuses: tuple[str, ...], overdue: str, on_time: str
) -> str:
    """The same for one record in hand."""
    if status not in open_statuses:
        return status
    return overdue if due_date < timezone.localdate() else on_time

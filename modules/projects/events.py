"""Projects' domain events and their payloads (the records as the API shows them, minus what
depends on the reader or on other records: no progress, no `formatted`). Services record them in
the transaction that made the change; `*.updated` events carry the changed fields.
"""

from decimal import Decimal

from modules.core.formats import amount_json, iso_date, iso_datetime, number_json, user_json

from .models import Project, Task, TimeEntry

PROJECT_CREATED = "project.created"
PROJECT_UPDATED = "project.updated"
PROJECT_COMPLETED = "project.completed"  # its status became completed
PROJECT_DELETED = "project.deleted"
TASK_CREATED = "task.created"
TASK_UPDATED = "task.updated"  # a move on the board too: status and position
TASK_COMPLETED = "task.completed"  # its status became done
TASK_DELETED = "task.deleted"
TIME_ENTRY_CREATED = "time_entry.created"


def hours_json(hours: Decimal | int | None) -> int | float | None:
    """Hours as a JSON number (a new task's `actual_hours` is still the int default)."""
    return None if hours is None else number_json(Decimal(hours))


def project_json(project: Project) -> dict:
    return {
        "id": project.pk,
        "name": project.name,
        "description": project.description,
        "customer_id": project.customer_id,
        "start_date": iso_date(project.start_date),
        "end_date": iso_date(project.end_date),
        "budget": None if project.budget is None else amount_json(project.budget, project.currency),
        "currency": project.currency,
        "status": project.status,
        "completed_at": iso_datetime(project.completed_at),
        "created_at": iso_datetime(project.created_at),
        "updated_at": iso_datetime(project.updated_at),
    }


def task_json(task: Task, dependencies: list[int]) -> dict:
    """`dependencies`: the ids of the tasks it waits for, given by the caller (one query per list)."""
    return {
        "id": task.pk,
        "project_id": task.project_id,
        "title": task.title,
        "description": task.description,
        "status": task.status,
        "priority": task.priority,
        "assigned_to": user_json(task.assigned_to),
        "start_date": iso_date(task.start_date),
        "due_date": iso_date(task.due_date),
        "estimated_hours": hours_json(task.estimated_hours),
        "actual_hours": hours_json(task.actual_hours),
        "position": task.position,
        "dependencies": sorted(dependencies),
        "completed_at": iso_datetime(task.completed_at),
        "created_at": iso_datetime(task.created_at),
        "updated_at": iso_datetime(task.updated_at),
    }


def time_entry_json(entry: TimeEntry) -> dict:
    return {
        "id": entry.pk,
        "task_id": entry.task_id,
        "user": user_json(entry.user),
        "hours": number_json(entry.hours),
        "description": entry.description,
        "date": iso_date(entry.date),
        "created_at": iso_datetime(entry.created_at),
    }

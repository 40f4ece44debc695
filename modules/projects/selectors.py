"""Every projects read that is more than a `.get()`: lists with what they show, the Kanban board,
the Gantt chart's bars and the progress of a project.

Progress is the share of a project's tasks that are done, as a whole percentage rounded down
(0 to 100; a project without tasks is at 0, and only a project whose every task is done is at
100). Counting tasks rather than weighing them by their estimates keeps it meaningful where
nobody estimates, and the same as what the board shows.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from .models import Project, Task, TaskStatus, TimeEntry

# A working day, for a task whose end comes from its estimate.
HOURS_A_DAY = 8
# Only a done task is complete on the Gantt chart, however many hours were logged on it.
OPEN_TASK_PROGRESS_MAX = Decimal("0.99")


def progress(total: int, done: int) -> int:
    return done * 100 // total if total else 0


def project_list() -> QuerySet[Project]:
    """Projects with their customer and their tasks counted (`tasks_total`, `tasks_done`)."""
    return Project.objects.select_related("customer").annotate(
        tasks_total=Count("tasks"), tasks_done=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
    ).order_by("-start_date", "-id")  # a query that counts drops Meta.ordering


def project_progress(project: Project) -> int:
    total = getattr(project, "tasks_total", None)
    if total is None:
        counts = project.tasks.aggregate(total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)))
        return progress(counts["total"], counts["done"])
    return progress(total, project.tasks_done)


def task_list(project: Project | None = None) -> QuerySet[Task]:
    """Tasks in board order: by status, then position (ties: the last changed first)."""
    tasks = Task.objects.select_related("assigned_to").order_by("status", "position", "-updated_at", "-id")
    return tasks if project is None else tasks.filter(project=project)


def dependencies_of(task_ids) -> dict[int, list[int]]:
    """{task id: [ids of the tasks it waits for]}, one query for any number of tasks."""
    found: dict[int, list[int]] = defaultdict(list)
    links = Task.dependencies.through.objects.filter(from_task_id__in=task_ids)
    for task_id, dependency_id in links.values_list("from_task_id", "to_task_id"):
        found[task_id].append(dependency_id)
    return found


def project_dependency_graph(project_id: int) -> dict[int, set[int]]:
    """Every dependency of a project's tasks: {task id: {ids it waits for}}."""
    graph: dict[int, set[int]] = defaultdict(set)
    links = Task.dependencies.through.objects.filter(from_task__project_id=project_id)
    for task_id, dependency_id in links.values_list("from_task_id", "to_task_id"):
        graph[task_id].add(dependency_id)
    return graph


def hours_logged(*, user_id: int, day: date) -> Decimal:
    """What a person has logged on one day, in every project of the workspace."""
    return TimeEntry.objects.filter(user_id=user_id, date=day).aggregate(total=Sum("hours"))["total"] or Decimal(0)


def time_entry_list(*, task: Task | None = None, project: Project | None = None) -> QuerySet[TimeEntry]:
    entries = TimeEntry.objects.select_related("user", "task").order_by("-date", "-id")
    if task is not None:
        entries = entries.filter(task=task)
    if project is not None:
        entries = entries.filter(task__project=project)
    return entries


# --- The Kanban board --------------------------------------------------------------------------


@dataclass
class BoardColumn:
    status: TaskStatus
    count: int = 0
    hours: Decimal = Decimal(0)  # the column's estimated hours
    cards: list = field(default_factory=list)


# What a card shows, in this order (one tuple a task, no model instances: 500 cards render fast).
CARD_COLUMNS = ("id", "title", "status", "priority", "due_date", "estimated_hours", "assigned_to__name")


def board_heads(project: Project) -> dict[str, BoardColumn]:
    """Each status's count and estimated hours, in the board's order."""
    columns = {status: BoardColumn(TaskStatus(status)) for status in TaskStatus.values}
    rows = project.tasks.values("status").annotate(count=Count("id"), hours=Sum("estimated_hours"))
    for row in rows.order_by():
        column = columns[row["status"]]
        column.count, column.hours = row["count"], row["hours"] or Decimal(0)
    return columns


def board(project: Project) -> list[BoardColumn]:
    """Every task of the project in its column, in board order. Two queries."""
    columns = board_heads(project)
    cards = project.tasks.order_by("status", "position", "-updated_at", "-id").values_list(*CARD_COLUMNS)
    for card in cards:
        columns[card[2]].cards.append(card)
    return list(columns.values())


# --- The Gantt chart ---------------------------------------------------------------------------


def task_bar_dates(*, start: date | None, due: date | None, estimated_hours: Decimal | None,
                   project_start: date) -> tuple[date, date]:
    """A task's bar: from its start (or the project's) to its due date, or else to the end of its
    estimate in working days of 8 hours (one day without either). Never ending before it starts."""
    start = start or project_start
    if due is not None:
        end = due
    elif estimated_hours:
        end = start + timedelta(days=math.ceil(estimated_hours / HOURS_A_DAY) - 1)
    else:
        end = start
    return start, max(start, end)


def task_bar_progress(*, status: str, estimated_hours: Decimal | None, actual_hours: Decimal) -> float:
    """0 to 1: a done task is 1; another, the share of its estimate logged so far, at most 0.99
    (0 without an estimate)."""
    if status == TaskStatus.DONE:
        return 1.0
    if not estimated_hours:
        return 0.0
    return float(min(actual_hours / estimated_hours, OPEN_TASK_PROGRESS_MAX).quantize(Decimal("0.01")))


def gantt(project: Project) -> list[dict]:
    """The project's tasks as Gantt bars, by start. Two queries whatever the number of tasks."""
    rows = project.tasks.order_by("start_date", "due_date", "id").values_list(
        "id", "title", "status", "start_date", "due_date", "estimated_hours", "actual_hours",
    )
    rows = list(rows)
    waits = dependencies_of([row[0] for row in rows]) if rows else {}
    bars = []
    for task_id, title, status, start, due, estimated, actual in rows:
        start, end = task_bar_dates(start=start, due=due, estimated_hours=estimated, project_start=project.start_date)
        bars.append({
            "id": task_id,
            "title": title,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "progress": task_bar_progress(status=status, estimated_hours=estimated, actual_hours=actual),
            "dependencies": sorted(waits.get(task_id, ())),
            "status": status,
        })
    return bars

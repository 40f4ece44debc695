"""Every write of projects: projects, their tasks (the Kanban's moves among them) and the hours
logged on tasks. The API and the workspace pages both come through here.

Each service runs in one transaction, records its domain event there and raises ValidationError
(a field's problem, named as the API names it: `customer_id`) or DomainError (a rule). A task is
changed with its project locked (access.access_task): moves renumber the other tasks of a column
and dependencies are checked against the whole project, so two writes in one project take turns.
"""

import hashlib
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.accounts.models import User
from modules.core.access import assignment_check
from modules.core.board import column_make_room
from modules.core.money import amount_check, number_in_locale
from modules.crm.models import Contact
from modules.events.services import event_record, payload_changes
from modules.tenancy.selectors import tenant_currency

from . import events
from .models import HOURS_DIGITS, Project, ProjectStatus, Task, TaskStatus, TimeEntry
from .selectors import dependencies_of, hours_logged, project_dependency_graph

HOURS_A_DAY_MAX = Decimal(24)


def _apply(record, changes: dict) -> None:
    """Set the fields, text trimmed (descriptions are kept as typed)."""
    for name, value in changes.items():
        setattr(record, name, value.strip() if isinstance(value, str) and name != "description" else value)


def _title_check(value: str, field: str) -> None:
    if not value.strip():
        raise ValidationError({field: [_("This field may not be blank.")]})


# --- Projects ----------------------------------------------------------------------------------


def _project_check(project: Project) -> None:
    _title_check(project.name, "name")
    if project.end_date is not None and project.end_date < project.start_date:
        raise ValidationError({"end_date": [_("The end date cannot be before the start date.")]})
    if project.budget is not None:
        if project.budget < 0:
            raise ValidationError({"budget": [_("A budget cannot be negative.")]})
        amount_check(project.budget, project.currency, field="budget", positive=False)


def _project_status_set(project: Project, status: str) -> bool:
    """Whether the project has just been completed."""
    completed = status == ProjectStatus.COMPLETED and project.status != ProjectStatus.COMPLETED
    project.status = status
    if status != ProjectStatus.COMPLETED:
        project.completed_at = None
    elif completed:
        project.completed_at = timezone.now()
    return completed


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    name: str,
    start_date: date,
    description: str = "",
    customer: Contact | None = None,
    end_date: date | None = None,
    budget: Decimal | None = None,
    currency: str | None = None,
    status: str = ProjectStatus.PLANNING,
) -> Project:
    """A new project; its budget in `currency`, the company's when none is given."""
    project = Project(created_by=actor, status=ProjectStatus.PLANNING)
    _apply(project, {
        "name": name, "description": description, "customer": customer, "start_date": start_date,
        "end_date": end_date, "budget": budget, "currency": currency or tenant_currency(connection.tenant),
    })
    _project_status_set(project, status)
    _project_check(project)
    project.save()
    event_record(name=events.PROJECT_CREATED, payload=events.project_json(project), actor=actor)
    if project.status == ProjectStatus.COMPLETED:
        event_record(name=events.PROJECT_COMPLETED, payload=events.project_json(project), actor=actor)
    return project


@transaction.atomic
def project_update(*, actor: User | None, project: Project, changes: dict) -> Project:
    """PATCH semantics; the project is locked (access_project for_write)."""
    before = events.project_json(project)
    changes = dict(changes)
    status = changes.pop("status", None)
    _apply(project, changes)
    completed = _project_status_set(project, status) if status is not None else False
    _project_check(project)
    changed = payload_changes(before, events.project_json(project))
    if not changed:
        return project
    project.save()
    payload = events.project_json(project)
    event_record(name=events.PROJECT_UPDATED, payload=payload, actor=actor, changes=changed)
    if completed:
        event_record(name=events.PROJECT_COMPLETED, payload=payload, actor=actor)
    return project


@transaction.atomic
def project_delete(*, actor: User | None, project: Project) -> None:
    """The project goes with its tasks and the hours logged on them."""
    payload = events.project_json(project)
    project.delete()
    event_record(name=events.PROJECT_DELETED, payload=payload, actor=actor)


def contact_projects_count(contact: Contact) -> int:
    return Project.objects.filter(customer=contact).count()


def contact_projects_refusal(count: int) -> str:
    """Projects' reason a CRM contact stays (registered in apps.py with core.references)."""
    return ngettext(
        "This contact is the customer of %(count)d project. Delete it or change its customer before deleting "
        "the contact.",
        "This contact is the customer of %(count)d projects. Delete them or change their customer before "
        "deleting the contact.",
        count,
    ) % {"count": count}


# --- Tasks -------------------------------------------------------------------------------------


def _task_check(task: Task) -> None:
    _title_check(task.title, "title")
    if task.start_date and task.due_date and task.due_date < task.start_date:
        raise ValidationError({"due_date": [_("The due date cannot be before the start date.")]})
    if task.estimated_hours is not None and task.estimated_hours <= 0:
        raise ValidationError({"estimated_hours": [_("Estimated hours must be more than zero.")]})


def _dependencies_check(task: Task, dependency_ids: list[int]) -> list[int]:
    """The ids, each a task of the same project, not the task itself, and no cycle: a task cannot
    wait, however indirectly, for itself. The project is locked, so the graph read here is the one
    the change is written into."""
    ids = sorted(set(dependency_ids))
    if task.pk in ids:
        raise ValidationError({"dependencies": [_("A task cannot depend on itself.")]})
    found = set(Task.objects.filter(project_id=task.project_id, pk__in=ids).values_list("pk", flat=True))
    missing = [task_id for task_id in ids if task_id not in found]
    if missing:
        raise ValidationError({"dependencies": [
            ngettext(
                "Task %(ids)s is not a task of this project.", "Tasks %(ids)s are not tasks of this project.",
                len(missing),
            ) % {"ids": ", ".join(str(task_id) for task_id in missing)}
        ]})
    if task.pk is not None:
        graph = project_dependency_graph(task.project_id)
        graph[task.pk] = set(ids)
        cycle = _cycle_through(task.pk, graph)
        if cycle:
            raise ValidationError({"dependencies": [
                _("These dependencies would make a cycle: %(cycle)s.")
                % {"cycle": " → ".join(f"#{task_id}" for task_id in cycle)}
            ]})
    return ids


def _cycle_through(start: int, graph: dict[int, set[int]]) -> list[int]:
    """A path start → … → start along the dependencies, or [] when there is none."""
    stack = [(start, [start])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        for following in graph.get(node, ()):
            if following == start:
                return [*path, start]
            if following not in seen:
                seen.add(following)
                stack.append((following, [*path, following]))
    return []


def _column_size(task: Task, status: str) -> int:
    """How many other tasks of the project are in `status`'s column."""
    return Task.objects.filter(project_id=task.project_id, status=status).exclude(pk=task.pk).count()


def _task_place(task: Task, *, status: str, position: int | None) -> None:
    """Put the task in `status`'s column at `position` (the end of the column when none is given):
    the column's tasks are numbered 0, 1, 2… again around it, and the column it left closes up."""
    size = _column_size(task, status)
    position = size if position is None else min(position, size)
    column_make_room(record=task, column_field="status", column=status, position=position, board_field="project")
    if task.pk is not None and status != task.status:
        # Numbering past the end skips no place: the column left behind is 0, 1, 2… again.
        column_make_room(
            record=task, column_field="status", column=task.status, position=_column_size(task, task.status),
            board_field="project",
        )
    task.position = position


def _task_status_set(task: Task, status: str) -> bool:
    """Whether the task has just been completed."""
    completed = status == TaskStatus.DONE and task.status != TaskStatus.DONE
    if status != TaskStatus.DONE:
        task.completed_at = None
    elif completed:
        task.completed_at = timezone.now()
    task.status = status
    return completed


def _task_payload(task: Task) -> dict:
    return events.task_json(task, dependencies_of([task.pk]).get(task.pk, []))


@transaction.atomic
def task_create(
    *,
    actor: User | None,
    project: Project,
    title: str,
    description: str = "",
    status: str = TaskStatus.TODO,
    priority: str = "medium",
    assigned_to: User | None = None,
    start_date: date | None = None,
    due_date: date | None = None,
    estimated_hours: Decimal | None = None,
    position: int | None = None,
    dependencies: list[int] = (),
) -> Task:
    """A new task of `project` (locked by the caller), at `position` in its column or at its end."""
    assignment_check(actor, assigned_to)
    task = Task(project=project, created_by=actor, status=TaskStatus.TODO)
    _apply(task, {
        "title": title, "description": description, "priority": priority, "assigned_to": assigned_to,
        "start_date": start_date, "due_date": due_date, "estimated_hours": estimated_hours,
    })
    _task_check(task)
    # A new task has no dependents yet: its dependencies cannot close a cycle.
    dependency_ids = _dependencies_check(task, list(dependencies))
    completed = _task_status_set(task, status)
    size = Task.objects.filter(project=project, status=status).count()
    task.position = size if position is None else min(position, size)
    if task.position < size:
        Task.objects.filter(project=project, status=status, position__gte=task.position).update(
            position=F("position") + 1
        )
    task.save()
    task.dependencies.set(dependency_ids)
    payload = events.task_json(task, dependency_ids)
    event_record(name=events.TASK_CREATED, payload=payload, actor=actor)
    if completed:
        event_record(name=events.TASK_COMPLETED, payload=payload, actor=actor)
    return task


@transaction.atomic
def task_update(*, actor: User | None, task: Task, changes: dict) -> Task:
    """PATCH semantics, the board's moves included (`status` and `position`): the task and its
    project are locked (access_task for_write)."""
    before = _task_payload(task)
    changes = dict(changes)
    if "assigned_to" in changes:
        assignment_check(actor, changes["assigned_to"])
    dependency_ids = changes.pop("dependencies", None)
    status = changes.pop("status", task.status)
    position = changes.pop("position", None)
    _apply(task, changes)
    _task_check(task)
    if dependency_ids is not None:
        dependency_ids = _dependencies_check(task, dependency_ids)
    if status != task.status or position is not None:
        _task_place(task, status=status, position=position)
    completed = _task_status_set(task, status)
    if dependency_ids is not None:
        task.dependencies.set(dependency_ids)
    after = events.task_json(task, dependency_ids if dependency_ids is not None else before["dependencies"])
    changed = payload_changes(before, after)
    if not changed:
        return task
    task.save()
    after = events.task_json(task, after["dependencies"])
    event_record(name=events.TASK_UPDATED, payload=after, actor=actor, changes=changed)
    if completed:
        event_record(name=events.TASK_COMPLETED, payload=after, actor=actor)
    return task


@transaction.atomic
def task_move(*, actor: User | None, task: Task, status: str, position: int) -> Task:
    """A card dropped on the board; the API's PATCH of `status` and `position` is the same change."""
    return task_update(actor=actor, task=task, changes={"status": status, "position": position})


@transaction.atomic
def task_delete(*, actor: User | None, task: Task) -> None:
    """The task goes with its time entries; the tasks that waited for it no longer do, and its
    column closes up."""
    payload = _task_payload(task)
    status = task.status
    task.delete()
    Task.objects.filter(project_id=payload["project_id"], status=status, position__gt=payload["position"]).update(
        position=F("position") - 1
    )
    event_record(name=events.TASK_DELETED, payload=payload, actor=actor)


# --- Time entries ------------------------------------------------------------------------------


def _day_lock(user_id: int, day: date) -> None:
    """One person's day: two entries for it take turns, so together they cannot pass 24 hours."""
    digest = hashlib.blake2b(f"projects.hours:{user_id}:{day.isoformat()}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


@transaction.atomic
def time_entry_create(
    *, actor: User, task: Task, hours: Decimal, day: date | None = None, description: str = ""
) -> TimeEntry:
    """Hours the actor worked on the task on `day` (today when none is given): more than zero, and
    at most 24 a day with what they already logged that day, in every project. The task's
    `actual_hours` grows by as much."""
    day = day or timezone.localdate()
    if hours <= 0:
        raise ValidationError({"hours": [_("Hours must be more than zero.")]})
    if hours != hours.quantize(Decimal(1).scaleb(-HOURS_DIGITS)):
        raise ValidationError({"hours": [_("Hours take at most two decimals, such as 1.25.")]})
    _day_lock(actor.pk, day)
    logged = hours_logged(user_id=actor.pk, day=day)
    if logged + hours > HOURS_A_DAY_MAX:
        raise ValidationError({"hours": [
            _("A day has 24 hours: %(logged)s are already logged on %(date)s, so at most %(left)s more.")
            % {"logged": number_in_locale(logged, None), "date": day.isoformat(),
               "left": number_in_locale(HOURS_A_DAY_MAX - logged, None)}
        ]})
    entry = TimeEntry.objects.create(task=task, user=actor, hours=hours, date=day, description=description.strip())
    # F(): entries on one task from several people at once all count.
    Task.objects.filter(pk=task.pk).update(actual_hours=F("actual_hours") + hours)
    task.refresh_from_db(fields=["actual_hours"])
    event_record(name=events.TIME_ENTRY_CREATED, payload=events.time_entry_json(entry), actor=actor)
    return entry


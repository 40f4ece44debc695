"""Projects' workspace pages (HTMX): the projects list, a project's Kanban board of tasks, a task
with its time entries, and the Gantt chart. access → form → service → render, as every module's.

Every write goes through the service the API calls (a card dropped on the board is the API's
PATCH of `status` and `position`; a bar dragged on the Gantt chart, of `start_date` and
`due_date`); every record through access.py, so another workspace's id is simply not found.
"""

import html
from functools import cache

from django.contrib import messages
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from modules.core.access import may_change, may_delete
from modules.core.l10n import local_format
from modules.core.money import number_in_locale
from modules.tenancy.selectors import tenant_currency
from modules.workspace import pages

from . import access, selectors, services
from .filters import ProjectFilter
from .forms import BoardMoveForm, ProjectForm, TaskDatesForm, TaskForm, TimeEntryForm
from .models import ProjectStatus, TaskPriority, TaskStatus
from .tables import PRIORITY_BADGES, ProjectTable, progress_bar, status_badge

PROJECT_FILTERS = ("search", "status")


# --- Projects ----------------------------------------------------------------------------------


def projects(request):
    filterset = pages.filterset(ProjectFilter, request, selectors.project_list(), multi=("status",))
    table = ProjectTable(
        filterset.qs,
        empty_text=_("No projects match these filters.") if pages.is_filtered(request, PROJECT_FILTERS) else _(
            "No projects yet. Start one for a customer, then plan its tasks on the board."
        ),
    )
    pages.paginate(request, table)
    context = {
        "table": table,
        "filter_errors": filterset.errors,
        "statuses": ProjectStatus.choices,
        "picked_statuses": pages.picked(request, "status"),
    }
    template = "projects/projects.html#results" if pages.partial(request) else "projects/projects.html"
    return render(request, template, context, status=pages.status(filterset.form))


def project_new(request):
    if request.method == "POST":
        form = ProjectForm(request.POST, actor=request.user)
        created = pages.created(request, form, services.project_create, "projects:project")
        if created is not None:
            return created
    else:
        initial = {"start_date": timezone.localdate(), "currency": tenant_currency(connection.tenant)}
        form = ProjectForm(initial=initial, actor=request.user)
    template = "projects/project_new.html#project-form" if request.htmx else "projects/project_new.html"
    return render(request, template, {"form": form}, status=pages.status(form))


def project(request, pk: int):
    return _project_page(request, access.access_project(request.user, pk))


def _project_page(request, project, *, edit_form=None, task_form=None, delete_error: str = "",
                  fragment: str | None = None) -> HttpResponse:
    """The project's facts and its board: every task in its status's column."""
    columns = selectors.board(project)
    total = sum(column.count for column in columns)
    done = next(column.count for column in columns if column.status == TaskStatus.DONE)
    context = {
        "project": project,
        "status_badge": status_badge(project),
        "progress": progress_bar(selectors.progress(total, done)),
        "columns": [{**_column_head(column), "cards": _cards_html(column.cards), "shown": len(column.cards),
                     "ask": ""} for column in columns],
        "edit_form": edit_form or ProjectForm(initial=ProjectForm.initial_from(project), actor=request.user),
        "task_form": task_form or TaskForm(project=project, actor=request.user,
                                           initial={"assigned_to": request.user.pk}),
        "can_change": may_change(request.user, project),
        "can_delete": may_delete(request.user, project),
        "delete_error": delete_error,
    }
    template = f"projects/project_detail.html#{fragment}" if fragment else "projects/project_detail.html"
    status = 422 if delete_error else pages.status(edit_form, task_form)
    return render(request, template, context, status=status)


@require_POST
def project_edit(request, pk: int):
    return pages.record_change(
        request, pk, access_record=access.access_project,
        make_form=lambda project: ProjectForm(
            request.POST, initial=ProjectForm.initial_from(project), actor=request.user
        ),
        update=lambda project, changes: services.project_update(actor=request.user, project=project, changes=changes),
        saved=_("The project was saved."), url_name="projects:project", page=_project_page, panel="project-panel",
    )


@require_POST
def project_delete(request, pk: int):
    with transaction.atomic():
        project = access.access_project(request.user, pk, for_delete=True)
        services.project_delete(actor=request.user, project=project)
    messages.success(request, _("The project %(name)s was deleted.") % {"name": project.name})
    return pages.redirect_to(request, reverse("projects:home"))


# --- The board ---------------------------------------------------------------------------------
# 500 cards must render in well under 150 ms: the view turns each task into plain strings once and
# writes the cards' markup itself, as the CRM's pipeline does (the template engine costs ~40 µs a card).

CARD_HTML = (
    '<li class="board-card" data-card="{id}"><a href="{url}">{title}</a>'
    '<small><span class="badge {priority_class}">{priority}</span> {assignee}</small>'
    '<span class="board-card-foot"><strong>{hours}</strong>{due}</span>{menu}</li>'
)


def _column_head(column: selectors.BoardColumn) -> dict:
    hours = number_in_locale(column.hours.normalize(), None) if column.hours else ""
    return {
        "key": column.status.value,
        "label": column.status.label,
        "count": column.count,
        "totals": [_("%(hours)s h estimated") % {"hours": hours}] if hours else [],
    }


def _cards_html(cards: list) -> str:
    url_prefix = reverse("projects:task", args=[0]).removesuffix("0/")
    date_format = local_format("SHORT_DATE_FORMAT")
    day_text = cache(lambda day: formats.date_format(day, date_format))
    hours_text = cache(lambda hours: _("%(hours)s h") % {"hours": number_in_locale(hours.normalize(), None)})
    priorities = {value: (html.escape(str(label)), PRIORITY_BADGES[value]) for value, label in TaskPriority.choices}
    menu = pages.board_card_menu(_("Move this task"))
    rows = []
    for task_id, title, _status, priority, due, estimated, assignee in cards:
        priority_label, priority_class = priorities[priority]
        rows.append(CARD_HTML.format(
            id=task_id, url=f"{url_prefix}{task_id}/", title=html.escape(title), priority=priority_label,
            priority_class=priority_class, assignee=html.escape(assignee or ""),
            hours=hours_text(estimated) if estimated else "",
            due=f"<time>{html.escape(day_text(due))}</time>" if due else "", menu=menu,
        ))
    return mark_safe("".join(rows))  # noqa: S308 -- every value above is escaped


def _board_answer(request, pk: int, *, status: int = 200, error: str = "") -> HttpResponse:
    """What a move changes on the board of task `pk`'s project: every column's count and hours."""
    project = access.access_task(request.user, pk).project
    heads = [_column_head(column) for column in selectors.board_heads(project).values()]
    return pages.board_heads(request, heads, status=status, error=error)


board_action = pages.board_refusals(_board_answer)


@require_POST
@board_action
def task_move(request, pk: int):
    """A card dropped on the board; the API's PATCH of `status` and `position` runs the same service."""
    with transaction.atomic():
        task = access.access_task(request.user, pk, for_write=True)
        form = BoardMoveForm(request.POST)
        if not form.is_valid():
            return _board_answer(request, pk, status=422, error=_("This move could not be saved."))
        services.task_move(actor=request.user, task=task, **form.cleaned_data)
    return _board_answer(request, pk)


@require_POST
def task_new(request, pk: int):
    with transaction.atomic():
        project = access.access_project(request.user, pk, for_write=True)
        form = TaskForm(request.POST, project=project, actor=request.user)
        if form.is_valid():
            try:
                services.task_create(actor=request.user, project=project, **form.cleaned_data)
            except pages.SERVICE_ERRORS as error:
                form.add_service_error(error)
                transaction.set_rollback(True)
            else:
                messages.success(request, _("The task was added."))
                return pages.redirect_to(request, reverse("projects:project", args=[pk]))
    project = access.access_project(request.user, pk)
    return _project_page(request, project, task_form=form, fragment="task-form" if request.htmx else None)


# --- A task ------------------------------------------------------------------------------------


def task(request, pk: int):
    return _task_page(request, access.access_task(request.user, pk))


def _task_page(request, task, *, edit_form=None, time_form=None, delete_error: str = "",
               fragment: str | None = None) -> HttpResponse:
    context = {
        "task": task,
        "project": task.project,
        "priority_badge": PRIORITY_BADGES[task.priority],
        "dependencies": task.dependencies.order_by("title", "id"),
        "dependents": task.dependents.order_by("title", "id"),
        "entries": selectors.time_entry_list(task=task),
        "edit_form": edit_form or TaskForm(initial=TaskForm.initial_of(task), project=task.project, task=task,
                                           actor=request.user),
        "time_form": time_form or TimeEntryForm(initial={"day": timezone.localdate()}),
        "can_change": may_change(request.user, task),
        "can_delete": may_delete(request.user, task),
        "delete_error": delete_error,
    }
    template = f"projects/task_detail.html#{fragment}" if fragment else "projects/task_detail.html"
    status = 422 if delete_error else pages.status(edit_form, time_form)
    return render(request, template, context, status=status)


@require_POST
def task_edit(request, pk: int):
    return pages.record_change(
        request, pk, access_record=access.access_task,
        make_form=lambda task: TaskForm(
            request.POST, initial=TaskForm.initial_of(task), project=task.project, task=task, actor=request.user
        ),
        update=lambda task, changes: services.task_update(actor=request.user, task=task, changes=changes),
        saved=_("The task was saved."), url_name="projects:task", page=_task_page, panel="task-panel",
    )


@require_POST
def task_delete(request, pk: int):
    with transaction.atomic():
        task = access.access_task(request.user, pk, for_delete=True)
        services.task_delete(actor=request.user, task=task)
    messages.success(request, _("The task %(title)s was deleted.") % {"title": task.title})
    return pages.redirect_to(request, reverse("projects:project", args=[task.project_id]))


@require_POST
def time_entry_new(request, pk: int):
    """Hours the signed-in person worked on the task; refused past 24 a day."""
    form = TimeEntryForm(request.POST)
    with transaction.atomic():
        task = access.access_task(request.user, pk)
        if form.is_valid():
            try:
                services.time_entry_create(actor=request.user, task=task, **form.cleaned_data)
            except pages.SERVICE_ERRORS as error:
                form.add_service_error(error)
                transaction.set_rollback(True)
            else:
                messages.success(request, _("The hours were logged."))
                return pages.redirect_to(request, reverse("projects:task", args=[pk]))
    task = access.access_task(request.user, pk)
    return _task_page(request, task, time_form=form, fragment="time-form" if request.htmx else None)


# --- The Gantt chart ---------------------------------------------------------------------------


def gantt(request, pk: int):
    project = access.access_project(request.user, pk)
    return render(request, "projects/gantt.html", {"project": project})


def gantt_data(request, pk: int):
    """The chart's bars: the API's `{id}/gantt/` answer, read by static/js/gantt.js."""
    return JsonResponse({"tasks": selectors.gantt(access.access_project(request.user, pk))})


@require_POST
def task_dates(request, pk: int):
    """A bar dragged or stretched on the chart: the task's new start and due date."""
    form = TaskDatesForm(request.POST)
    with transaction.atomic():
        task = access.access_task(request.user, pk, for_write=True)
        if form.is_valid():
            try:
                services.task_update(actor=request.user, task=task, changes=form.cleaned_data)
            except pages.SERVICE_ERRORS as error:
                transaction.set_rollback(True)
                return JsonResponse({"error": " ".join(_messages_of(error))}, status=422)
            return JsonResponse({"saved": True})
    return JsonResponse({"error": _("These dates could not be saved.")}, status=422)


def _messages_of(error) -> list[str]:
    return [error.message] if hasattr(error, "field") else list(error.messages)


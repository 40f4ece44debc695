"""Who may see or change which projects record: core/access.py's rule (its table), one function a
record. A project has no assignee: every member changes it, its creator or a manager deletes it.
A task follows the rule by its `assigned_to`.

A task about to change locks its project first: a move renumbers the other tasks of its column
(core/board.py), and dependencies are checked against the whole project, so two writes in one
project take turns, in one order (project, then task), instead of deadlocking.
"""

from django.http import Http404

from modules.core.access import record_access

from .models import Project, Task


def access_project(actor, project_id, *, for_write: bool = False, for_delete: bool = False) -> Project:
    queryset = Project.objects.select_related("customer")
    return record_access(actor, queryset, project_id, for_write=for_write, for_delete=for_delete)


def access_task(actor, task_id, *, for_write: bool = False, for_delete: bool = False) -> Task:
    if for_write or for_delete:
        project_id = Task.objects.filter(pk=_id(task_id)).values_list("project_id", flat=True).first()
        if project_id is None:
            raise Http404
        list(Project.objects.select_for_update().filter(pk=project_id).values_list("pk", flat=True))
    queryset = Task.objects.select_related("project", "assigned_to")
    return record_access(actor, queryset, task_id, for_write=for_write, for_delete=for_delete)


def _id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None

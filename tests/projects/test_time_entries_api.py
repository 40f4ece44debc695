"""/api/v1/projects/tasks/{id}/time-entries/: hours logged on a task, at most 24 a day per
person, and the task's actual hours following them."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.events.models import AuditEntry, Event
from modules.projects import services
from modules.projects.models import Project, Task, TimeEntry
from modules.tenancy.scope import tenant_scope
from tests.conftest import on_own_connection

URL = "/api/v1/projects/"


def test_it_logs_hours_and_the_task_follows(admin_api, team_a, projects_a):
    task = projects_a.task(projects_a.project())

    response = admin_api.post(f"{URL}tasks/{task.pk}/time-entries/", {
        "hours": 3.5, "description": "Created wireframes", "date": "2025-11-13",
    })

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["hours"], body["description"], body["date"], body["task_id"]) == (
        3.5, "Created wireframes", "2025-11-13", task.pk,
    )
    assert body["user"]["id"] == team_a.admin.pk
    admin_api.post(f"{URL}tasks/{task.pk}/time-entries/", {"hours": 2, "date": "2025-11-14"})
    assert admin_api.get(f"{URL}tasks/{task.pk}/").json()["actual_hours"] == 5.5
    assert [event.payload["hours"] for event in projects_a.events("time_entry.created")] == [3.5, 2]


def test_it_lists_entries_per_task_and_per_project(admin_api, projects_a):
    project = projects_a.project()
    first, second = projects_a.task(project), projects_a.task(project)
    projects_a.hours(first, "1.25", day=date(2025, 11, 17))
    projects_a.hours(second, "2", day=date(2025, 11, 18))
    projects_a.hours(projects_a.task(projects_a.project(name="Other")), "4")

    per_task = admin_api.get(f"{URL}tasks/{first.pk}/time-entries/").json()
    per_project = admin_api.get(f"{URL}{project.pk}/time-entries/").json()

    assert [entry["hours"] for entry in per_task["results"]] == [1.25]
    assert [(entry["task_id"], entry["date"]) for entry in per_project["results"]] == [
        (second.pk, "2025-11-18"), (first.pk, "2025-11-17"),
    ]


@pytest.mark.parametrize("hours", [0, -1, 24.5, 1.255])
def test_it_refuses_hours_out_of_a_day(admin_api, projects_a, hours):
    task = projects_a.task(projects_a.project())

    response = admin_api.post(f"{URL}tasks/{task.pk}/time-entries/", {"hours": hours})

    assert response.status_code == 400
    assert list(response.json()) == ["hours"]
    assert projects_a.run(lambda: TimeEntry.objects.count()) == 0


def test_a_person_logs_at_most_24_hours_a_day_across_projects(admin_api, team_a, projects_a):
    task = projects_a.task(projects_a.project())
    elsewhere = projects_a.task(projects_a.project(name="Other"))
    projects_a.hours(elsewhere, "20", day=date(2025, 11, 17))
    projects_a.hours(task, "3", day=date(2025, 11, 17), actor=team_a.manager)  # someone else's day

    refused = admin_api.post(f"{URL}tasks/{task.pk}/time-entries/", {"hours": 4.5, "date": "2025-11-17"})
    accepted = admin_api.post(f"{URL}tasks/{task.pk}/time-entries/", {"hours": 4, "date": "2025-11-17"})
    next_day = admin_api.post(f"{URL}tasks/{task.pk}/time-entries/", {"hours": 8, "date": "2025-11-18"})

    assert refused.status_code == 400
    assert refused.json() == {"hours": [
        "A day has 24 hours: 20 are already logged on 2025-11-17, so at most 4 more."
    ]}
    assert (accepted.status_code, next_day.status_code) == (201, 201)
    assert admin_api.get(f"{URL}tasks/{task.pk}/").json()["actual_hours"] == 15


@pytest.mark.parametrize(("language", "message"), [
    ("pt-BR", "Um dia tem 24 horas: 20 já estão registradas em 2025-11-17, então no máximo 4 a mais."),
    ("es", "Un día tiene 24 horas: ya hay 20 registradas el 2025-11-17, así que como máximo 4 más."),
])
def test_the_daily_limit_is_told_in_the_readers_language(api, team_a, projects_a, language, message):
    task = projects_a.task(projects_a.project())
    projects_a.hours(task, "20", day=date(2025, 11, 17))

    response = api(host=team_a.host, user=team_a.admin, language=language).post(
        f"{URL}tasks/{task.pk}/time-entries/", {"hours": 5, "date": "2025-11-17"}
    )

    assert response.json() == {"hours": [message]}


def test_entries_logged_at_once_never_pass_24_hours(team_a):
    """Ten 3-hour entries for one person's day, sent together, each committing on its own
    connection: eight fit, two are refused, and the task counts exactly the hours kept."""
    started = timezone.now()

    def in_alpha(work):
        def run():
            with tenant_context(team_a.tenant), tenant_scope(team_a.tenant):
                return work()

        return on_own_connection(run)

    project = in_alpha(lambda: services.project_create(
        actor=team_a.admin, name="Concurrent", start_date=date(2025, 11, 1)
    ))
    task = in_alpha(lambda: services.task_create(actor=team_a.admin, project=project, title="Busy day"))

    def log(_):
        def work():
            with tenant_context(team_a.tenant), tenant_scope(team_a.tenant):
                services.time_entry_create(actor=team_a.admin, task=task, hours=Decimal(3), day=date(2025, 11, 3))

        try:
            work()
            return "kept"
        except ValidationError as refusal:
            return list(refusal.message_dict)[0]
        finally:
            connection.close()

    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            outcomes = list(pool.map(log, range(10)))
        assert sorted(outcomes) == ["hours"] * 2 + ["kept"] * 8
        assert in_alpha(lambda: TimeEntry.objects.filter(task=task).count()) == 8
        assert in_alpha(lambda: Task.objects.get(pk=task.pk).actual_hours) == Decimal("24.00")
    finally:
        def clean():
            Project.objects.filter(pk=project.pk).delete()
            Event.objects.filter(occurred_at__gte=started).delete()
            AuditEntry.objects.filter(occurred_at__gte=started).delete()

        in_alpha(clean)

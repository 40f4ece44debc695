"""The projects pages: the list, the new-project form, a project's board with its moves, a task
with its time entries, and the Gantt chart with its dates, each through the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings

from modules.projects.models import Project, Task, TimeEntry


@pytest.fixture
def member(client, team_a):
    client.force_login(team_a.admin)
    client.defaults["HTTP_HOST"] = team_a.host
    return client


def test_the_list_shows_each_project_with_its_progress(member, projects_a):
    project = projects_a.project(name="Implantação do ERP", budget="50000.00")
    projects_a.task(project, status="done")
    projects_a.task(project)

    page = member.get("/projects/").content.decode()

    assert f'href="/projects/{project.pk}/"' in page
    assert "Implantação do ERP" in page
    assert "$50,000.00" in page
    assert '<progress value="50" max="100"' in page
    found = member.get("/projects/?search=implantacao", HTTP_HX_REQUEST="true").content.decode()
    assert "Implantação do ERP" in found


def test_a_new_project_reads_the_budget_in_the_readers_language(member, projects_a):
    member.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"

    response = member.post("/projects/new/", {
        "name": "Loja virtual", "status": "planning", "start_date": "2025-11-15", "budget": "12.500,50",
        "currency": "BRL",
    })

    project = projects_a.run(lambda: Project.objects.get(name="Loja virtual"))
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/"
    assert (project.budget, project.currency) == (Decimal("12500.50"), "BRL")


def test_a_refused_project_comes_back_with_the_reason(member, projects_a):
    response = member.post("/projects/new/", {
        "name": "Backwards", "status": "planning", "start_date": "2025-11-15", "end_date": "2025-11-01",
        "currency": "USD",
    })

    assert response.status_code == 422
    assert "The end date cannot be before the start date." in response.content.decode()
    assert projects_a.run(lambda: Project.objects.count()) == 0


def test_the_board_shows_each_task_in_its_column(member, projects_a):
    project = projects_a.project()
    projects_a.task(project, title="Wireframes <b>", estimated_hours="4")
    projects_a.task(project, title="Launch", status="done")

    page = member.get(f"/projects/{project.pk}/").content.decode()

    todo = page[page.index('data-column="todo"'):page.index('data-column="in_progress"')]
    assert "Wireframes &lt;b&gt;" in todo and "4 h" in todo
    assert "Launch" in page[page.index('data-column="done"'):]
    assert 'data-move-url="/projects/tasks/0/move/"' in page
    assert 'data-column-field="status"' in page
    assert "/static/js/board.js" in page


def test_a_card_dropped_on_the_board_moves_through_the_service(member, projects_a):
    project = projects_a.project()
    first, second = projects_a.task(project, title="A"), projects_a.task(project, title="B")
    projects_a.task(project, title="C", status="review")

    response = member.post(f"/projects/tasks/{second.pk}/move/", {"status": "review", "position": 0})

    assert response.status_code == 200
    answer = response.content.decode()
    assert 'id="column-head-review"' in answer and '<span class="badge badge-muted" data-count>2</span>' in answer
    assert projects_a.column(project, "review") == [("B", 0), ("C", 1)]
    assert projects_a.column(project, "todo") == [("A", 0)]
    assert [event.changes["status"] for event in projects_a.events("task.updated")] == [
        {"old": "todo", "new": "review"}
    ]
    assert first.pk  # untouched


def test_a_refused_move_says_why_beside_the_board(client, team_a, projects_a):
    project = projects_a.project()
    theirs = projects_a.task(project, assigned_to=team_a.manager)
    client.force_login(team_a.user)

    response = client.post(f"/projects/tasks/{theirs.pk}/move/", {"status": "done", "position": 0},
                           HTTP_HOST=team_a.host)

    assert response.status_code == 403
    assert "data-board-error" in response.content.decode()
    assert projects_a.get(Task, theirs.pk).status == "todo"


def test_a_new_task_is_added_from_the_board(member, projects_a):
    project = projects_a.project()
    before = projects_a.task(project, title="Before")

    member.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"

    response = member.post(f"/projects/{project.pk}/tasks/new/", {
        "title": "After", "status": "todo", "priority": "high", "estimated_hours": "6,5",
    })

    assert response.status_code == 302
    task = projects_a.run(lambda: Task.objects.get(title="After"))
    assert (task.priority, task.position, task.estimated_hours) == ("high", 1, Decimal("6.50"))
    # Its dependencies are chosen on its own page, among the project's other tasks.
    page = member.get(f"/projects/tasks/{task.pk}/").content.decode()
    assert f'<option value="{before.pk}">Before</option>' in page


def test_the_task_page_logs_hours_typed_the_brazilian_way(member, projects_a):
    task = projects_a.task(projects_a.project(), title="Wireframes")
    member.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"

    response = member.post(f"/projects/tasks/{task.pk}/time/", {
        "hours": "1,5", "day": "2025-11-17", "description": "Esboços",
    })

    assert response.status_code == 302
    assert projects_a.get(Task, task.pk).actual_hours == Decimal("1.50")
    page = member.get(f"/projects/tasks/{task.pk}/").content.decode()
    assert "Esboços" in page and "Apontamentos de horas" in page
    assert 'name="hours"' in page and 'inputmode="decimal"' in page and 'type="number"' not in page


def test_the_task_page_refuses_a_day_past_24_hours(member, projects_a):
    task = projects_a.task(projects_a.project())
    projects_a.hours(task, "23", day=date(2025, 11, 17))

    response = member.post(f"/projects/tasks/{task.pk}/time/", {"hours": "2", "day": "2025-11-17"},
                           HTTP_HX_REQUEST="true")

    assert response.status_code == 422
    assert "A day has 24 hours: 23 are already logged on 2025-11-17, so at most 1 more." in response.content.decode()
    assert projects_a.run(lambda: TimeEntry.objects.count()) == 1


def test_the_task_page_refuses_a_dependency_cycle(member, projects_a):
    project = projects_a.project()
    first = projects_a.task(project, title="First")
    second = projects_a.task(project, title="Second", dependencies=[first.pk])

    response = member.post(f"/projects/tasks/{first.pk}/edit/", {
        "title": "First", "status": "todo", "priority": "medium", "dependencies": [second.pk],
    })

    assert response.status_code == 422
    assert "These dependencies would make a cycle" in response.content.decode()


def test_the_gantt_chart_loads_its_bars_and_saves_dragged_dates(member, projects_a):
    project = projects_a.project(start_date=date(2025, 11, 15))
    task = projects_a.task(project, title="Design", due_date=date(2025, 11, 20))

    page = member.get(f"/projects/{project.pk}/gantt/").content.decode()
    bars = member.get(f"/projects/{project.pk}/gantt/data/").json()
    saved = member.post(f"/projects/tasks/{task.pk}/dates/", {"start_date": "2025-11-18", "due_date": "2025-11-25"})
    refused = member.post(f"/projects/tasks/{task.pk}/dates/", {"start_date": "2025-11-26", "due_date": "2025-11-25"})

    assert "/static/vendor/frappe-gantt/frappe-gantt.umd.js" in page and "/static/js/gantt.js" in page
    assert bars == {"tasks": [{"id": task.pk, "title": "Design", "start": "2025-11-15", "end": "2025-11-20",
                               "progress": 0.0, "dependencies": [], "status": "todo"}]}
    assert saved.json() == {"saved": True}
    assert refused.status_code == 422
    assert refused.json() == {"error": "The due date cannot be before the start date."}
    stored = projects_a.get(Task, task.pk)
    assert (stored.start_date, stored.due_date) == (date(2025, 11, 18), date(2025, 11, 25))


def test_a_starter_workspace_sees_which_plan_has_projects(client, team_b):
    client.force_login(team_b.admin)

    response = client.get("/projects/", HTTP_HOST=team_b.host)

    assert response.status_code == 403
    assert "Upgrade to the Professional plan to use it." in response.content.decode()


def test_another_workspace_finds_none_of_our_pages(client, team_b, projects_a, projects_b):
    project = projects_a.project(name="Alpha secret")
    task = projects_a.task(project, title="Alpha secret task")
    client.force_login(team_b.admin)

    for path in (f"/projects/{project.pk}/", f"/projects/{project.pk}/gantt/", f"/projects/{project.pk}/gantt/data/",
                 f"/projects/tasks/{task.pk}/"):
        assert client.get(path, HTTP_HOST=team_b.host).status_code == 404, path
    for path in (f"/projects/tasks/{task.pk}/move/", f"/projects/tasks/{task.pk}/dates/",
                 f"/projects/tasks/{task.pk}/time/", f"/projects/{project.pk}/delete/"):
        assert client.post(path, {"status": "done", "position": 0}, HTTP_HOST=team_b.host).status_code == 404, path
    assert projects_a.get(Task, task.pk).status == "todo"

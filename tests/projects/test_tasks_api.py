"""/api/v1/projects/{id}/tasks/ and /api/v1/projects/tasks/{id}/: tasks, their Kanban order and
their dependencies."""

import pytest

from modules.projects.models import Task

URL = "/api/v1/projects/"


def test_it_creates_a_task_at_the_end_of_its_column(admin_api, team_a, projects_a):
    project = projects_a.project()
    projects_a.task(project, title="First")

    response = admin_api.post(f"{URL}{project.pk}/tasks/", {
        "title": "Design homepage mockup", "status": "todo", "priority": "high",
        "assigned_to_id": team_a.user.pk, "due_date": "2025-11-20", "estimated_hours": 12.5,
    })

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["project"] == {"id": project.pk, "name": "Website redesign"}
    assert body["title"] == "Design homepage mockup"
    assert body["priority"] == "high"
    assert body["assigned_to"] == {"id": team_a.user.pk, "name": team_a.user.name, "email": team_a.user.email}
    assert body["due_date"] == "2025-11-20"
    assert body["estimated_hours"] == 12.5
    assert body["actual_hours"] == 0
    assert body["position"] == 1
    assert body["dependencies"] == []
    assert [event.payload["title"] for event in projects_a.events("task.created")] == [
        "First", "Design homepage mockup",
    ]


def test_it_lists_a_projects_tasks_in_board_order_and_filters_them(admin_api, projects_a):
    project = projects_a.project()
    other = projects_a.project(name="Other")
    projects_a.task(project, title="B", status="review")
    projects_a.task(project, title="A", status="todo")
    projects_a.task(other, title="Elsewhere")

    everything = admin_api.get(f"{URL}{project.pk}/tasks/").json()
    in_review = admin_api.get(f"{URL}{project.pk}/tasks/", {"status": "review"}).json()

    assert [task["title"] for task in everything["results"]] == ["B", "A"]  # review before todo: by status value
    assert everything["count"] == 2
    assert [task["title"] for task in in_review["results"]] == ["B"]


def test_it_reads_changes_and_deletes_a_task(admin_api, projects_a):
    project = projects_a.project()
    task = projects_a.task(project, title="Draft")
    follower = projects_a.task(project, title="After", dependencies=[task.pk])

    assert admin_api.get(f"{URL}tasks/{task.pk}/").json()["title"] == "Draft"
    changed = admin_api.patch(f"{URL}tasks/{task.pk}/", {"title": "Final", "priority": "urgent"})
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["priority"]) == ("Final", "urgent")
    assert projects_a.events("task.updated")[-1].changes == {
        "title": {"old": "Draft", "new": "Final"}, "priority": {"old": "medium", "new": "urgent"},
    }

    assert admin_api.delete(f"{URL}tasks/{task.pk}/").status_code == 204
    assert admin_api.get(f"{URL}tasks/{task.pk}/").status_code == 404
    # The task that waited for it no longer does, and moves up its column.
    after = admin_api.get(f"{URL}tasks/{follower.pk}/").json()
    assert (after["dependencies"], after["position"]) == ([], 0)


def test_marking_a_task_done_records_its_completion_once(admin_api, projects_a):
    task = projects_a.task(projects_a.project())

    admin_api.patch(f"{URL}tasks/{task.pk}/", {"status": "done"})
    admin_api.patch(f"{URL}tasks/{task.pk}/", {"status": "done"})

    completed = projects_a.events("task.completed")
    assert [event.payload["id"] for event in completed] == [task.pk]
    assert projects_a.get(Task, task.pk).completed_at is not None
    admin_api.patch(f"{URL}tasks/{task.pk}/", {"status": "review"})
    assert projects_a.get(Task, task.pk).completed_at is None


def test_a_due_date_before_the_start_is_refused(admin_api, projects_a):
    task = projects_a.task(projects_a.project())

    response = admin_api.patch(f"{URL}tasks/{task.pk}/", {"start_date": "2025-11-20", "due_date": "2025-11-19"})

    assert response.status_code == 400
    assert response.json() == {"due_date": ["The due date cannot be before the start date."]}
    assert projects_a.get(Task, task.pk).start_date is None


# --- The Kanban order --------------------------------------------------------------------------


def test_moving_a_card_renumbers_both_columns(admin_api, projects_a):
    project = projects_a.project()
    for title in ("A", "B", "C"):
        projects_a.task(project, title=title, status="todo")
    for title in ("X", "Y"):
        projects_a.task(project, title=title, status="in_progress")
    b = projects_a.run(lambda: Task.objects.get(project=project, title="B"))

    response = admin_api.patch(f"{URL}tasks/{b.pk}/", {"status": "in_progress", "position": 1})

    assert response.status_code == 200
    assert response.json()["position"] == 1
    assert projects_a.column(project, "in_progress") == [("X", 0), ("B", 1), ("Y", 2)]
    assert projects_a.column(project, "todo") == [("A", 0), ("C", 1)]


def test_moving_a_card_within_its_column(admin_api, projects_a):
    project = projects_a.project()
    tasks = [projects_a.task(project, title=title) for title in ("A", "B", "C", "D")]

    admin_api.patch(f"{URL}tasks/{tasks[3].pk}/", {"position": 0})
    assert projects_a.column(project, "todo") == [("D", 0), ("A", 1), ("B", 2), ("C", 3)]
    admin_api.patch(f"{URL}tasks/{tasks[3].pk}/", {"position": 2})
    assert projects_a.column(project, "todo") == [("A", 0), ("B", 1), ("D", 2), ("C", 3)]
    # Past the end is the end.
    admin_api.patch(f"{URL}tasks/{tasks[0].pk}/", {"position": 99})
    assert projects_a.column(project, "todo") == [("B", 0), ("D", 1), ("C", 2), ("A", 3)]


def test_a_move_leaves_other_projects_boards_alone(admin_api, projects_a):
    project, other = projects_a.project(), projects_a.project(name="Other")
    mine = [projects_a.task(project, title=title) for title in ("A", "B")]
    projects_a.task(other, title="P")
    projects_a.task(other, title="Q")

    admin_api.patch(f"{URL}tasks/{mine[1].pk}/", {"position": 0})

    assert projects_a.column(other, "todo") == [("P", 0), ("Q", 1)]


def test_a_new_task_can_be_put_at_the_top(admin_api, projects_a):
    project = projects_a.project()
    projects_a.task(project, title="A")

    admin_api.post(f"{URL}{project.pk}/tasks/", {"title": "Urgent one", "position": 0})

    assert projects_a.column(project, "todo") == [("Urgent one", 0), ("A", 1)]


# --- Dependencies ------------------------------------------------------------------------------


def test_it_sets_dependencies_within_the_project(admin_api, projects_a):
    project = projects_a.project()
    design, build = projects_a.task(project, title="Design"), projects_a.task(project, title="Build")

    response = admin_api.patch(f"{URL}tasks/{build.pk}/", {"dependencies": [design.pk]})

    assert response.status_code == 200
    assert response.json()["dependencies"] == [design.pk]


def test_a_cycle_is_refused(admin_api, projects_a):
    project = projects_a.project()
    a = projects_a.task(project, title="A")
    b = projects_a.task(project, title="B", dependencies=[a.pk])
    c = projects_a.task(project, title="C", dependencies=[b.pk])

    response = admin_api.patch(f"{URL}tasks/{a.pk}/", {"dependencies": [c.pk], "title": "A changed"})

    assert response.status_code == 400
    assert response.json() == {
        "dependencies": [f"These dependencies would make a cycle: #{a.pk} → #{c.pk} → #{b.pk} → #{a.pk}."]
    }
    assert admin_api.get(f"{URL}tasks/{a.pk}/").json()["dependencies"] == []
    assert projects_a.get(Task, a.pk).title == "A"  # nothing of the request was written


def test_a_task_cannot_depend_on_itself(admin_api, projects_a):
    task = projects_a.task(projects_a.project())

    response = admin_api.patch(f"{URL}tasks/{task.pk}/", {"dependencies": [task.pk]})

    assert response.status_code == 400
    assert response.json() == {"dependencies": ["A task cannot depend on itself."]}


def test_a_task_of_another_project_is_no_dependency(admin_api, projects_a):
    project, other = projects_a.project(), projects_a.project(name="Other")
    task, elsewhere = projects_a.task(project), projects_a.task(other)

    response = admin_api.patch(f"{URL}tasks/{task.pk}/", {"dependencies": [elsewhere.pk]})

    assert response.status_code == 400
    assert response.json() == {"dependencies": [f"Task {elsewhere.pk} is not a task of this project."]}


# --- Who may -----------------------------------------------------------------------------------


def test_a_user_cannot_move_a_task_assigned_to_someone_else(api, team_a, projects_a):
    project = projects_a.project()
    task = projects_a.task(project, assigned_to=team_a.manager)

    response = api(host=team_a.host, user=team_a.user).patch(f"{URL}tasks/{task.pk}/", {"status": "done"})

    assert response.status_code == 403
    assert projects_a.get(Task, task.pk).status == "todo"


def test_a_user_assigns_only_themselves(api, team_a, projects_a):
    project = projects_a.project()
    client = api(host=team_a.host, user=team_a.user)

    refused = client.post(f"{URL}{project.pk}/tasks/", {"title": "X", "assigned_to_id": team_a.manager.pk})
    taken = client.post(f"{URL}{project.pk}/tasks/", {"title": "Y", "assigned_to_id": team_a.user.pk})

    assert refused.status_code == 403
    assert taken.status_code == 201


def test_another_workspace_does_not_find_our_task(outsider_api, projects_a):
    task = projects_a.task(projects_a.project(), title="Alpha secret")

    for method in ("get", "patch", "delete"):
        body = {"title": "X"} if method == "patch" else None
        response = getattr(outsider_api, method)(f"{URL}tasks/{task.pk}/", body)
        assert response.status_code == 404, method
    assert outsider_api.get(f"{URL}tasks/{task.pk}/time-entries/").status_code == 404
    assert outsider_api.post(f"{URL}tasks/{task.pk}/time-entries/", {"hours": 1}).status_code == 404
    assert projects_a.get(Task, task.pk).title == "Alpha secret"
    assert outsider_api.get(f"{URL}tasks/").json()["count"] == 0


def test_an_assignee_of_another_workspace_is_refused(admin_api, team_b, projects_a):
    project = projects_a.project()

    response = admin_api.post(f"{URL}{project.pk}/tasks/", {"title": "X", "assigned_to_id": team_b.user.pk})

    assert response.status_code == 400
    assert list(response.json()) == ["assigned_to_id"]
    assert projects_a.column(project, "todo") == []


def test_a_dependency_of_another_workspace_is_refused(admin_api, projects_a, projects_b):
    theirs = projects_b.task(projects_b.project())
    project = projects_a.project()
    assert not projects_a.run(lambda: Task.objects.filter(pk=theirs.pk).exists())

    response = admin_api.post(f"{URL}{project.pk}/tasks/", {"title": "X", "dependencies": [theirs.pk]})

    assert response.status_code == 400
    assert response.json() == {"dependencies": [f"Task {theirs.pk} is not a task of this project."]}


@pytest.mark.parametrize(("language", "message"), [
    ("pt-BR", "Uma tarefa não pode depender de si mesma."),
    ("es", "Una tarea no puede depender de sí misma."),
])
def test_dependency_refusals_are_translated(api, team_a, projects_a, language, message):
    task = projects_a.task(projects_a.project())

    response = api(host=team_a.host, user=team_a.admin, language=language).patch(
        f"{URL}tasks/{task.pk}/", {"dependencies": [task.pk]}
    )

    assert response.json() == {"dependencies": [message]}


def test_lists_make_as_many_queries_for_many_tasks_as_for_few(admin_api, projects_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = projects_a.project()
    first = projects_a.task(project)

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_api.get(path).status_code == 200
        connection.set_schema_to_public()
        return len(captured)

    paths = [f"{URL}{project.pk}/tasks/", f"{URL}tasks/", URL, f"{URL}{project.pk}/", f"{URL}{project.pk}/gantt/"]
    for path in paths:
        admin_api.get(path)  # the workspace's and the user's snapshots, once
    few = [queries(path) for path in paths]
    for _ in range(8):
        projects_a.task(project, dependencies=[first.pk], assigned_to=projects_a.team.user)
        projects_a.project()
    assert [queries(path) for path in paths] == few

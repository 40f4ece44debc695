"""/api/v1/projects/: create, list, read, change and delete projects, their progress, the plan
gate and other workspaces."""

from datetime import date

import pytest

from modules.crm.models import Contact
from modules.projects.models import Project

URL = "/api/v1/projects/"


def test_it_creates_a_project_for_a_customer(admin_api, projects_a):
    customer = projects_a.crm.contact(name="Acme Ltda")

    response = admin_api.post(URL, {
        "name": "Website Redesign", "customer_id": customer.pk, "start_date": "2025-11-15", "budget": "50000.00",
    })

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Website Redesign"
    assert body["customer"] == {"id": customer.pk, "name": "Acme Ltda", "email": customer.email, "company": ""}
    assert body["start_date"] == "2025-11-15"
    assert body["end_date"] is None
    assert body["budget"] == "50000.00"
    assert body["currency"] == "USD"  # the company's
    assert body["budget_formatted"] == "$50,000.00"
    assert body["status"] == "planning"
    assert body["progress"] == 0
    assert body["tasks"] == []
    assert [event.payload["name"] for event in projects_a.events("project.created")] == ["Website Redesign"]


def test_it_lists_projects_with_their_progress(admin_api, projects_a):
    project = projects_a.project(name="Mobile app")
    for status in ("done", "done", "todo"):
        projects_a.task(project, status=status)
    projects_a.project(name="Empty one", start_date=date(2025, 1, 1))

    response = admin_api.get(URL)

    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["results"]}
    assert rows["Mobile app"]["progress"] == 66  # 2 of 3 tasks done, rounded down
    assert rows["Empty one"]["progress"] == 0
    assert "tasks" not in rows["Mobile app"]
    assert response.json()["count"] == 2


def test_progress_is_100_only_once_every_task_is_done(admin_api, projects_a):
    project = projects_a.project()
    projects_a.task(project, status="done")
    last = projects_a.task(project, status="review")

    assert admin_api.get(f"{URL}{project.pk}/").json()["progress"] == 50
    admin_api.patch(f"{URL}tasks/{last.pk}/", {"status": "done"})
    assert admin_api.get(f"{URL}{project.pk}/").json()["progress"] == 100


def test_it_filters_by_status_and_finds_a_name_typed_without_accents(admin_api, projects_a):
    projects_a.project(name="Implantação do ERP", status="in_progress")
    projects_a.project(name="Migração", status="on_hold")

    found = admin_api.get(URL, {"search": "implantacao"}).json()["results"]
    assert [row["name"] for row in found] == ["Implantação do ERP"]
    found = admin_api.get(URL, {"status": "on_hold,cancelled"}).json()["results"]
    assert [row["name"] for row in found] == ["Migração"]


def test_it_shows_a_project_with_its_tasks_in_board_order(admin_api, projects_a):
    project = projects_a.project()
    first = projects_a.task(project, title="Wireframes")
    second = projects_a.task(project, title="Mockups", dependencies=[first.pk])

    body = admin_api.get(f"{URL}{project.pk}/").json()

    assert [(task["id"], task["title"], task["position"], task["dependencies"]) for task in body["tasks"]] == [
        (first.pk, "Wireframes", 0, []), (second.pk, "Mockups", 1, [first.pk]),
    ]


def test_it_refuses_an_end_before_the_start_and_writes_nothing(admin_api, projects_a):
    response = admin_api.post(URL, {"name": "Backwards", "start_date": "2025-11-15", "end_date": "2025-11-14"})

    assert response.status_code == 400
    assert response.json() == {"end_date": ["The end date cannot be before the start date."]}
    assert projects_a.run(lambda: Project.objects.count()) == 0


def test_it_refuses_a_negative_budget(admin_api):
    response = admin_api.post(URL, {"name": "X", "start_date": "2025-11-15", "budget": "-1.00"})

    assert response.status_code == 400
    assert list(response.json()) == ["budget"]


@pytest.mark.parametrize(("language", "message"), [
    ("pt-BR", "A data de término não pode ser anterior à data de início."),
    ("es", "La fecha de fin no puede ser anterior a la fecha de inicio."),
])
def test_it_refuses_in_the_readers_language(api, team_a, projects_a, language, message):
    project = projects_a.project()
    client = api(host=team_a.host, user=team_a.admin, language=language)

    response = client.patch(f"{URL}{project.pk}/", {"end_date": "2025-01-01"})

    assert response.status_code == 400
    assert response.json() == {"end_date": [message]}


def test_it_changes_a_project_and_completing_it_records_the_event(admin_api, projects_a):
    project = projects_a.project()

    response = admin_api.patch(f"{URL}{project.pk}/", {"status": "completed", "end_date": "2025-12-20"})

    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert response.json()["completed_at"] is not None
    updated = projects_a.events("project.updated")
    assert set(updated[0].changes) == {"status", "end_date", "completed_at"}
    assert len(projects_a.events("project.completed")) == 1
    # Completing it again changes nothing and says nothing more.
    admin_api.patch(f"{URL}{project.pk}/", {"status": "completed"})
    assert len(projects_a.events("project.completed")) == 1


def test_it_deletes_a_project_with_its_tasks(admin_api, projects_a):
    project = projects_a.project()
    projects_a.task(project)

    assert admin_api.delete(f"{URL}{project.pk}/").status_code == 204
    assert admin_api.get(f"{URL}{project.pk}/").status_code == 404
    assert [event.payload["id"] for event in projects_a.events("project.deleted")] == [project.pk]


def test_a_user_cannot_delete_a_project_they_did_not_create(api, team_a, projects_a):
    project = projects_a.project()

    response = api(host=team_a.host, user=team_a.user).delete(f"{URL}{project.pk}/")

    assert response.status_code == 403
    assert projects_a.get(Project, project.pk).name == "Website redesign"


def test_a_starter_workspace_is_told_which_plan_has_projects(api, team_b):
    response = api(host=team_b.host, user=team_b.admin).get(URL)

    assert response.status_code == 403
    assert "Professional" in response.json()["detail"]


def test_another_workspace_does_not_find_our_project(outsider_api, projects_a):
    project = projects_a.project(name="Alpha secret")

    for method, path in [("get", ""), ("patch", ""), ("delete", ""), ("get", "tasks/"), ("post", "tasks/"),
                         ("get", "gantt/"), ("get", "time-entries/")]:
        response = getattr(outsider_api, method)(f"{URL}{project.pk}/{path}", {"name": "Hijacked", "title": "X"}
                                                 if method in ("patch", "post") else None)
        assert response.status_code == 404, (method, path)
    assert projects_a.get(Project, project.pk).name == "Alpha secret"
    assert "Alpha secret" not in str(outsider_api.get(URL).json())


def test_a_customer_of_another_workspace_is_refused(admin_api, projects_a, projects_b):
    theirs = projects_b.crm.contact(name="Beta customer")
    assert not projects_a.run(lambda: Contact.objects.filter(pk=theirs.pk).exists())

    response = admin_api.post(URL, {"name": "X", "start_date": "2025-11-15", "customer_id": theirs.pk})

    assert response.status_code == 400
    assert list(response.json()) == ["customer_id"]


def test_a_contact_with_projects_cannot_be_deleted(admin_api, projects_a):
    customer = projects_a.crm.contact()
    projects_a.project(customer=customer)

    response = admin_api.delete(f"/api/v1/crm/contacts/{customer.pk}/")

    assert response.status_code == 400
    assert "customer of 1 project" in str(response.json())


def test_a_blank_budget_is_refused_and_null_clears_it(admin_api, projects_a):
    project = projects_a.project(budget="100.00")

    blank = admin_api.patch(f"{URL}{project.pk}/", {"budget": ""})
    cleared = admin_api.patch(f"{URL}{project.pk}/", {"budget": None})

    assert blank.status_code == 400 and list(blank.json()) == ["budget"]
    assert (cleared.status_code, cleared.json()["budget"]) == (200, None)

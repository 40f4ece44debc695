"""/api/v1/projects/{id}/gantt/: the tasks as Gantt bars."""

from datetime import date

URL = "/api/v1/projects/"


def test_it_draws_each_task_from_its_dates_or_the_projects(admin_api, projects_a):
    project = projects_a.project(start_date=date(2025, 11, 15))
    design = projects_a.task(project, title="Design", start_date=date(2025, 11, 15), due_date=date(2025, 11, 22),
                             estimated_hours="10")
    projects_a.hours(design, "6")
    build = projects_a.task(project, title="Build", estimated_hours="20", dependencies=[design.pk])
    launch = projects_a.task(project, title="Launch", start_date=date(2025, 12, 1), status="done",
                             dependencies=[build.pk, design.pk])
    idea = projects_a.task(project, title="Idea", due_date=date(2025, 11, 10))

    response = admin_api.get(f"{URL}{project.pk}/gantt/")

    assert response.status_code == 200
    assert {task["id"]: task for task in response.json()["tasks"]} == {
        design.pk: {"id": design.pk, "title": "Design", "start": "2025-11-15", "end": "2025-11-22",
                    "progress": 0.6, "dependencies": [], "status": "todo"},
        # No dates: the project's start, and 20 hours are three working days of 8.
        build.pk: {"id": build.pk, "title": "Build", "start": "2025-11-15", "end": "2025-11-17",
                   "progress": 0.0, "dependencies": [design.pk], "status": "todo"},
        launch.pk: {"id": launch.pk, "title": "Launch", "start": "2025-12-01", "end": "2025-12-01",
                    "progress": 1.0, "dependencies": sorted([build.pk, design.pk]), "status": "done"},
        # Due before the project starts: a one-day bar, never ending before it starts.
        idea.pk: {"id": idea.pk, "title": "Idea", "start": "2025-11-15", "end": "2025-11-15",
                  "progress": 0.0, "dependencies": [], "status": "todo"},
    }


def test_an_open_task_over_its_estimate_is_not_shown_complete(admin_api, projects_a):
    project = projects_a.project()
    task = projects_a.task(project, estimated_hours="2")
    projects_a.hours(task, "5")

    [bar] = admin_api.get(f"{URL}{project.pk}/gantt/").json()["tasks"]

    assert bar["progress"] == 0.99


def test_a_project_without_tasks_has_no_bars(admin_api, projects_a):
    project = projects_a.project()

    assert admin_api.get(f"{URL}{project.pk}/gantt/").json() == {"tasks": []}

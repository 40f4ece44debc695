"""A real Chromium drags tasks on a project's Kanban board, to another column and within one, and
the moves are still there after a reload; on the Gantt chart, dragging a bar moves the task's dates;
axe finds nothing serious or critical on the projects pages, wide and narrow.

The server (tests/e2e/conftest.py) commits what the browser does, so what this module makes is
committed too, and removed when it ends.
"""

import json
import uuid
from datetime import date

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.events.models import AuditEntry, Event
from modules.projects import services
from modules.projects.models import Project, Task
from modules.tenancy.scope import tenant_scope
from tests.e2e.axe import axe_violations_of_pages
from tests.e2e.conftest import (
    chromium,
    server,  # noqa: F401  (the server process, a module fixture)
    sign_in,
    user_who_signs_in,
)
from tests.e2e.test_pipeline_browser import drag

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def board(django_db_setup, django_db_blocker):
    """Alpha's workspace with a teammate who signs in, and a project of three tasks to do."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = user_who_signs_in(f"pedro.{tag}@alpha.example.com", name="Pedro Projects", tenant=team.tenant,
                                 role=Role.USER)
        with tenant_context(team.tenant), tenant_scope(team.tenant), transaction.atomic():
            project = services.project_create(actor=user, name=f"Board {tag}", start_date=date(2025, 11, 3))
            tasks = [
                services.task_create(actor=user, project=project, title=f"{title} {tag}",
                                     due_date=date(2025, 11, 7))
                for title in ("Wireframes", "Mockups", "Copy")
            ]
        connection.set_schema_to_public()
    yield {"host": team.host, "tenant": team.tenant, "user": user, "project": project, "tasks": tasks}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            ids = [task.pk for task in tasks]
            Event.objects.filter(aggregate_type="task", aggregate_id__in=ids).delete()
            Event.objects.filter(aggregate_type="project", aggregate_id=project.pk).delete()
            AuditEntry.objects.filter(aggregate_type__in=["task", "project"],
                                      aggregate_id__in=[*ids, project.pk]).delete()
            Project.objects.filter(pk=project.pk).delete()
        connection.set_schema_to_public()
        user.delete()


def stored(board) -> dict[int, tuple[str, int]]:
    with tenant_context(board["tenant"]):
        rows = dict(
            (pk, (status, position))
            for pk, status, position in Task.objects.filter(project=board["project"]).values_list(
                "pk", "status", "position"
            )
        )
    connection.set_schema_to_public()
    return rows


@pytest.mark.django_db
def test_a_task_dragged_to_another_column_stays_there_after_a_reload(server, board):  # noqa: F811
    from playwright.sync_api import expect

    wireframes, mockups, copy = board["tasks"]
    base = f"http://{board['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1400})  # the whole board in sight
        sign_in(page, base, board["user"])
        page.goto(f"{base}/projects/")
        page.get_by_role("link", name=board["project"].name).click()
        page.wait_for_url(f"{base}/projects/{board['project'].pk}/")

        in_progress = page.locator('ol.board-cards[data-column="in_progress"]')
        card = page.locator(f'.board-card[data-card="{mockups.pk}"]')
        with page.expect_response(lambda response: response.url.endswith(f"/tasks/{mockups.pk}/move/")) as moved:
            drag(page, card, in_progress)
        assert moved.value.status == 200
        expect(page.locator("#column-head-in_progress [data-count]")).to_have_text("1")
        expect(page.locator("#column-head-todo [data-count]")).to_have_text("2")

        page.reload()
        expect(in_progress.locator(f'.board-card[data-card="{mockups.pk}"]')).to_be_visible()
        todo = page.locator('ol.board-cards[data-column="todo"]')
        expect(todo.locator(".board-card")).to_have_count(2)

        # Within a column: Copy dropped above Wireframes.
        copy_card = page.locator(f'.board-card[data-card="{copy.pk}"]')
        first = todo.locator(".board-card").first
        with page.expect_response(lambda response: response.url.endswith(f"/tasks/{copy.pk}/move/")):
            copy_card.locator("small").element_handle().wait_for_element_state("stable")
            start = copy_card.locator("small").bounding_box()
            end = first.bounding_box()
            page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
            page.mouse.down()
            page.mouse.move(start["x"] + start["width"] / 2, start["y"] - 10, steps=5)
            page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 2, steps=20)
            page.mouse.up()
        page.reload()
        expect(todo.locator(".board-card").first).to_have_attribute("data-card", str(copy.pk))

    assert stored(board) == {
        wireframes.pk: ("todo", 1), copy.pk: ("todo", 0), mockups.pk: ("in_progress", 0),
    }


@pytest.mark.django_db
def test_a_bar_dragged_on_the_gantt_chart_moves_the_tasks_dates(server, board):  # noqa: F811
    from playwright.sync_api import expect

    wireframes = board["tasks"][0]
    base = f"http://{board['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1400})  # the whole board in sight
        sign_in(page, base, board["user"])
        page.goto(f"{base}/projects/{board['project'].pk}/gantt/")
        bar = page.locator(f'.bar-wrapper[data-id="{wireframes.pk}"] .bar')
        expect(bar).to_be_visible()
        box = bar.bounding_box()
        width_a_day = box["width"] / 5  # Nov 3 to Nov 7
        with page.expect_response(lambda response: response.url.endswith(f"/tasks/{wireframes.pk}/dates/")) as saved:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.down()
            page.mouse.move(box["x"] + box["width"] / 2 + width_a_day * 2, box["y"] + box["height"] / 2, steps=10)
            page.mouse.up()
        assert saved.value.status == 200

    with tenant_context(board["tenant"]):
        task = Task.objects.get(pk=wireframes.pk)
    connection.set_schema_to_public()
    assert (task.start_date, task.due_date) == (date(2025, 11, 5), date(2025, 11, 9))


@pytest.mark.django_db
def test_no_projects_page_has_a_serious_or_critical_accessibility_violation(server, board):  # noqa: F811
    base = f"http://{board['host']}:{server}"
    project, task = board["project"].pk, board["tasks"][0].pk
    pages = {
        "list": "/projects/", "new project": "/projects/new/", "board": f"/projects/{project}/",
        "gantt": f"/projects/{project}/gantt/", "task": f"/projects/tasks/{task}/",
    }
    found = axe_violations_of_pages(base, board["user"], pages)

    assert found == {}, json.dumps(found, indent=2)

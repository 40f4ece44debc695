"""Projects fixtures: records made through the services, inside a team's schema."""

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from modules.events.models import Event
from modules.projects import services
from modules.projects.models import Project, Task
from modules.tenancy.models import Tenant
from modules.tenancy.scope import tenant_scope
from tests.crm.conftest import Crm


class Projects:
    """Make projects records in one team's workspace, as its admin (or `actor`), the way the API
    would, in the team's scope (schema, time zone, country)."""

    def __init__(self, team):
        self.team = team
        self.crm = Crm(team)

    def run(self, work):
        with tenant_context(self.team.tenant), tenant_scope(self.team.tenant):
            return work()

    def project(self, **fields):
        fields = {"name": "Website redesign", "start_date": date(2025, 11, 15), **fields}
        if isinstance(fields.get("budget"), str):
            fields["budget"] = Decimal(fields["budget"])
        return self.run(lambda: services.project_create(actor=self.team.admin, **fields))

    def task(self, project: Project, **fields):
        fields = {"title": f"Task {Projects._next()}", **fields}
        if isinstance(fields.get("estimated_hours"), str):
            fields["estimated_hours"] = Decimal(fields["estimated_hours"])
        actor = fields.pop("actor", self.team.admin)

        def work():
            locked = Project.objects.select_for_update().get(pk=project.pk)
            return services.task_create(actor=actor, project=locked, **fields)

        return self.run(work)

    def hours(self, task: Task, hours: str, *, day: date = date(2025, 11, 17), actor=None):
        return self.run(lambda: services.time_entry_create(
            actor=actor or self.team.admin, task=task, hours=Decimal(hours), day=day,
        ))

    def column(self, project: Project, status: str) -> list[tuple[str, int]]:
        """A board column as the database holds it: (title, position) in board order."""
        return self.run(lambda: list(
            Task.objects.filter(project=project, status=status).order_by("position", "-updated_at", "-id")
            .values_list("title", "position")
        ))

    def get(self, model, pk: int):
        return self.run(lambda: model.objects.get(pk=pk))

    def events(self, name: str | None = None) -> list[Event]:
        with tenant_context(self.team.tenant):
            events = Event.objects.order_by("id")
            return list(events.filter(name=name) if name else events)

    _counter = 0

    @classmethod
    def _next(cls) -> int:
        cls._counter += 1
        return cls._counter


def on_plan(team, plan: str) -> None:
    Tenant.objects.filter(pk=team.tenant.pk).update(plan=plan)


@pytest.fixture
def projects_a(team_a) -> Projects:
    return Projects(team_a)


@pytest.fixture
def projects_b(team_b) -> Projects:
    """Beta's workspace, moved to the Professional plan: an outsider who has the module too."""
    on_plan(team_b, "professional")
    return Projects(team_b)


@pytest.fixture
def admin_api(api, team_a):
    return api(host=team_a.host, user=team_a.admin)


@pytest.fixture
def outsider_api(api, team_b, projects_b):
    return api(host=team_b.host, user=team_b.admin)

"""CRM fixtures: records made through the services, inside a team's schema."""

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from modules.crm import services
from modules.events.models import Event


class Crm:
    """Make CRM records in one team's workspace, as its admin, the way the API would."""

    def __init__(self, team):
        self.team = team

    def lead(self, **fields):
        fields = {"name": "Ana Souza", "email": f"lead{Crm._next()}@example.com", **fields}
        with tenant_context(self.team.tenant):
            return services.lead_create(actor=self.team.admin, **fields)

    def contact(self, **fields):
        fields = {"name": "Carlos Mendes", "email": f"contact{Crm._next()}@example.com", **fields}
        with tenant_context(self.team.tenant):
            return services.contact_create(actor=self.team.admin, **fields)

    def deal(self, **fields):
        contact = fields.pop("contact", None) or self.contact()
        fields = {"title": "ERP rollout", "value": "1000.00", "currency": "USD", **fields}
        fields["value"] = Decimal(fields["value"])
        with tenant_context(self.team.tenant):
            return services.deal_create(actor=self.team.admin, contact=contact, **fields)

    def activity(self, **fields):
        if "related_to_id" not in fields:
            fields["related_to_type"], fields["related_to_id"] = "lead", self.lead().pk
        fields = {"type": "call", "subject": "Follow-up call", **fields}
        with tenant_context(self.team.tenant):
            return services.activity_create(actor=self.team.admin, **fields)

    def events(self, name: str | None = None) -> list[Event]:
        with tenant_context(self.team.tenant):
            events = Event.objects.order_by("id")
            return list(events.filter(name=name) if name else events)

    def query(self, queryset_factory):
        """Run an ORM read in the team's schema: `crm.query(lambda: Lead.objects.count())`."""
        with tenant_context(self.team.tenant):
            return queryset_factory()

    _counter = 0

    @classmethod
    def _next(cls) -> int:
        cls._counter += 1
        return cls._counter


@pytest.fixture
def crm_a(team_a) -> Crm:
    return Crm(team_a)


@pytest.fixture
def crm_b(team_b) -> Crm:
    return Crm(team_b)


@pytest.fixture
def admin_api(api, team_a):
    """team_a's admin, through the API on team_a's host."""
    return api(host=team_a.host, user=team_a.admin)


@pytest.fixture
def member(client, team_a):
    """team_a's plain user, signed in on team_a's workspace pages."""
    client.force_login(team_a.user)
    client.defaults["HTTP_HOST"] = team_a.host
    return client

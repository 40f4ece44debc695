"""CRM fixtures: records made through the services, inside a team's schema."""

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from modules.crm import services
from tests.conftest import Workspace


class Crm(Workspace):
    """Make CRM records in one team's workspace, as its admin, the way the API would."""

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


@pytest.fixture
def crm_a(team_a) -> Crm:
    return Crm(team_a)


@pytest.fixture
def crm_b(team_b) -> Crm:
    return Crm(team_b)

import pytest

from modules.tenancy.models import Tenant

from .fake_intuit import FakeIntuit
from .fake_meta import FakeMeta


@pytest.fixture
def enterprise(team_a, team_b):
    """Both teams on the plan with integrations."""
    Tenant.objects.filter(pk__in=[team_a.tenant.pk, team_b.tenant.pk]).update(plan="enterprise")
    team_a.tenant.plan = team_b.tenant.plan = "enterprise"


@pytest.fixture
def intuit(httpserver, settings):
    return FakeIntuit(httpserver, settings)


@pytest.fixture
def meta(httpserver, settings):
    return FakeMeta(httpserver, settings)

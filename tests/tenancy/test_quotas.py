"""Plan quotas through one check: a quota a module registers (here, by this test) is refused at
its plan's limit with the plan that allows more, and not before."""

import pytest
from django.core.exceptions import PermissionDenied

from modules.tenancy.quotas import QUOTAS, Quota, quota_check, quota_register

issued: dict[int, int] = {}  # tenant id → fiscal documents this month, as a module would count them


@pytest.fixture
def fiscal_documents():
    issued.clear()
    quota_register(Quota(
        name="fiscal_documents",
        limit={"starter": 2, "professional": 100, "enterprise": None}.get,
        count=lambda tenant: issued.get(tenant.pk, 0),
        message=lambda plan: f"Your {plan} plan issues 2 documents a month. Upgrade to Professional.",
    ))
    yield
    del QUOTAS["fiscal_documents"]


def test_a_registered_quota_is_refused_at_the_plans_limit_naming_the_plan_needed(fiscal_documents, team_b):
    issued[team_b.tenant.pk] = 1
    quota_check(team_b.tenant, "fiscal_documents")  # the second of two is still allowed

    issued[team_b.tenant.pk] = 2
    with pytest.raises(PermissionDenied) as refused:
        quota_check(team_b.tenant, "fiscal_documents")
    assert str(refused.value) == "Your starter plan issues 2 documents a month. Upgrade to Professional."


def test_a_plan_without_a_limit_is_never_counted_out(fiscal_documents, team_a):
    team_a.tenant.plan = "enterprise"
    issued[team_a.tenant.pk] = 10_000
    quota_check(team_a.tenant, "fiscal_documents")


def test_the_users_quota_is_registered_by_accounts(team_b):
    with pytest.raises(PermissionDenied) as refused:
        quota_check(team_b.tenant, "users")  # beta, on Starter, has its 3 users
    assert "Upgrade to the Professional plan" in str(refused.value)

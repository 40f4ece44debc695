"""One workspace's API traffic, all users and tokens together, has a ceiling that leaves every
other workspace alone."""

import pytest

from modules.accounts.throttles import TenantThrottle

LEADS = "/api/v1/crm/leads/"
RATE = 3


@pytest.fixture
def low_rate(settings, team_a, team_b):
    settings.INNEXAR_TENANT_API_RATE = RATE
    keys = [TenantThrottle.key(team.tenant.pk) for team in (team_a, team_b)]
    TenantThrottle.cache.delete_many(keys)  # what earlier tests sent this minute
    yield
    TenantThrottle.cache.delete_many(keys)


def test_a_workspace_past_its_rate_gets_a_translated_429_whoever_asks(api, team_a, low_rate):
    admin, member = api(user=team_a.admin), api(host=team_a.host, user=team_a.user, language="pt-br")

    answers = [admin.get(LEADS).status_code for _ in range(RATE)]
    refused = member.get(LEADS)

    assert answers == [200] * RATE
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert "segundo" in refused.json()["detail"]


def test_another_workspace_is_not_slowed_by_one_that_hit_its_rate(api, team_a, team_b, low_rate):
    for _ in range(RATE + 1):
        api(user=team_a.admin).get(LEADS)

    assert api(user=team_b.admin).get(LEADS).status_code == 200


def test_public_pages_of_the_api_do_not_count_against_any_workspace(api, team_a, low_rate):
    for _ in range(RATE + 1):
        api().get("/api/v1/schema/")

    assert api(user=team_a.admin).get(LEADS).status_code == 200

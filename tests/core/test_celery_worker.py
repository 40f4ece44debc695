"""A real Celery worker on Redis runs each task in the schema of the tenant that sent it."""

import pytest
from django.core.cache import cache
from django.db import connection

from modules.tenancy.tasks import tenant_ping
from tests.core.tenant_probe import identity

pytestmark = pytest.mark.redis


def test_each_task_runs_in_its_senders_schema(worker, team_a, team_b):
    connection.set_tenant(team_a.tenant)
    from_alpha = tenant_ping.delay()
    connection.set_tenant(team_b.tenant)
    from_beta = tenant_ping.delay()

    assert identity(from_alpha.get(timeout=30)) == {
        "schema_name": "alpha", "tenant_id": team_a.tenant.id, "request_id": None,
    }
    assert identity(from_beta.get(timeout=30)) == {
        "schema_name": "beta", "tenant_id": team_b.tenant.id, "request_id": None,
    }


def test_a_tenant_task_sent_from_public_is_refused_by_the_worker(worker, db):
    connection.set_schema_to_public()

    result = tenant_ping.delay()

    with pytest.raises(Exception, match="needs a tenant"):
        result.get(timeout=30)


def test_redis_cache_keys_are_tenant_prefixed(team_a, team_b):
    connection.set_tenant(team_a.tenant)
    cache.set("report", "alpha")
    connection.set_tenant(team_b.tenant)

    assert cache.get("report") is None
    connection.set_tenant(team_a.tenant)
    assert cache.get("report") == "alpha"
    cache.delete("report")

"""Caches and tasks never cross from one tenant to another."""

import pytest
from django.core.cache import cache
from django.db import connection

from modules.tenancy.tasks import TenantRequiredError, tenant_ping
from tests.core.tenant_probe import identity


def test_a_cached_value_is_only_seen_by_its_tenant(team_a, team_b):
    connection.set_tenant(team_a.tenant)
    cache.set("dashboard", "alpha numbers")

    connection.set_tenant(team_b.tenant)
    assert cache.get("dashboard") is None
    cache.set("dashboard", "beta numbers")

    connection.set_tenant(team_a.tenant)
    assert cache.get("dashboard") == "alpha numbers"


def test_a_task_runs_in_the_schema_it_was_sent_from(team_a, team_b):
    connection.set_tenant(team_b.tenant)

    result = tenant_ping.delay().get()

    assert identity(result) == {"schema_name": "beta", "tenant_id": team_b.tenant.id, "request_id": None}


def test_a_tenant_task_refuses_to_run_in_public(db):
    connection.set_schema_to_public()

    with pytest.raises(TenantRequiredError):
        tenant_ping.delay().get()

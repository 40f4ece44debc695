"""Every door into a tenant's work gives the same schema, time zone and language: a request, a
task (eager or on a real worker), a management command and a fan-out over all tenants."""

import io
import zoneinfo

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation

from modules.core import logs
from modules.tenancy.models import CompanyProfile, Tenant
from modules.tenancy.scope import for_each_tenant, tenant_scope
from modules.tenancy.selectors import tenants_changed
from modules.tenancy.tasks import tenant_ping
from tests.conftest import database_url

# 01:30 UTC on 6 December is still the evening of the 5th in São Paulo (UTC−3).
NEAR_MIDNIGHT = "2026-12-06T01:30:00+00:00"


def _company(tenant, **changes) -> None:
    CompanyProfile.objects.filter(tenant=tenant).update(**changes)


def test_a_scope_is_the_tenants_schema_zone_and_language_and_leaves_things_as_they_were(team_a):
    _company(team_a.tenant, timezone="America/Sao_Paulo")
    connection.set_schema_to_public()
    timezone.activate(zoneinfo.ZoneInfo("Asia/Tokyo"))
    translation.activate("en")

    with tenant_scope(team_a.tenant, language="pt-br"):
        inside = (connection.schema_name, timezone.get_current_timezone_name(), translation.get_language(),
                  logs.schema_var.get())

    assert inside == ("alpha", "America/Sao_Paulo", "pt-br", "alpha")
    assert (connection.schema_name, timezone.get_current_timezone_name(), translation.get_language()) == (
        "public", "Asia/Tokyo", "en",
    )
    timezone.deactivate()


def test_a_scope_inside_another_tenants_scope_gives_that_tenant_back(team_a, team_b):
    with tenant_scope(team_a.tenant), tenant_scope(team_b.tenant):
        pass
    connection.set_tenant(team_a.tenant)
    with tenant_scope(team_b.tenant):
        assert connection.schema_name == "beta"

    assert connection.schema_name == "alpha"


def test_an_eager_task_runs_in_its_tenants_zone_and_language_not_the_senders(team_a):
    _company(team_a.tenant, timezone="America/Sao_Paulo", language="pt-br")
    connection.set_tenant(team_a.tenant)
    timezone.activate(zoneinfo.ZoneInfo("Asia/Tokyo"))  # the request that sends it, elsewhere
    translation.activate("es")

    ping = tenant_ping.delay(at=NEAR_MIDNIGHT).get()

    assert (ping["timezone"], ping["language"], ping["local_date"]) == ("America/Sao_Paulo", "pt-br", "2026-12-05")
    assert timezone.get_current_timezone_name() == "Asia/Tokyo"
    timezone.deactivate()


@pytest.fixture
def alpha_in_sao_paulo(team_a):
    """The worker reads committed rows only: the company moves to São Paulo on a connection of
    its own, and back at the end."""
    with psycopg.connect(database_url(), autocommit=True) as conn:
        before = conn.execute(
            "SELECT timezone, language FROM tenancy_companyprofile WHERE tenant_id = %s", (team_a.tenant.pk,)
        ).fetchone()
        conn.execute(
            "UPDATE tenancy_companyprofile SET timezone = 'America/Sao_Paulo', language = 'pt-br' WHERE tenant_id = %s",
            (team_a.tenant.pk,),
        )
        tenants_changed()  # as a save announces itself: the worker's snapshot must not stay stale
        try:
            yield team_a.tenant
        finally:
            conn.execute(
                "UPDATE tenancy_companyprofile SET timezone = %s, language = %s WHERE tenant_id = %s",
                (*before, team_a.tenant.pk),
            )
            tenants_changed()


@pytest.mark.redis
def test_a_real_worker_dates_an_instant_near_midnight_in_the_tenants_zone(worker, alpha_in_sao_paulo):
    connection.set_tenant(alpha_in_sao_paulo)

    ping = tenant_ping.delay(at=NEAR_MIDNIGHT).get(timeout=30)

    assert (ping["timezone"], ping["language"], ping["local_date"]) == ("America/Sao_Paulo", "pt-br", "2026-12-05")


def test_a_fan_out_visits_each_active_workspace_in_its_own_scope(team_a, team_b):
    _company(team_a.tenant, timezone="America/Sao_Paulo")
    _company(team_b.tenant, timezone="America/Mexico_City")
    Tenant.objects.filter(pk=team_b.tenant.pk).update(is_active=False)
    seen = {}

    def note_scope(tenant):
        seen[connection.schema_name] = timezone.get_current_timezone_name()

    count = for_each_tenant(note_scope)

    assert seen["alpha"] == "America/Sao_Paulo"
    assert "beta" not in seen and "public" not in seen
    assert count == len(seen)


def test_a_tenant_command_runs_inside_the_workspace(team_a):
    out = io.StringIO()

    call_command("lead_scores_retrain", tenant="alpha", stdout=out)

    assert out.getvalue().startswith("alpha: ")
    assert connection.schema_name == "public"


@pytest.mark.parametrize("name", ["public", "no-such-workspace"])
def test_a_tenant_command_refuses_the_public_schema_and_unknown_names(db, name):
    with pytest.raises(CommandError):
        call_command("lead_scores_retrain", tenant=name, stdout=io.StringIO())

"""/healthz and /readyz answer on every host, before any tenant lookup, and name what failed."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from innexar.celery import app
from modules.core import health
from modules.tenancy.models import SpareSchema
from tests.conftest import ADMIN_HOST, PUBLIC_HOST

UNKNOWN_HOST = "nobody-owns-this.localhost"
LOAD_BALANCER_HOST = "10.0.0.7"  # a probe by address: in no tenant's domains, nor in ALLOWED_HOSTS


@pytest.fixture(autouse=True)
def _migrations_checked_afresh(monkeypatch):
    # "No unapplied migrations" is remembered for the process; each test asks again.
    monkeypatch.setattr(health, "_public_migrated", False)


def failed_checks(response) -> dict:
    return {name: result for name, result in response.json()["checks"].items() if result not in ("ok", "skipped")}


@pytest.mark.parametrize("host", [PUBLIC_HOST, ADMIN_HOST, "alpha.localhost", UNKNOWN_HOST, LOAD_BALANCER_HOST])
def test_both_probes_answer_ok_on_every_host(client, team_a, host):
    alive = client.get("/healthz", HTTP_HOST=host)
    ready = client.get("/readyz", HTTP_HOST=host)

    assert alive.status_code == 200
    assert alive.json() == {"status": "ok", "checks": {"process": "ok"}}
    assert ready.status_code == 200, ready.json()
    assert ready.json()["status"] == "ok"
    assert {"database", "migrations", "spare_pool"} <= set(ready.json()["checks"])
    assert ready["Cache-Control"] == "no-store"


def test_a_suspended_tenants_host_still_answers_the_probes(client, team_b):
    team_b.tenant.is_active = False
    team_b.tenant.save(update_fields=["is_active"])

    assert client.get("/", HTTP_HOST=team_b.host).status_code == 403
    assert client.get("/healthz", HTTP_HOST=team_b.host).status_code == 200
    assert client.get("/readyz", HTTP_HOST=team_b.host).status_code == 200


def test_healthz_never_touches_the_database(client, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST=UNKNOWN_HOST)

    assert response.status_code == 200


def test_readyz_is_a_couple_of_queries_once_migrations_are_known_applied(client, django_assert_max_num_queries, db):
    client.get("/readyz", HTTP_HOST=PUBLIC_HOST)

    with django_assert_max_num_queries(3):  # SELECT 1, the spare pool, perhaps a search_path
        response = client.get("/readyz", HTTP_HOST=PUBLIC_HOST)

    assert response.status_code == 200


def test_readyz_checks_the_public_schema_whatever_tenant_the_connection_served_last(client, team_a):
    connection.set_tenant(team_a.tenant)
    with connection.cursor() as cursor:  # alpha's own migration table lags; public's does not
        cursor.execute("DELETE FROM alpha.django_migrations WHERE app = 'crm'")

    response = client.get("/readyz", HTTP_HOST=UNKNOWN_HOST)

    assert response.status_code == 200, response.json()


def test_a_drained_spare_pool_makes_readyz_fail_naming_it(client, db):
    SpareSchema.objects.all().delete()

    response = client.get("/readyz", HTTP_HOST=PUBLIC_HOST)

    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert failed_checks(response) == {"spare_pool": "empty"}


def test_no_spare_pool_configured_is_not_a_failure(client, settings, db):
    settings.SPARE_SCHEMA_POOL_SIZE = 0
    SpareSchema.objects.all().delete()

    response = client.get("/readyz", HTTP_HOST=PUBLIC_HOST)

    assert response.status_code == 200
    assert "spare_pool" not in response.json()["checks"]


def test_an_unapplied_public_migration_makes_readyz_fail_naming_it(client, db):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM public.django_migrations WHERE app = 'tenancy'")

    response = client.get("/readyz", HTTP_HOST=PUBLIC_HOST)

    assert response.status_code == 503
    assert failed_checks(response) == {"migrations": "unapplied migrations"}


def test_applied_migrations_are_checked_once_per_process(client, db):
    assert client.get("/readyz", HTTP_HOST=PUBLIC_HOST).status_code == 200
    with connection.cursor() as cursor:  # code and migrations cannot change under a running process
        cursor.execute("DELETE FROM public.django_migrations WHERE app = 'tenancy'")

    assert client.get("/readyz", HTTP_HOST=PUBLIC_HOST).status_code == 200


def test_an_unreachable_broker_makes_readyz_fail_naming_it(client, monkeypatch, db):
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens on port 1

    response = client.get("/readyz", HTTP_HOST=PUBLIC_HOST)

    assert response.status_code == 503
    assert failed_checks(response) == {"broker": "unreachable"}
    assert "127.0.0.1" not in response.content.decode()  # hosts go to the log, not to the internet


def test_the_in_memory_broker_of_a_brokerless_setup_is_not_checked(client, monkeypatch, db):
    monkeypatch.setattr(app.conf, "broker_url", "memory://localhost//")

    response = client.get("/readyz", HTTP_HOST=PUBLIC_HOST)

    assert response.status_code == 200
    assert "broker" not in response.json()["checks"]


PROBE_BOTH = (
    "import json, django; django.setup(); from django.test import Client; c = Client(); "
    "print(json.dumps([[r.status_code, r.json()] for r in (c.get('/healthz'), c.get('/readyz'))]))"
)


def test_an_unreachable_database_fails_readyz_but_not_healthz():
    environment = {**os.environ, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nowhere",
                   "DJANGO_SETTINGS_MODULE": "innexar.settings", "CELERY_BROKER_URL": "memory://"}
    output = subprocess.run([sys.executable, "-c", PROBE_BOTH], env=environment, capture_output=True, text=True,
                            check=True, timeout=60)
    (alive_status, alive), (ready_status, ready) = json.loads(output.stdout.strip().splitlines()[-1])

    assert (alive_status, alive["status"]) == (200, "ok")
    assert ready_status == 503
    assert ready["checks"] == {"database": "unreachable", "migrations": "skipped", "spare_pool": "skipped"}

"""A real Celery worker on Redis runs each task in the schema of the tenant that sent it."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from django.db import connection

from innexar.celery import app
from modules.core.tasks import tenant_ping
from tests.conftest import database_url

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    """A worker process on the test database, with a queue of its own so that no other worker
    on the same Redis takes these tasks."""
    queue = f"innexar-test-{os.getpid()}"
    name = f"{queue}@localhost"
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "innexar.settings"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "innexar", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "--loglevel=warning", "-Q", queue, "-n", name],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[name], timeout=1.0):
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.stdout.read().decode() if process.poll() is not None else ""
            process.kill()
            pytest.fail(f"Celery worker did not start:\n{output}")
    yield process
    app.conf.task_default_queue = default_queue
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def test_each_task_runs_in_its_senders_schema(worker, team_a, team_b):
    connection.set_tenant(team_a.tenant)
    from_alpha = tenant_ping.delay()
    connection.set_tenant(team_b.tenant)
    from_beta = tenant_ping.delay()

    assert from_alpha.get(timeout=30) == {"schema_name": "alpha", "tenant_id": team_a.tenant.id}
    assert from_beta.get(timeout=30) == {"schema_name": "beta", "tenant_id": team_b.tenant.id}


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

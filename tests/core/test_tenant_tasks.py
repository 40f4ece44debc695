"""Every task message carries the schema of the tenant that sent it (no worker needed to see it)."""

from celery.signals import before_task_publish
from django.db import connection

from innexar.celery import app
from modules.tenancy.tasks import tenant_ping


def _published_headers(send) -> dict:
    seen = {}

    def capture(headers=None, **kwargs):
        seen.update(headers or {})

    before_task_publish.connect(capture, weak=False)
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write("memory://") as memory:
            send(memory)
    finally:
        before_task_publish.disconnect(capture)
    return seen


def test_a_task_sent_from_a_tenant_names_its_schema_in_the_message(team_a):
    connection.set_tenant(team_a.tenant)

    headers = _published_headers(lambda memory: tenant_ping.apply_async(connection=memory))

    assert headers["_schema_name"] == "alpha"


def test_a_task_sent_from_another_tenant_names_that_one(team_b):
    connection.set_tenant(team_b.tenant)

    headers = _published_headers(lambda memory: tenant_ping.apply_async(connection=memory))

    assert headers["_schema_name"] == "beta"

"""The whole path on the real processes: a lead committed in alpha's workspace reaches alpha's
receiver through a Celery worker on Redis (the relay sent at commit, then the delivery task, both
in alpha's schema), signed with alpha's secret; beta's receiver gets nothing of it.

The worker sees only committed rows, so the records are made on a connection of their own
(autocommit, as a request's commit) and removed at the end."""

import time

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.crm import services as crm
from modules.crm.models import Lead
from modules.events.models import AuditEntry, Event
from modules.tenancy.scope import tenant_scope
from modules.webhooks import services
from modules.webhooks.models import DeliveryStatus, Endpoint
from tests.conftest import on_own_connection
from tests.webhooks.conftest import Receiver, verified

pytestmark = pytest.mark.redis

EMAIL = "worker-webhook@padaria.com.br"


@pytest.fixture
def committed(team_a, team_b):
    started = timezone.now()
    yield

    def clean():
        for tenant in (team_a.tenant, team_b.tenant):
            with tenant_context(tenant):
                Endpoint.objects.all().delete()
                Lead.objects.filter(email=EMAIL).delete()
                Event.objects.filter(occurred_at__gte=started).delete()
                AuditEntry.objects.filter(occurred_at__gte=started).delete()

    on_own_connection(clean)


def _in(team, work):
    def run():
        with tenant_context(team.tenant), tenant_scope(team.tenant):
            return work()

    return on_own_connection(run)


def test_a_real_worker_delivers_the_committed_event_to_its_workspace_only(
    worker, team_a, team_b, committed, httpserver
):
    alpha = Receiver(httpserver)
    httpserver.expect_request("/beta", method="POST").respond_with_data("ok")
    _in(team_a, lambda: services.endpoint_create(
        actor=team_a.admin, url=alpha.url, events=["lead.created"], secret="alpha-secret-0123456789"
    ))
    _in(team_b, lambda: services.endpoint_create(
        actor=team_b.admin, url=httpserver.url_for("/beta"), events=["*"], secret="beta-secret-0123456789"
    ))

    lead = _in(team_a, lambda: crm.lead_create(actor=team_a.admin, name="Worker Ana", email=EMAIL))

    deadline = time.monotonic() + 60
    while not any(body["data"].get("email") == EMAIL for body in alpha.bodies()):
        assert time.monotonic() < deadline, "the worker did not deliver within 60 s"
        time.sleep(0.1)
    [request] = [r for r in alpha.requests if r.json["data"].get("email") == EMAIL]
    assert verified(request, "alpha-secret-0123456789")
    assert request.json["data"]["id"] == lead.pk and request.json["tenant_id"] == team_a.tenant.pk
    assert not any(req.path == "/beta" and EMAIL in req.get_data(as_text=True) for req, _ in httpserver.log)

    def delivered():
        with tenant_context(team_a.tenant):
            return list(Endpoint.objects.get().deliveries.filter(event_id=request.headers["X-Innexar-Event-Id"])
                        .values_list("status", "attempts"))

    deadline = time.monotonic() + 30
    while on_own_connection(delivered) != [(DeliveryStatus.SUCCEEDED, 1)]:
        assert time.monotonic() < deadline, "the delivery was not recorded as succeeded"
        time.sleep(0.1)
    assert on_own_connection(lambda: _dispatched(team_a, lead.pk))


def _dispatched(team, lead_id) -> bool:
    with tenant_context(team.tenant):
        return Event.objects.get(name="lead.created", aggregate_id=lead_id).dispatched_at is not None

"""Webhooks fixtures. Webhooks are on the Enterprise plan: team_a and team_b are moved up to it for
the test (rolled back with it), so that what refuses another workspace's ids is the schema, not
the plan gate. The receiver is a local HTTP server (pytest-httpserver) on loopback, which the
tests' settings allow (INNEXAR_WEBHOOKS_ALLOW_PRIVATE is on in development and tests)."""

import hashlib
import hmac
import json

import pytest
from django.test import TestCase
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.events.models import Event
from modules.tenancy.scope import tenant_scope
from modules.webhooks import services
from modules.webhooks.models import Delivery, Endpoint

HTMX = {"HTTP_HX_REQUEST": "true"}


def verified(request, secret: str) -> bool:
    """What a receiver does: HMAC-SHA256 of the raw body with its secret, compared in constant time."""
    expected = "sha256=" + hmac.new(secret.encode(), request.get_data(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.headers.get("X-Innexar-Signature", ""))


class Webhooks:
    """Make webhook records in one team's workspace, as its admin, the way the API would."""

    def __init__(self, team):
        self.team = team

    def run(self, work):
        with tenant_context(self.team.tenant), tenant_scope(self.team.tenant):
            return work()

    def endpoint(self, url: str, events=("*",), secret: str | None = "receiver-secret-0123456789") -> Endpoint:
        with TestCase.captureOnCommitCallbacks(execute=True):  # its own commit, as a request's
            endpoint, _ = self.run(lambda: services.endpoint_create(
                actor=self.team.admin, url=url, events=list(events), secret=secret
            ))
        return endpoint

    def deliveries(self, **filters) -> list[Delivery]:
        return self.run(lambda: list(Delivery.objects.filter(**filters).order_by("id")))

    def fresh(self, endpoint: Endpoint) -> Endpoint:
        return self.run(lambda: Endpoint.objects.get(pk=endpoint.pk))


def enterprise(team):
    team.tenant.plan = "enterprise"
    team.tenant.save(update_fields=["plan"])
    return team


@pytest.fixture
def webhooks_a(team_a) -> Webhooks:
    return Webhooks(enterprise(team_a))


@pytest.fixture
def webhooks_b(team_b) -> Webhooks:
    return Webhooks(enterprise(team_b))


@pytest.fixture
def admin_api(api, webhooks_a):
    return api(host=webhooks_a.team.host, user=webhooks_a.team.admin)


@pytest.fixture
def outsider_api(api, webhooks_b):
    """team_b's admin, on a plan with webhooks, asking for team_a's ids."""
    return api(host=webhooks_b.team.host, user=webhooks_b.team.admin)


@pytest.fixture
def quiet_outbox(webhooks_a):
    """team_a's outbox with nothing left to relay from earlier tests (rolled back with the test)."""
    webhooks_a.run(lambda: Event.objects.filter(dispatched_at__isnull=True).update(dispatched_at=timezone.now()))
    return webhooks_a


class Receiver:
    """A local receiver (pytest-httpserver) at /hook answering from a script of (status, headers)
    answers, then 200; it keeps every request it got."""

    def __init__(self, httpserver):
        self.server, self.requests, self.script = httpserver, [], []
        httpserver.expect_request("/hook", method="POST").respond_with_handler(self._answer)

    @property
    def url(self) -> str:
        return self.server.url_for("/hook")

    def _answer(self, request):
        from werkzeug import Response

        self.requests.append(request)
        status, headers = self.script.pop(0) if self.script else (200, {})
        return Response("ok", status=status, headers=headers)

    def bodies(self) -> list[dict]:
        return [json.loads(request.get_data()) for request in self.requests]


@pytest.fixture
def receiver(httpserver) -> Receiver:
    return Receiver(httpserver)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block's transactions do on commit (the deliveries), as a
    commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)

"""The relay: after a commit, a workspace's undispatched events go to their consumers (the
outgoing webhooks) once each, in order, and are marked dispatched; the workspace's mark goes when
nothing is left. While a relay is queued, further commits send no other."""

import pytest
from django.core.cache import caches
from django.utils import timezone

from modules.crm import services as crm
from modules.events.models import Event
from modules.events.services import _relay_queued_key, outbox_relay, outbox_relay_started
from modules.events.tasks import outbox_relay_all
from modules.tenancy.models import PendingOutbox
from modules.webhooks.models import Delivery


@pytest.fixture
def hooked(quiet_outbox, receiver):
    quiet_outbox.endpoint(receiver.url, events=["lead.created"])
    return quiet_outbox


def _lead(workspace, email):
    return workspace.run(lambda: crm.lead_create(actor=workspace.team.admin, name="Ana", email=email))


def test_the_relay_hands_each_event_once_and_clears_the_mark(hooked, receiver):
    first, second = _lead(hooked, "a@padaria.com.br"), _lead(hooked, "b@padaria.com.br")

    assert hooked.run(outbox_relay) == 2
    assert hooked.run(outbox_relay) == 0

    owed = hooked.run(lambda: list(Delivery.objects.order_by("id").values_list("event", flat=True)))
    assert owed == ["lead.created", "lead.created"]
    events = hooked.run(lambda: list(Event.objects.filter(aggregate_id__in=[first.pk, second.pk], name="lead.created")))
    assert all(event.dispatched_at is not None for event in events)
    assert not PendingOutbox.objects.filter(tenant=hooked.team.tenant).exists()


def test_a_commit_while_a_relay_is_queued_sends_no_other(hooked, receiver, committed):
    key = _relay_queued_key(hooked.team.tenant)
    assert key is not None  # the tests' cache is Redis, shared by every process
    caches["platform"].add(key, 1, timeout=60)  # a relay is queued and has not started

    with committed():
        lead = _lead(hooked, "c@padaria.com.br")

    assert receiver.requests == []  # that relay will carry it
    outbox_relay_started(hooked.team.tenant)
    with committed():
        _lead(hooked, "d@padaria.com.br")

    assert sorted(body["data"]["email"] for body in receiver.bodies()) == ["c@padaria.com.br", "d@padaria.com.br"]
    relayed = hooked.run(lambda: Event.objects.get(aggregate_id=lead.pk, name="lead.created"))
    assert relayed.dispatched_at <= timezone.now()


def test_the_sweep_relays_a_workspace_whose_events_no_commit_sent(hooked, receiver, committed):
    _lead(hooked, "e@padaria.com.br")  # recorded; its commit never came (no on-commit work ran)
    assert PendingOutbox.objects.filter(tenant=hooked.team.tenant).exists()

    with committed():
        outbox_relay_all()

    assert [body["data"]["email"] for body in receiver.bodies()] == ["e@padaria.com.br"]
    assert not PendingOutbox.objects.filter(tenant=hooked.team.tenant).exists()

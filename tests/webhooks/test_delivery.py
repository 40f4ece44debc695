"""What a receiver gets: the outbox's events, after their transaction commits, as the spec's JSON,
signed with the endpoint's secret, with a timestamp and the event's id; retried with backoff when
the receiver fails, honouring its Retry-After, until the endpoint is marked failing."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from modules.crm import services as crm
from modules.webhooks import services
from modules.webhooks.models import Delivery, DeliveryStatus, EndpointStatus
from tests.webhooks.conftest import verified

SECRET = "receiver-secret-0123456789"


def lead_created(workspace, django_capture_on_commit_callbacks, email="ana@padaria.com.br"):
    """A lead made through the CRM's service, its transaction "committed" (its on-commit work run)."""
    with django_capture_on_commit_callbacks(execute=True):
        return workspace.run(lambda: crm.lead_create(actor=workspace.team.admin, name="Ana", email=email))


def test_the_receiver_gets_the_event_as_the_spec_signed_with_its_secret(
    quiet_outbox, receiver, django_capture_on_commit_callbacks
):
    endpoint = quiet_outbox.endpoint(receiver.url, events=["lead.created"], secret=SECRET)

    lead = lead_created(quiet_outbox, django_capture_on_commit_callbacks)

    [request] = receiver.requests
    body = json.loads(request.get_data())
    assert body["event"] == "lead.created"
    assert body["tenant_id"] == quiet_outbox.team.tenant.pk
    assert body["data"]["id"] == lead.pk and body["data"]["email"] == "ana@padaria.com.br"
    assert body["created_at"].endswith("Z")
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Innexar-Event-Id"] == body["id"]
    assert abs(int(request.headers["X-Innexar-Timestamp"]) - timezone.now().timestamp()) < 60
    assert verified(request, SECRET)
    assert not verified(request, "another-secret-0123456789")
    [delivery] = quiet_outbox.deliveries(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.SUCCEEDED, 1, 200)
    assert str(delivery.event_id) == body["id"]


def test_a_signature_is_the_hmac_of_the_raw_body():
    body = b'{"event":"ping"}'

    expected = "sha256=" + hmac.new(b"k" * 16, body, hashlib.sha256).hexdigest()

    assert services.signature("k" * 16, body) == expected


def test_an_endpoint_gets_only_the_events_it_subscribed_to(quiet_outbox, receiver, django_capture_on_commit_callbacks):
    quiet_outbox.endpoint(receiver.url, events=["deal.won"])

    lead_created(quiet_outbox, django_capture_on_commit_callbacks)

    assert receiver.requests == []


def test_nothing_is_delivered_before_the_transaction_commits(
    quiet_outbox, receiver, django_capture_on_commit_callbacks
):
    quiet_outbox.endpoint(receiver.url)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        quiet_outbox.run(lambda: crm.lead_create(actor=quiet_outbox.team.admin, name="Ana", email="a@b.com.br"))

    assert receiver.requests == [] and quiet_outbox.deliveries() == []
    assert len(callbacks) == 1  # the relay's kick, waiting for the commit


@override_settings(INNEXAR_WEBHOOKS_RETRY_BASE_SECONDS=60)
def test_a_receiver_that_fails_twice_gets_it_on_the_third_try(
    quiet_outbox, receiver, django_capture_on_commit_callbacks
):
    endpoint = quiet_outbox.endpoint(receiver.url)
    receiver.script = [(500, {}), (503, {})]

    lead_created(quiet_outbox, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 3
    assert len({request.headers["X-Innexar-Event-Id"] for request in receiver.requests}) == 1
    assert len({request.get_data() for request in receiver.requests}) == 1
    [delivery] = quiet_outbox.deliveries(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.SUCCEEDED, 3, 200)
    assert quiet_outbox.fresh(endpoint).status == EndpointStatus.ACTIVE


def _one_try(workspace, endpoint, attempt=1):
    """One try of the endpoint's pending delivery, its retry left queued (not run)."""
    [delivery] = workspace.deliveries(endpoint=endpoint, status=DeliveryStatus.PENDING)
    return workspace.run(lambda: services.delivery_attempt(delivery_id=delivery.pk, attempt=attempt))


@override_settings(INNEXAR_WEBHOOKS_RETRY_BASE_SECONDS=60)
def test_retries_back_off_three_times_longer_each_time(quiet_outbox, receiver):
    endpoint = quiet_outbox.endpoint(receiver.url)
    quiet_outbox.run(lambda: services.endpoint_ping(actor=quiet_outbox.team.admin, endpoint=endpoint))
    receiver.script = [(502, {})] * 3

    waits = []
    for attempt in (1, 2, 3):
        before = timezone.now()
        delivery = _one_try(quiet_outbox, endpoint, attempt)
        waits.append(round((delivery.next_attempt_at - before).total_seconds() / 60))

    assert waits == [1, 3, 9]
    assert [services.retry_delay(n) for n in range(1, 8)] == [60, 180, 540, 1620, 4860, 14580, 43740]
    assert sum(services.retry_delay(n) for n in range(1, services.MAX_ATTEMPTS)) / 3600 == pytest.approx(18.2, 0.01)


def test_a_429_is_retried_after_the_receivers_retry_after(quiet_outbox, receiver):
    endpoint = quiet_outbox.endpoint(receiver.url)
    quiet_outbox.run(lambda: services.endpoint_ping(actor=quiet_outbox.team.admin, endpoint=endpoint))
    receiver.script = [(429, {"Retry-After": "7200"})]

    before = timezone.now()
    delivery = _one_try(quiet_outbox, endpoint)

    assert (delivery.status, delivery.response_code) == (DeliveryStatus.PENDING, 429)
    assert timedelta(seconds=7190) < delivery.next_attempt_at - before < timedelta(seconds=7210)


def test_a_retry_after_date_is_honoured_too():
    when = timezone.now() + timedelta(minutes=10)

    assert 590 <= services.retry_delay(1, when.strftime("%a, %d %b %Y %H:%M:%S GMT")) <= 600


def test_a_4xx_is_not_retried_and_marks_the_endpoint_failing(quiet_outbox, receiver):
    endpoint = quiet_outbox.endpoint(receiver.url)
    quiet_outbox.run(lambda: services.endpoint_ping(actor=quiet_outbox.team.admin, endpoint=endpoint))
    receiver.script = [(410, {})]

    delivery = _one_try(quiet_outbox, endpoint)

    assert (delivery.status, delivery.next_attempt_at, delivery.response_code) == (DeliveryStatus.FAILED, None, 410)
    assert quiet_outbox.fresh(endpoint).status == EndpointStatus.FAILING


def test_after_eight_tries_the_delivery_fails_and_the_endpoint_is_failing_until_one_succeeds(
    quiet_outbox, receiver, django_capture_on_commit_callbacks
):
    endpoint = quiet_outbox.endpoint(receiver.url)
    receiver.script = [(500, {})] * 8

    lead_created(quiet_outbox, django_capture_on_commit_callbacks)
    # Tries 1 to 5 follow each other in the queue (their waits are under an hour); from the
    # sixth, waits of hours, the sweep sends each once it is due: here, made due at once.
    assert len(receiver.requests) == 5
    while quiet_outbox.deliveries(endpoint=endpoint, status=DeliveryStatus.PENDING):
        quiet_outbox.run(lambda: Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1)))
        with django_capture_on_commit_callbacks(execute=True):
            quiet_outbox.run(services.deliveries_due_send)

    [delivery] = quiet_outbox.deliveries(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, len(receiver.requests)) == (DeliveryStatus.FAILED, 8, 8)
    assert quiet_outbox.fresh(endpoint).status == EndpointStatus.FAILING

    with django_capture_on_commit_callbacks(execute=True):
        quiet_outbox.run(lambda: services.delivery_redeliver(actor=quiet_outbox.team.admin, delivery=delivery))

    assert quiet_outbox.fresh(endpoint).status == EndpointStatus.ACTIVE
    assert receiver.bodies()[-1] == receiver.bodies()[0]


def test_a_receiver_that_does_not_answer_is_retried(quiet_outbox, httpserver):
    endpoint = quiet_outbox.endpoint("http://127.0.0.1:9/hook")  # the discard port: nobody listens
    quiet_outbox.run(lambda: services.endpoint_ping(actor=quiet_outbox.team.admin, endpoint=endpoint))

    delivery = _one_try(quiet_outbox, endpoint)

    assert (delivery.status, delivery.response_code, delivery.attempts) == (DeliveryStatus.PENDING, None, 1)
    assert delivery.error and delivery.next_attempt_at > timezone.now()


def test_the_same_try_sent_twice_posts_once(quiet_outbox, receiver):
    endpoint = quiet_outbox.endpoint(receiver.url)
    quiet_outbox.run(lambda: services.endpoint_ping(actor=quiet_outbox.team.admin, endpoint=endpoint))
    [delivery] = quiet_outbox.deliveries(endpoint=endpoint)

    first = quiet_outbox.run(lambda: services.delivery_attempt(delivery_id=delivery.pk, attempt=1))
    second = quiet_outbox.run(lambda: services.delivery_attempt(delivery_id=delivery.pk, attempt=1))

    assert first.status == DeliveryStatus.SUCCEEDED and second is None
    assert len(receiver.requests) == 1


def test_a_paused_endpoint_gets_nothing(quiet_outbox, receiver, django_capture_on_commit_callbacks):
    endpoint = quiet_outbox.endpoint(receiver.url)
    quiet_outbox.run(lambda: services.endpoint_update(
        actor=quiet_outbox.team.admin, endpoint=endpoint, changes={"is_active": False}
    ))

    lead_created(quiet_outbox, django_capture_on_commit_callbacks)

    assert receiver.requests == [] and quiet_outbox.deliveries(endpoint=endpoint) == []


def test_the_sweep_sends_what_is_overdue(quiet_outbox, receiver):
    endpoint = quiet_outbox.endpoint(receiver.url)
    quiet_outbox.run(lambda: services.endpoint_ping(actor=quiet_outbox.team.admin, endpoint=endpoint))
    [delivery] = quiet_outbox.deliveries(endpoint=endpoint)

    assert quiet_outbox.run(services.deliveries_due_send) == 0  # just queued: not the sweep's yet
    quiet_outbox.run(lambda: type(delivery).objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=5)
    ))
    assert quiet_outbox.run(services.deliveries_due_send) == 1

    assert len(receiver.requests) == 1
    assert quiet_outbox.deliveries(endpoint=endpoint)[0].status == DeliveryStatus.SUCCEEDED

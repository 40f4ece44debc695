"""/api/v1/webhooks/: register, list, update, delete, test/, deliveries/ and redeliver/. The secret
is shown once, in the create answer; everything is its workspace's alone, and its managers'."""

import pytest

from modules.core.secrets import decrypt
from modules.webhooks.models import Delivery, DeliveryStatus, Endpoint
from tests.webhooks.conftest import verified

WEBHOOKS = "/api/v1/webhooks/"


def test_it_registers_the_specs_webhook_and_shows_the_secret_once(admin_api, webhooks_a, receiver):
    response = admin_api.post(WEBHOOKS, {
        "url": receiver.url, "events": ["invoice.paid", "lead.created", "subscription.cancelled"],
        "secret": "webhook_secret_123",
    })

    assert response.status_code == 201
    body = response.json()
    assert body["secret"] == "webhook_secret_123"
    assert {key: body[key] for key in ("url", "events", "status", "is_active", "failing_since")} == {
        "url": receiver.url, "events": ["invoice.paid", "lead.created", "subscription.cancelled"],
        "status": "active", "is_active": True, "failing_since": None,
    }
    assert "secret" not in admin_api.get(f"{WEBHOOKS}{body['id']}/").json()
    assert all("secret" not in hook for hook in admin_api.get(WEBHOOKS).json()["results"])
    assert [event.payload["url"] for event in webhooks_a.run(lambda: _events("webhook.created"))] == [receiver.url]


def _events(name):
    from modules.events.models import Event

    return list(Event.objects.filter(name=name))


def test_the_secret_is_stored_encrypted(admin_api, webhooks_a, receiver):
    from django.db import connection

    hook = admin_api.post(WEBHOOKS, {"url": receiver.url, "events": ["*"], "secret": "webhook_secret_123"}).json()

    def stored():
        with connection.cursor() as cursor:
            cursor.execute("SELECT secret FROM webhooks_endpoint WHERE id = %s", [hook["id"]])
            return cursor.fetchone()[0]

    token = webhooks_a.run(stored)
    assert "webhook_secret_123" not in token
    assert decrypt(token) == b"webhook_secret_123"


def test_without_a_secret_one_is_made(admin_api, receiver):
    response = admin_api.post(WEBHOOKS, {"url": receiver.url, "events": ["deal.won"]})

    assert response.status_code == 201
    assert response.json()["secret"].startswith("whsec_") and len(response.json()["secret"]) > 40


@pytest.mark.parametrize(("body", "field"), [
    ({"events": ["lead.created"]}, "url"),
    ({"url": "not a url", "events": ["lead.created"]}, "url"),
    ({"url": "ftp://example.com/", "events": ["lead.created"]}, "url"),
    ({"url": "https://example.com/", "events": []}, "events"),
    ({"url": "https://example.com/", "events": ["lead.teleported"]}, "events"),
    ({"url": "https://example.com/", "events": ["lead.created"], "secret": "short"}, "secret"),
])
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_kept(admin_api, webhooks_a, body, field):
    response = admin_api.post(WEBHOOKS, body)

    assert response.status_code == 400
    assert field in response.json()
    assert webhooks_a.run(lambda: Endpoint.objects.count()) == 0


def test_the_refusal_is_translated(api, webhooks_a):
    client = api(host=webhooks_a.team.host, user=webhooks_a.team.admin, language="pt-br")

    response = client.post(WEBHOOKS, {"url": "ftp://example.com/", "events": ["lead.created"]})

    assert response.json() == {"url": ["Somente URLs http e https podem receber webhooks."]}


def test_it_lists_updates_and_deletes(admin_api, webhooks_a, receiver):
    hook = webhooks_a.endpoint(receiver.url, events=["deal.won"])

    listed = admin_api.get(WEBHOOKS).json()
    assert (listed["count"], listed["results"][0]["id"]) == (1, hook.pk)

    response = admin_api.patch(f"{WEBHOOKS}{hook.pk}/", {"events": ["deal.lost", "deal.won"], "is_active": False})
    assert response.status_code == 200
    assert (response.json()["events"], response.json()["status"]) == (["deal.lost", "deal.won"], "disabled")

    response = admin_api.patch(f"{WEBHOOKS}{hook.pk}/", {"secret": "a-brand-new-secret-42"})
    assert response.status_code == 200 and "secret" not in response.json()
    assert webhooks_a.fresh(hook).secret == "a-brand-new-secret-42"

    assert admin_api.delete(f"{WEBHOOKS}{hook.pk}/").status_code == 204
    assert admin_api.get(f"{WEBHOOKS}{hook.pk}/").status_code == 404


def test_test_sends_a_signed_ping_and_the_log_shows_it(admin_api, webhooks_a, receiver, committed):
    hook = webhooks_a.endpoint(receiver.url, events=["deal.won"], secret="receiver-secret-0123456789")

    with committed():
        response = admin_api.post(f"{WEBHOOKS}{hook.pk}/test/")

    assert response.status_code == 202
    assert response.json()["event"] == "ping"
    [request] = receiver.requests
    assert verified(request, "receiver-secret-0123456789")
    assert receiver.bodies()[0]["event"] == "ping"
    log = admin_api.get(f"{WEBHOOKS}{hook.pk}/deliveries/").json()
    assert log["count"] == 1
    assert {key: log["results"][0][key] for key in ("event", "status", "attempts", "response_code")} == {
        "event": "ping", "status": "succeeded", "attempts": 1, "response_code": 200,
    }
    assert log["results"][0]["duration_ms"] is not None


def test_the_delivery_log_is_paged_newest_first(admin_api, webhooks_a, receiver):
    hook = webhooks_a.endpoint(receiver.url)
    webhooks_a.run(lambda: Delivery.objects.bulk_create([
        Delivery(endpoint=hook, event_id=f"00000000-0000-0000-0000-{n:012d}", event="deal.won", body="{}")
        for n in range(30)
    ]))

    page = admin_api.get(f"{WEBHOOKS}{hook.pk}/deliveries/", {"page_size": 20}).json()
    second = admin_api.get(f"{WEBHOOKS}{hook.pk}/deliveries/", {"page_size": 20, "page": 2}).json()

    assert (page["count"], len(page["results"]), len(second["results"])) == (30, 20, 10)
    ids = [row["id"] for row in page["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True)
    assert page["next"] and second["previous"]


def test_redeliver_sends_the_same_body_again(admin_api, webhooks_a, receiver, committed):
    hook = webhooks_a.endpoint(receiver.url)
    with committed():
        ping = admin_api.post(f"{WEBHOOKS}{hook.pk}/test/").json()

    with committed():
        response = admin_api.post(f"{WEBHOOKS}{hook.pk}/deliveries/{ping['id']}/redeliver/")

    assert response.status_code == 202
    assert response.json()["event_id"] == ping["event_id"] and response.json()["id"] != ping["id"]
    first, again = receiver.requests
    assert first.get_data() == again.get_data()
    assert first.headers["X-Innexar-Event-Id"] == again.headers["X-Innexar-Event-Id"]
    assert webhooks_a.deliveries(status=DeliveryStatus.SUCCEEDED)[-1].pk == response.json()["id"]


def test_a_delivery_of_another_webhook_is_a_404_for_redeliver(admin_api, webhooks_a, receiver):
    hook, other = webhooks_a.endpoint(receiver.url), webhooks_a.endpoint(receiver.url)
    ping = admin_api.post(f"{WEBHOOKS}{other.pk}/test/").json()

    assert admin_api.post(f"{WEBHOOKS}{hook.pk}/deliveries/{ping['id']}/redeliver/").status_code == 404


def test_another_workspace_sees_none_of_it(admin_api, outsider_api, webhooks_a, webhooks_b, receiver, committed):
    hook = webhooks_a.endpoint(receiver.url)
    with committed():
        ping = admin_api.post(f"{WEBHOOKS}{hook.pk}/test/").json()
    before = webhooks_a.fresh(hook)

    assert outsider_api.get(WEBHOOKS).json()["count"] == 0
    for method, path in [
        ("get", f"{WEBHOOKS}{hook.pk}/"), ("patch", f"{WEBHOOKS}{hook.pk}/"), ("delete", f"{WEBHOOKS}{hook.pk}/"),
        ("post", f"{WEBHOOKS}{hook.pk}/test/"), ("get", f"{WEBHOOKS}{hook.pk}/deliveries/"),
        ("post", f"{WEBHOOKS}{hook.pk}/deliveries/{ping['id']}/redeliver/"),
    ]:
        with committed():
            body = {"url": "https://example.com/"} if method == "patch" else None
            response = getattr(outsider_api, method)(path, body)
        assert response.status_code == 404, (method, path)

    after = webhooks_a.fresh(hook)
    assert (after.url, after.secret, after.updated_at) == (before.url, before.secret, before.updated_at)
    assert len(webhooks_a.deliveries(endpoint=hook)) == 1 and len(receiver.requests) == 1


def test_a_plain_user_is_refused(api, webhooks_a, receiver):
    hook = webhooks_a.endpoint(receiver.url)
    client = api(host=webhooks_a.team.host, user=webhooks_a.team.user)

    assert client.get(WEBHOOKS).status_code == 403
    assert client.get(f"{WEBHOOKS}{hook.pk}/deliveries/").status_code == 403


def test_below_enterprise_the_plan_gate_refuses(api, team_a):
    response = api(host=team_a.host, user=team_a.admin).get(WEBHOOKS)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your plan does not include Outgoing webhooks. Upgrade to the Enterprise plan to use it."
    }


def test_a_workspace_has_at_most_twenty_webhooks(admin_api, webhooks_a, receiver):
    for _ in range(20):
        webhooks_a.endpoint(receiver.url)

    response = admin_api.post(WEBHOOKS, {"url": receiver.url, "events": ["*"]})

    assert response.status_code == 403
    assert response.json() == {"detail": "A workspace has at most 20 webhooks."}

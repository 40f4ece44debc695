"""The webhooks page: the list with each webhook's status, the add form with the event picker
(the secret shown once), each webhook's page with edit, test ping, delete and the delivery log
with redeliver. Managers and admins only, on the Enterprise plan, in the workspace's language."""

import pytest
from django.utils import timezone

from modules.webhooks import services
from modules.webhooks.models import Delivery, DeliveryStatus, Endpoint, EndpointStatus


@pytest.fixture
def manager_page(client, webhooks_a):
    client.force_login(webhooks_a.team.manager)
    client.defaults["HTTP_HOST"] = webhooks_a.team.host
    return client


def test_the_page_adds_a_webhook_with_the_picked_events_and_shows_its_secret_once(manager_page, webhooks_a, receiver):
    page = manager_page.get("/webhooks/").content.decode()
    assert 'value="invoice.paid"' in page and 'value="stock.low"' in page and 'value="*"' in page

    response = manager_page.post("/webhooks/", {"url": receiver.url, "events": ["invoice.paid", "deal.won"]})

    assert response.status_code == 200
    [endpoint] = webhooks_a.run(lambda: list(Endpoint.objects.all()))
    assert endpoint.events == ["deal.won", "invoice.paid"]
    assert endpoint.secret in response.content.decode()
    assert endpoint.secret not in manager_page.get("/webhooks/").content.decode()
    assert endpoint.secret not in manager_page.get(f"/webhooks/endpoints/{endpoint.pk}/").content.decode()


def test_a_refused_url_is_said_beside_the_form(manager_page, webhooks_a):
    response = manager_page.post("/webhooks/", {"url": "ftp://example.com/", "events": ["deal.won"]})

    assert response.status_code == 422
    assert "Only http and https URLs can receive webhooks." in response.content.decode()
    assert webhooks_a.run(lambda: Endpoint.objects.count()) == 0


def test_the_page_speaks_portuguese(client, webhooks_a):
    client.force_login(webhooks_a.team.manager)
    client.cookies["django_language"] = "pt-br"

    response = client.get("/webhooks/", HTTP_HOST=webhooks_a.team.host)

    assert "Adicionar um webhook" in response.content.decode()


def test_a_failing_webhook_is_told_on_the_page(manager_page, webhooks_a, receiver):
    endpoint = webhooks_a.endpoint(receiver.url)
    webhooks_a.run(lambda: Endpoint.objects.filter(pk=endpoint.pk).update(
        status=EndpointStatus.FAILING, failing_since=timezone.now()
    ))

    page = manager_page.get("/webhooks/").content.decode()

    assert f"{receiver.url} is failing since" in page
    assert "Failing" in manager_page.get(f"/webhooks/endpoints/{endpoint.pk}/").content.decode()


def test_the_webhooks_page_edits_tests_redelivers_and_deletes(manager_page, webhooks_a, receiver, committed):
    endpoint = webhooks_a.endpoint(receiver.url)

    response = manager_page.post(f"/webhooks/endpoints/{endpoint.pk}/", {"url": receiver.url, "events": ["deal.lost"]})
    assert response.status_code == 302
    fresh = webhooks_a.fresh(endpoint)
    assert (fresh.events, fresh.status) == (["deal.lost"], EndpointStatus.DISABLED)  # "Active" left unticked

    with committed():
        assert manager_page.post(f"/webhooks/endpoints/{endpoint.pk}/test/").status_code == 302
    [ping] = webhooks_a.deliveries(endpoint=endpoint)
    assert ping.status == DeliveryStatus.SUCCEEDED
    log = manager_page.get(f"/webhooks/endpoints/{endpoint.pk}/").content.decode()
    assert f'id="delivery-{ping.pk}"' in log and "Succeeded" in log and "200" in log

    with committed():
        manager_page.post(f"/webhooks/endpoints/{endpoint.pk}/deliveries/{ping.pk}/redeliver/")
    assert len(receiver.requests) == 2

    assert manager_page.post(f"/webhooks/endpoints/{endpoint.pk}/delete/").status_code == 302
    assert webhooks_a.run(lambda: (Endpoint.objects.count(), Delivery.objects.count())) == (0, 0)


def test_a_plain_user_is_refused(client, webhooks_a):
    client.force_login(webhooks_a.team.user)

    assert client.get("/webhooks/", HTTP_HOST=webhooks_a.team.host).status_code == 403


def test_another_workspaces_webhook_is_a_404(client, webhooks_a, webhooks_b, receiver, committed):
    endpoint = webhooks_a.endpoint(receiver.url)
    with committed():
        webhooks_a.run(lambda: services.endpoint_ping(actor=webhooks_a.team.admin, endpoint=endpoint))
    [ping] = webhooks_a.deliveries(endpoint=endpoint)
    client.force_login(webhooks_b.team.admin)
    client.defaults["HTTP_HOST"] = webhooks_b.team.host

    assert client.get(f"/webhooks/endpoints/{endpoint.pk}/").status_code == 404
    for path in ("", "test/", "delete/", f"deliveries/{ping.pk}/redeliver/"):
        response = client.post(f"/webhooks/endpoints/{endpoint.pk}/{path}", {"url": "https://example.com/"})
        assert response.status_code == 404
    assert webhooks_a.fresh(endpoint).url == receiver.url
    assert len(webhooks_a.deliveries(endpoint=endpoint)) == 1


def test_below_enterprise_the_page_names_the_plan(client, team_a):
    client.force_login(team_a.admin)

    response = client.get("/webhooks/", HTTP_HOST=team_a.host)

    assert response.status_code == 403
    assert "Enterprise" in response.content.decode()

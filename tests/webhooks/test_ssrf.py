"""A webhook's URL cannot point us at ourselves or our network: only http(s) to public addresses,
checked when it is registered and again at each delivery, on the address that was checked; no
redirect followed. Development and tests allow private addresses (a receiver on this machine):
here that setting is off, as in production, unless a test says otherwise."""

import socket

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from modules.webhooks import services, transport
from modules.webhooks.models import DeliveryStatus

production = override_settings(INNEXAR_WEBHOOKS_ALLOW_PRIVATE=False)


@production
@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://127.1.2.3:8000/", "http://10.0.0.7/", "http://172.16.5.4/", "http://192.168.0.10/",
    "http://169.254.169.254/latest/meta-data/", "http://224.0.0.1/", "http://0.0.0.0/", "http://100.64.0.1/",
    "http://240.0.0.1/", "http://2130706433/",  # 127.0.0.1 written as one number
    "http://[::1]/", "http://[fe80::1]/", "http://[fc00::1]/", "http://[ff02::1]/", "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/", "http://[::]/",
    "http://localhost:8000/hook",  # a name that resolves to loopback
])
def test_private_local_and_reserved_addresses_are_refused(url):
    with pytest.raises(ValidationError) as refusal:
        services.url_clean(url)

    assert "public addresses only" in refusal.value.message_dict["url"][0]


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "gopher://example.com/", "example.com"])
def test_only_http_and_https_are_accepted(url):
    with pytest.raises(ValidationError) as refusal:
        services.url_clean(url)

    assert refusal.value.message_dict == {"url": ["Only http and https URLs can receive webhooks."]}


def _resolving(monkeypatch, answers: dict[str, list[str]]):
    """The system resolver answering `answers` (name → successive addresses) for those names."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            address = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@production
def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    _resolving(monkeypatch, {"metadata.attacker.example": ["169.254.169.254"], "intranet.example": ["10.1.2.3"]})

    for url in ("https://metadata.attacker.example/hook", "http://intranet.example/"):
        with pytest.raises(ValidationError):
            services.url_clean(url)


@production
def test_a_public_name_is_accepted(monkeypatch):
    _resolving(monkeypatch, {"hooks.example.com": ["93.184.216.34"]})

    assert services.url_clean("https://hooks.example.com/innexar") == "https://hooks.example.com/innexar"


@production
def test_a_name_that_turns_private_after_registration_is_refused_at_delivery(monkeypatch, quiet_outbox, httpserver):
    # Registered while it resolved to a public address; by delivery time it answers loopback.
    _resolving(monkeypatch, {"rebind.example": ["93.184.216.34"]})
    endpoint = quiet_outbox.endpoint(f"http://rebind.example:{httpserver.port}/hook")
    _resolving(monkeypatch, {"rebind.example": ["127.0.0.1"]})
    quiet_outbox.run(lambda: services.endpoint_ping(actor=quiet_outbox.team.admin, endpoint=endpoint))
    [delivery] = quiet_outbox.deliveries(endpoint=endpoint)

    delivery = quiet_outbox.run(lambda: services.delivery_attempt(delivery_id=delivery.pk, attempt=1))

    assert delivery.status == DeliveryStatus.FAILED and "public addresses only" in delivery.error
    assert httpserver.log == []


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch, httpserver):
    # The first answer is the one checked and connected to; a second lookup would say otherwise.
    _resolving(monkeypatch, {"receiver.example": ["127.0.0.1", "203.0.113.9"]})
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")

    answer = transport.post(f"http://receiver.example:{httpserver.port}/hook", b"{}", {})

    assert answer.status == 200
    [(request, _)] = httpserver.log
    assert request.headers["Host"] == f"receiver.example:{httpserver.port}"


def test_redirects_are_not_followed(quiet_outbox, httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/elsewhere")}
    )
    endpoint = quiet_outbox.endpoint(httpserver.url_for("/hook"))
    quiet_outbox.run(lambda: services.endpoint_ping(actor=quiet_outbox.team.admin, endpoint=endpoint))
    [delivery] = quiet_outbox.deliveries(endpoint=endpoint)

    delivery = quiet_outbox.run(lambda: services.delivery_attempt(delivery_id=delivery.pk, attempt=1))

    assert (delivery.status, delivery.response_code) == (DeliveryStatus.FAILED, 302)
    assert [request.path for request, _ in httpserver.log] == ["/hook"]


@production
def test_the_api_refuses_a_private_url_with_a_400(admin_api):
    response = admin_api.post("/api/v1/webhooks/", {"url": "http://169.254.169.254/", "events": ["lead.created"]})

    assert response.status_code == 400
    assert list(response.json()) == ["url"]

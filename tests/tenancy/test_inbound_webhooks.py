"""`POST /webhooks/<provider>/`: providers registered by these tests, signing like Stripe
(`t=…,v1=HMAC-SHA256("<t>.<body>")`): one whose events name the account they are for (the public
host), one that signs with each workspace's own secret (the workspace's host)."""

import json
import time

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from modules.core.webhooks import (
    INBOUND_PROVIDERS,
    InboundProvider,
    WebhookRefused,
    inbound_provider_register,
    timestamped_signature,
    timestamped_signature_valid,
)
from modules.crm.models import Contact
from modules.tenancy.webhooks import provider_account_link

SECRET = "whsec_test"
URL = "/webhooks/testpay/"
handled: list[tuple[str, str]] = []


def _handle(event: dict) -> None:
    """Writes to whichever schema it runs in, as a real handler would."""
    handled.append((connection.schema_name, event["id"]))
    if event.get("fail"):
        Contact.objects.create(name="Half written", email=f"{event['id']}@example.com")
        raise RuntimeError("the provider's API is down")
    Contact.objects.create(name=event["customer"], email=f"{event['id']}@example.com")


@pytest.fixture
def testpay():
    handled.clear()
    inbound_provider_register(InboundProvider(
        name="testpay",
        verify=lambda body, headers: timestamped_signature_valid(body, headers.get("Testpay-Signature"), SECRET),
        account_of=lambda event: event.get("account"),
        handle=_handle,
    ))
    yield
    del INBOUND_PROVIDERS["testpay"]


@pytest.fixture
def linked(team_a, team_b):
    provider_account_link(tenant=team_a.tenant, provider="testpay", external_id="acct_alpha")
    provider_account_link(tenant=team_b.tenant, provider="testpay", external_id="acct_beta")


def deliver(event: dict, *, secret: str = SECRET, timestamp: int | None = None, url: str = URL):
    body = json.dumps(event).encode()
    signature = timestamped_signature(body, secret, int(time.time()) if timestamp is None else timestamp)
    return Client(HTTP_HOST="localhost").post(
        url, body, content_type="application/json", HTTP_TESTPAY_SIGNATURE=signature
    )


def contacts_named(team, name: str) -> int:
    with tenant_context(team.tenant):
        return Contact.objects.filter(name=name).count()


def test_an_event_runs_in_its_accounts_tenant_only(testpay, linked, team_a, team_b):
    response = deliver({"id": "evt_1", "account": "acct_alpha", "customer": "Ana Souza"})

    assert (response.status_code, response.json()) == (200, {"received": True})
    assert handled == [("alpha", "evt_1")]
    assert (contacts_named(team_a, "Ana Souza"), contacts_named(team_b, "Ana Souza")) == (1, 0)

    deliver({"id": "evt_2", "account": "acct_beta", "customer": "Bruno Lima"})
    assert (contacts_named(team_a, "Bruno Lima"), contacts_named(team_b, "Bruno Lima")) == (0, 1)


@pytest.mark.parametrize("tampering", ["wrong secret", "old timestamp", "body changed", "no signature"])
def test_a_bad_signature_is_refused_and_runs_nothing(testpay, linked, team_a, tampering):
    event = {"id": "evt_1", "account": "acct_alpha", "customer": "Ana Souza"}
    client = Client(HTTP_HOST="localhost")
    if tampering == "wrong secret":
        response = deliver(event, secret="whsec_other")
    elif tampering == "old timestamp":
        response = deliver(event, timestamp=int(time.time()) - 3600)
    elif tampering == "body changed":
        signature = timestamped_signature(json.dumps(event).encode(), SECRET, int(time.time()))
        forged = json.dumps({**event, "customer": "Mallory"})
        response = client.post(URL, forged, content_type="application/json", HTTP_TESTPAY_SIGNATURE=signature)
    else:
        response = client.post(URL, json.dumps(event), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "The webhook signature is missing or wrong."}
    assert handled == []
    assert contacts_named(team_a, "Ana Souza") == 0


def test_an_unknown_provider_is_not_found(testpay, db):
    assert deliver({"id": "evt_1"}, url="/webhooks/nopay/").status_code == 404


def test_an_event_for_an_account_no_tenant_linked_is_acknowledged_and_ignored(testpay, linked):
    response = deliver({"id": "evt_1", "account": "acct_unknown", "customer": "Ana Souza"})

    assert (response.status_code, response.json()) == (200, {"received": True})
    assert handled == []


def test_a_failing_handler_answers_500_so_the_provider_retries_and_writes_nothing(testpay, linked, team_a):
    response = deliver({"id": "evt_1", "account": "acct_alpha", "fail": True})

    assert response.status_code == 500
    assert handled == [("alpha", "evt_1")]
    assert contacts_named(team_a, "Half written") == 0


def test_an_account_belongs_to_one_tenant(testpay, linked, team_b):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        provider_account_link(tenant=team_b.tenant, provider="testpay", external_id="acct_alpha")


# --- On a workspace's own host, checked with that workspace's secret ---------------------------

WORKSPACE_SECRETS = {"alpha": "whsec_alpha_own", "beta": "whsec_beta_own"}


@pytest.fixture
def ownpay():
    """A provider each workspace signs up with itself: no account in its events, a secret of its own."""
    handled.clear()
    inbound_provider_register(InboundProvider(
        name="ownpay",
        verify=lambda body, headers: False,
        account_of=lambda event: None,
        handle=_handle,
        verify_here=lambda body, headers: timestamped_signature_valid(
            body, headers.get("Testpay-Signature"), WORKSPACE_SECRETS.get(connection.schema_name, "")
        ),
    ))
    yield
    del INBOUND_PROVIDERS["ownpay"]


def deliver_to(team, event: dict, *, secret: str, provider: str = "ownpay"):
    body = json.dumps(event).encode()
    signature = timestamped_signature(body, secret, int(time.time()))
    return Client(HTTP_HOST=team.host).post(
        f"/webhooks/{provider}/", body, content_type="application/json", HTTP_TESTPAY_SIGNATURE=signature
    )


def test_a_workspaces_own_host_runs_the_event_there_checked_with_its_own_secret(ownpay, team_a, team_b):
    response = deliver_to(team_a, {"id": "evt_1", "customer": "Ana Souza"}, secret="whsec_alpha_own")

    assert (response.status_code, response.json()) == (200, {"received": True})
    assert handled == [("alpha", "evt_1")]
    assert (contacts_named(team_a, "Ana Souza"), contacts_named(team_b, "Ana Souza")) == (1, 0)


def test_another_workspaces_secret_is_refused_on_this_host(ownpay, team_a, team_b):
    response = deliver_to(team_a, {"id": "evt_1", "customer": "Mallory"}, secret="whsec_beta_own")

    assert response.status_code == 400
    assert handled == []
    assert contacts_named(team_a, "Mallory") == 0


def test_a_provider_without_workspace_secrets_is_not_served_on_workspace_hosts(testpay, team_a):
    assert deliver_to(team_a, {"id": "evt_1"}, secret=SECRET, provider="testpay").status_code == 404
    assert deliver_to(team_a, {"id": "evt_1"}, secret=SECRET, provider="nopay").status_code == 404


def test_a_failing_handler_on_a_workspaces_host_answers_500_and_writes_nothing(ownpay, team_a):
    response = deliver_to(team_a, {"id": "evt_1", "fail": True}, secret="whsec_alpha_own")

    assert response.status_code == 500
    assert contacts_named(team_a, "Half written") == 0


# --- What a handler answers, and a provider served on workspace hosts only ---------------------


def _handle_and_answer(event: dict) -> dict:
    """Writes, then refuses what it reads as wrong (WebhookRefused): the write must not stay."""
    Contact.objects.create(name=event["customer"], email=f"{event['id']}@example.com")
    if event.get("refuse"):
        raise WebhookRefused("The amount is not the charge's.")
    return {"outcome": "recorded"}


@pytest.fixture
def herepay():
    """Served on workspace hosts only (no `verify`), as PIX notifications are."""
    inbound_provider_register(InboundProvider(
        name="herepay", verify=None, account_of=None, handle=_handle_and_answer,
        verify_here=lambda body, headers: timestamped_signature_valid(
            body, headers.get("Testpay-Signature"), WORKSPACE_SECRETS.get(connection.schema_name, "")
        ),
    ))
    yield
    del INBOUND_PROVIDERS["herepay"]


def test_what_the_handler_did_joins_the_answer(herepay, team_a):
    response = deliver_to(team_a, {"id": "evt_1", "customer": "Ana Souza"}, secret="whsec_alpha_own",
                          provider="herepay")

    assert (response.status_code, response.json()) == (200, {"received": True, "outcome": "recorded"})
    assert contacts_named(team_a, "Ana Souza") == 1


def test_a_refusal_of_the_handler_is_a_400_that_writes_nothing(herepay, team_a):
    response = deliver_to(team_a, {"id": "evt_1", "customer": "Ana Souza", "refuse": True},
                          secret="whsec_alpha_own", provider="herepay")

    assert (response.status_code, response.json()) == (400, {"detail": "The amount is not the charge's."})
    assert contacts_named(team_a, "Ana Souza") == 0


def test_a_provider_without_verify_is_not_served_on_the_public_host(herepay, db):
    response = Client(HTTP_HOST="localhost").post("/webhooks/herepay/", b"{}", content_type="application/json")

    assert response.status_code == 404

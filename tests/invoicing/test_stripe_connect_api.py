"""/api/v1/integrations/stripe/: a workspace connects its own Stripe account. Its keys are
checked for their shape, then with Stripe (the local fake), kept encrypted and never shown again;
the account is linked to the workspace for a Connect platform's events."""

import json

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.events.models import Event
from modules.invoicing.models import StripeConnection
from modules.tenancy.models import ProviderAccount

from .fake_stripe import OTHER_SECRET_KEY, PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, FakeStripe

URL = "/api/v1/integrations/stripe/"
KEYS = {"publishable_key": PUBLISHABLE_KEY, "secret_key": SECRET_KEY}
ACCOUNT = "acct_1OaLphaAccount00"


@pytest.fixture
def stripe(httpserver, settings) -> FakeStripe:
    fake = FakeStripe(httpserver, settings)
    fake.accept(SECRET_KEY, ACCOUNT)
    return fake


def kept(team) -> StripeConnection | None:
    with tenant_context(team.tenant):
        return StripeConnection.objects.first()


def stripe_events(team) -> list[Event]:
    with tenant_context(team.tenant):
        return list(Event.objects.filter(aggregate_type="stripe").order_by("id"))


def test_it_checks_the_keys_with_stripe_and_answers_without_them(admin_api, stripe, team_a):
    response = admin_api.post(f"{URL}connect/", {**KEYS, "webhook_secret": WEBHOOK_SECRET})

    assert response.status_code == 200
    answer = response.json()
    assert answer == {
        "connected": True,
        "account_id": ACCOUNT,
        "mode": "test",
        "publishable_key": "pk_test_…CdEf",
        "webhook_secret_set": True,
        "webhook_url": "http://alpha.localhost:8000/webhooks/stripe/",
        "connected_at": answer["connected_at"],
    }
    [call] = stripe.requests_to("/v1/account")
    assert call.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    connected = kept(team_a)
    assert (connected.secret_key, connected.webhook_secret, connected.livemode) == (SECRET_KEY, WEBHOOK_SECRET, False)
    assert connected.connected_by_id == team_a.admin.pk


def test_the_keys_are_encrypted_in_the_database(admin_api, stripe, team_a):
    admin_api.post(f"{URL}connect/", {**KEYS, "webhook_secret": WEBHOOK_SECRET})

    with tenant_context(team_a.tenant), connection.cursor() as cursor:
        cursor.execute("SELECT secret_key, webhook_secret FROM invoicing_stripeconnection")
        [(secret_key, webhook_secret)] = cursor.fetchall()
    assert SECRET_KEY not in secret_key and "sk_" not in secret_key
    assert WEBHOOK_SECRET not in webhook_secret and "whsec_" not in webhook_secret


def test_no_answer_and_no_event_ever_carries_a_key(admin_api, stripe, team_a):
    answers = [
        admin_api.post(f"{URL}connect/", KEYS),
        admin_api.post(f"{URL}webhook_secret/", {"webhook_secret": WEBHOOK_SECRET}),
        admin_api.get(f"{URL}status/"),
        admin_api.post(f"{URL}connect/", KEYS),
    ]
    admin_api.post(f"{URL}disconnect/")

    written = [answer.content.decode() for answer in answers]
    written += [json.dumps([event.payload, event.changes]) for event in stripe_events(team_a)]
    assert [event.name for event in stripe_events(team_a)] == [
        "stripe.connected", "stripe.updated", "stripe.updated", "stripe.disconnected",
    ]
    for text in written:
        assert SECRET_KEY not in text and WEBHOOK_SECRET not in text and PUBLISHABLE_KEY not in text


def test_the_account_is_linked_to_the_workspace(admin_api, stripe, team_a):
    admin_api.post(f"{URL}connect/", KEYS)

    assert ProviderAccount.objects.get(provider="stripe", external_id=ACCOUNT).tenant_id == team_a.tenant.pk


@pytest.mark.parametrize(("keys", "errors"), [
    (
        {"publishable_key": "pk_abc", "secret_key": SECRET_KEY},
        {"publishable_key": ["Enter your publishable key: it starts with pk_test_ or pk_live_."]},
    ),
    (
        {"publishable_key": PUBLISHABLE_KEY, "secret_key": PUBLISHABLE_KEY},
        {"secret_key": ["Enter your secret key: it starts with sk_test_ or sk_live_."]},
    ),
    (
        {"publishable_key": PUBLISHABLE_KEY, "secret_key": "rk_test_51HqLyjWDarjtT1zdp7dcAbCdEf"},
        {"secret_key": ["Enter your secret key: it starts with sk_test_ or sk_live_."]},
    ),
    (
        {"publishable_key": PUBLISHABLE_KEY, "secret_key": "sk_live_51HqLyjWDarjtT1zdp7dcAbCdEf"},
        {"secret_key": ["Use a test secret key with a test publishable key, or live keys for both."]},
    ),
    (
        {**KEYS, "webhook_secret": "not-a-secret"},
        {"webhook_secret": ["Enter the endpoint's signing secret: it starts with whsec_."]},
    ),
    ({"publishable_key": PUBLISHABLE_KEY}, {"secret_key": ["This field is required."]}),
])
def test_keys_of_the_wrong_shape_are_refused_before_asking_stripe(admin_api, stripe, team_a, keys, errors):
    response = admin_api.post(f"{URL}connect/", keys)

    assert (response.status_code, response.json()) == (400, errors)
    assert stripe.requests_to("/v1/account") == []
    assert kept(team_a) is None


def test_the_refusals_are_in_the_callers_language(api, stripe, team_a):
    client = api(host=team_a.host, user=team_a.admin, language="pt-BR")

    response = client.post(f"{URL}connect/", {"publishable_key": "pk_live_51HqLyjWDarjtT1zdp7dcAbCdEf",
                                              "secret_key": SECRET_KEY})

    assert response.status_code == 400
    assert response.json() == {"secret_key": [
        "Use uma chave secreta de teste com uma chave publicável de teste, ou chaves de produção nas duas."
    ]}


def test_a_key_stripe_does_not_know_is_refused_and_nothing_is_kept(admin_api, stripe, team_a):
    response = admin_api.post(f"{URL}connect/", {**KEYS, "secret_key": OTHER_SECRET_KEY})

    assert response.status_code == 400
    assert response.json() == {"secret_key": [
        "Stripe did not accept this secret key. Copy it again from Stripe's dashboard (Developers → API keys)."
    ]}
    assert len(stripe.requests_to("/v1/account")) == 1
    assert kept(team_a) is None
    assert not ProviderAccount.objects.filter(provider="stripe").exists()
    assert stripe_events(team_a) == []


def test_stripe_out_of_reach_is_a_502_and_nothing_is_kept(admin_api, stripe, team_a):
    stripe.unavailable = True

    response = admin_api.post(f"{URL}connect/", KEYS)

    assert response.status_code == 502
    assert response.json() == {
        "detail": "Stripe could not be reached. Nothing was changed: try again in a few minutes."
    }
    assert len(stripe.requests_to("/v1/account")) == 1  # the person waiting is answered, not made to wait on retries
    assert kept(team_a) is None


def test_connecting_again_replaces_the_keys_and_keeps_the_webhook_secret_of_the_same_account(admin_api, stripe, team_a):
    admin_api.post(f"{URL}connect/", {**KEYS, "webhook_secret": WEBHOOK_SECRET})
    new_publishable = "pk_test_51HqLyjWDarjtT1zdp7dcNewKey"
    new_secret = "sk_test_51HqLyjWDarjtT1zdp7dcNewKey"
    stripe.accept(new_secret, ACCOUNT)

    answer = admin_api.post(f"{URL}connect/", {"publishable_key": new_publishable, "secret_key": new_secret}).json()

    assert (answer["publishable_key"], answer["webhook_secret_set"]) == ("pk_test_…wKey", True)
    assert (kept(team_a).secret_key, kept(team_a).webhook_secret) == (new_secret, WEBHOOK_SECRET)
    with tenant_context(team_a.tenant):
        assert StripeConnection.objects.count() == 1


def test_another_account_replaces_the_link_and_forgets_the_old_webhook_secret(admin_api, stripe, team_a):
    admin_api.post(f"{URL}connect/", {**KEYS, "webhook_secret": WEBHOOK_SECRET})
    stripe.accept(OTHER_SECRET_KEY, "acct_1OtherAccount000")

    answer = admin_api.post(f"{URL}connect/", {**KEYS, "secret_key": OTHER_SECRET_KEY}).json()

    assert (answer["account_id"], answer["webhook_secret_set"]) == ("acct_1OtherAccount000", False)
    linked = ProviderAccount.objects.filter(provider="stripe", tenant=team_a.tenant)
    assert list(linked.values_list("external_id", flat=True)) == ["acct_1OtherAccount000"]


def test_the_webhook_secret_can_come_later(admin_api, stripe, team_a):
    refused = admin_api.post(f"{URL}webhook_secret/", {"webhook_secret": WEBHOOK_SECRET})
    admin_api.post(f"{URL}connect/", KEYS)
    wrong = admin_api.post(f"{URL}webhook_secret/", {"webhook_secret": "sk_test_nope"})
    answer = admin_api.post(f"{URL}webhook_secret/", {"webhook_secret": WEBHOOK_SECRET})

    assert (refused.status_code, refused.json()) == (404, {"detail": "Not found."})
    assert (wrong.status_code, wrong.json()) == (
        400, {"webhook_secret": ["Enter the endpoint's signing secret: it starts with whsec_."]}
    )
    assert (answer.status_code, answer.json()["webhook_secret_set"]) == (200, True)
    assert kept(team_a).webhook_secret == WEBHOOK_SECRET


def test_disconnecting_forgets_the_keys_and_the_link(admin_api, stripe, team_a):
    admin_api.post(f"{URL}connect/", KEYS)

    response = admin_api.post(f"{URL}disconnect/")

    assert response.status_code == 204
    assert kept(team_a) is None
    assert not ProviderAccount.objects.filter(provider="stripe").exists()
    assert admin_api.get(f"{URL}status/").json() == {
        "connected": False, "account_id": None, "mode": None, "publishable_key": None, "webhook_secret_set": False,
        "webhook_url": "http://alpha.localhost:8000/webhooks/stripe/", "connected_at": None,
    }
    assert admin_api.post(f"{URL}disconnect/").status_code == 204  # nothing left to forget


def test_a_manager_connects_and_a_plain_user_may_not(api, stripe, team_a):
    user = api(host=team_a.host, user=team_a.user)

    refused = [user.post(f"{URL}connect/", KEYS), user.get(f"{URL}status/"), user.post(f"{URL}disconnect/")]
    connected = api(host=team_a.host, user=team_a.manager).post(f"{URL}connect/", KEYS)

    assert [answer.status_code for answer in refused] == [403, 403, 403]
    assert connected.status_code == 200


def test_another_workspace_neither_sees_nor_changes_the_connection(api, admin_api, stripe, team_a, team_b):
    admin_api.post(f"{URL}connect/", {**KEYS, "webhook_secret": WEBHOOK_SECRET})
    outsider_here = api(host=team_a.host, user=team_b.admin)
    outsider = api(host=team_b.host, user=team_b.admin)

    assert outsider_here.post(f"{URL}disconnect/").status_code == 401
    assert outsider.get(f"{URL}status/").json()["connected"] is False
    assert outsider.post(f"{URL}disconnect/").status_code == 204
    assert kept(team_a).secret_key == SECRET_KEY


def test_one_stripe_account_belongs_to_one_workspace(api, admin_api, stripe, team_a, team_b):
    admin_api.post(f"{URL}connect/", KEYS)

    response = api(host=team_b.host, user=team_b.admin).post(f"{URL}connect/", KEYS)

    assert (response.status_code, response.json()) == (
        400, {"secret_key": ["This Stripe account is already connected to another workspace."]}
    )
    assert kept(team_b) is None

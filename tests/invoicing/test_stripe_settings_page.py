"""Settings → Card payments (/invoicing/settings/stripe/): admins and managers connect Stripe with
its keys (checked by the local fake Stripe), paste the webhook's signing secret, disconnect; the
page never shows a key again, and plain users neither see the tab nor may use it."""

import pytest
from django_tenants.utils import tenant_context

from modules.invoicing.models import StripeConnection

from .fake_stripe import OTHER_SECRET_KEY, PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, FakeStripe

PAGE = "/invoicing/settings/stripe/"
KEYS = {"publishable_key": PUBLISHABLE_KEY, "secret_key": SECRET_KEY}


@pytest.fixture
def stripe(httpserver, settings) -> FakeStripe:
    fake = FakeStripe(httpserver, settings)
    fake.accept(SECRET_KEY, "acct_1OaLphaAccount00")
    return fake


def kept(team) -> StripeConnection | None:
    with tenant_context(team.tenant):
        return StripeConnection.objects.first()


def test_the_settings_tabs_offer_card_payments_to_managers_only(client, manager, team_a):
    tabs = manager.get("/settings/").content.decode()
    client.force_login(team_a.user)
    users_tabs = client.get("/settings/").content.decode()

    assert f'<a href="{PAGE}">Card payments</a>' in tabs
    assert PAGE not in users_tabs


def test_before_connecting_the_page_offers_the_keys_form_and_explains_the_sandbox(manager):
    page = manager.get(PAGE).content.decode()

    assert f'<a href="{PAGE}" aria-current="page">Card payments</a>' in page
    assert 'name="publishable_key"' in page and 'name="secret_key"' in page
    assert "Until you connect Stripe, payment links open your customer's pay page in sandbox mode" in page


def test_a_manager_connects_and_the_page_never_shows_the_keys_again(manager, stripe, team_a):
    response = manager.post(f"{PAGE}connect/", KEYS)

    assert (response.status_code, response["Location"]) == (302, PAGE)
    page = manager.get(PAGE).content.decode()
    assert "Stripe is connected. Your invoices&#x27; payment links now open Stripe Checkout." in page
    assert "acct_1OaLphaAccount00" in page and "pk_test_…CdEf" in page
    assert "http://alpha.localhost:8000/webhooks/stripe/" in page
    assert SECRET_KEY not in page and PUBLISHABLE_KEY not in page
    assert kept(team_a).secret_key == SECRET_KEY


@pytest.mark.parametrize(("keys", "message"), [
    ({**KEYS, "secret_key": "sk_nope"}, "Enter your secret key: it starts with sk_test_ or sk_live_."),
    ({**KEYS, "secret_key": OTHER_SECRET_KEY}, "Stripe did not accept this secret key."),
])
def test_keys_refused_are_said_beside_the_field_and_nothing_is_kept(manager, stripe, team_a, keys, message):
    response = manager.post(f"{PAGE}connect/", keys)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert kept(team_a) is None


def test_the_webhook_secret_then_disconnecting(manager, stripe, team_a):
    manager.post(f"{PAGE}connect/", KEYS)

    refused = manager.post(f"{PAGE}webhook-secret/", {"webhook_secret": "secret"})
    saved = manager.post(f"{PAGE}webhook-secret/", {"webhook_secret": WEBHOOK_SECRET})
    page = manager.get(PAGE).content.decode()
    disconnected = manager.post(f"{PAGE}disconnect/")

    assert refused.status_code == 422
    assert "Enter the endpoint&#x27;s signing secret: it starts with whsec_." in refused.content.decode()
    assert saved.status_code == 302
    assert "Signing secret saved" in page and WEBHOOK_SECRET not in page
    assert disconnected.status_code == 302
    assert kept(team_a) is None
    assert "Stripe is disconnected and its keys are deleted." in manager.get(PAGE).content.decode()


def test_a_plain_user_may_neither_see_nor_change_it(client, stripe, team_a):
    client.force_login(team_a.user)
    client.defaults["HTTP_HOST"] = team_a.host

    answers = [client.get(PAGE), client.post(f"{PAGE}connect/", KEYS), client.post(f"{PAGE}disconnect/")]

    assert [answer.status_code for answer in answers] == [403, 403, 403]
    assert kept(team_a) is None
    assert stripe.requests_to("/v1/account") == []


def test_another_workspaces_member_cannot_reach_it(client, stripe, team_a, team_b):
    client.force_login(team_b.admin)
    client.defaults["HTTP_HOST"] = team_a.host

    response = client.post(f"{PAGE}connect/", KEYS)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert kept(team_a) is None

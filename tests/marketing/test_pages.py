"""The marketing site on the public host: what Innexar is and what it costs."""

import re
from urllib.parse import quote

import pytest

from modules.tenancy.models import Tenant
from tests.conftest import PUBLIC_HOST


@pytest.fixture
def public(client, db):
    def get(path, **extra):
        return client.get(path, HTTP_HOST=PUBLIC_HOST, **extra)

    return get


def test_it_says_what_innexar_does_on_the_landing_page(public):
    response = public("/")

    assert response.status_code == 200
    page = response.content.decode()
    for words in (
        "CRM",
        "Finance",
        "Inventory",
        "Projects",
        "Integrations",
        "Analytics &amp; reports",
        "Webhooks",
        "NF-e",
        "CFDI",
        "Stripe",
        "boleto",
        "PIX",
        "Brazil",
        "Mexico",
        "United States",
    ):
        assert words in page


def test_it_links_the_landing_page_to_pricing_and_signup(public):
    page = public("/").content.decode()

    assert 'href="/pricing/"' in page
    assert 'href="/signup/"' in page


def test_it_shows_the_three_plans_with_their_prices_and_users(public):
    response = public("/pricing/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="plan-starter"' in page and 'id="plan-professional"' in page and 'id="plan-enterprise"' in page
    assert "$29.00" in page and "$79.00" in page and "$199.00" in page
    assert "Up to 3 users" in page
    assert "Up to 15 users" in page
    assert "Unlimited users" in page


def test_it_lists_what_each_plan_includes(public):
    response = public("/pricing/")

    starter, professional, enterprise = response.context["plans"]
    assert [line.label for line in starter.features if line.included] == [
        "CRM: leads, contacts, deal pipeline and activities",
        "Payables, receivables and cash flow",
        "Invoices with NF-e, CFDI, Stripe, boleto and PIX",
    ]
    assert [line.label for line in professional.features if not line.included] == [
        "QuickBooks, Stripe and WhatsApp integrations",
        "Outgoing webhooks",
    ]
    assert all(line.included for line in enterprise.features)
    page = response.content.decode()
    assert '<span class="visually-hidden">Not included:</span>Outgoing webhooks' in page


def test_it_formats_prices_for_the_visitors_language(public):
    page = public("/pricing/", HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()

    assert "US$ 29,00" in page
    assert "US$ 199,00" in page


def test_it_links_each_plan_to_the_signup_form_with_that_plan(public):
    page = public("/pricing/").content.decode()

    assert 'href="/signup/?plan=starter"' in page
    assert 'href="/signup/?plan=enterprise"' in page


def test_it_sends_returning_customers_to_their_workspace_sign_in(public, team_a):
    response = public("/sign-in/?subdomain=alpha")

    assert response.status_code == 302
    assert response["Location"] == "http://alpha.localhost:8000/accounts/login/"


@pytest.mark.parametrize(
    "typed", ["Alpha", "Álpha", " alpha.localhost ", "https://alpha.localhost:8000/crm/", "alpha.innexar.app"]
)
def test_it_reads_a_workspace_address_typed_or_pasted_whole(public, team_a, typed):
    response = public(f"/sign-in/?subdomain={quote(typed)}")

    assert response.status_code == 302
    assert response["Location"] == "http://alpha.localhost:8000/accounts/login/"


def test_a_suspended_workspace_is_found_and_its_own_page_says_it_is_suspended(public, team_a, client):
    Tenant.objects.filter(pk=team_a.tenant.pk).update(is_active=False)

    response = public("/sign-in/?subdomain=alpha")
    workspace = client.get("/accounts/login/", HTTP_HOST=team_a.host)

    assert response.status_code == 302
    assert workspace.status_code == 403
    assert "suspended" in workspace.content.decode().lower()


def test_it_says_so_when_no_workspace_has_that_address(public):
    response = public("/sign-in/?subdomain=nobody-here")

    assert response.status_code == 422
    assert "find a workspace at that address" in response.content.decode()


def test_it_does_not_send_anyone_to_the_platforms_own_tenant(public):
    assert public("/sign-in/?subdomain=public").status_code == 422


def test_it_answers_404_with_our_page_for_an_unknown_path(public):
    response = public("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    # Its own icon: without one the browser asks for /favicon.ico, and that is another 404.
    assert '<link rel="icon" href="data:image/svg+xml,' in response.content.decode()


def test_form_help_is_where_aria_describedby_points_and_stays_beside_an_error(public, client):
    blank = public("/signup/").content.decode()
    refused = client.post("/signup/", {"subdomain": "Bad Name!"}, HTTP_HOST=PUBLIC_HOST).content.decode()

    described = re.search(r'name="subdomain"[^>]*aria-describedby="([^"]+)"', blank).group(1)
    assert f'<small id="{described}">' in blank
    assert f'<small id="{described}">' in refused
    assert refused.count('id="id_subdomain_error"') == 1

"""The first hour of a Brazilian bakery and a Mexican taquería, in Chromium, in their languages,
on a desktop and on a phone: signup picks the country from the language, the workspace starts
with that country's currency and time zone, a national phone number is read and shown as people
write it there and found by its digits, and a deal value typed the local way is saved and shown
right."""

import uuid

import pytest
from django.db import connection

from modules.accounts.models import User
from modules.tenancy.models import CompanyProfile, Tenant
from modules.tenancy.schemas import spare_pool_replenish
from tests.conftest import PASSWORD
from tests.e2e.conftest import chromium

pytestmark = pytest.mark.browser

JOURNEYS = {
    "pt-BR": {
        "country": "BR", "currency": "BRL", "timezone": "America/Sao_Paulo",
        "phone": "(41) 99123-4567", "phone_shown": "(41) 99123-4567", "digits": "41991234567",
        "value": "12.500,00", "value_shown": "R$ 12.500,00",
    },
    "es": {
        "country": "MX", "currency": "MXN", "timezone": "America/Mexico_City",
        "phone": "55 1234 5678", "phone_shown": "55 1234 5678", "digits": "5512345678",
        "value": "12,500.50", "value_shown": "$12,500.50",
    },
}


@pytest.fixture(scope="module")
def subdomains(django_db_blocker):
    """Fresh workspace addresses; what the server created under them is removed after the module,
    outside any test's (rolled back) transaction, and the spare schemas its signups took are made again."""
    names = []
    yield lambda: names.append(f"fh{uuid.uuid4().hex[:10]}") or names[-1]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for tenant in Tenant.objects.filter(subdomain__in=names):
            User.objects.filter(tenant=tenant).delete()
            tenant.delete(force_drop=True)
        spare_pool_replenish()  # the signups took the session's spares; later tests count on them


VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.mark.django_db
@pytest.mark.parametrize("screen", VIEWPORTS)
@pytest.mark.parametrize("language", JOURNEYS)
def test_a_first_hour_in_brazil_and_mexico(server, subdomains, language, screen, django_db_blocker):
    journey, subdomain = JOURNEYS[language], subdomains()
    with chromium() as browser:
        _first_hour(browser, f"http://{subdomain}.localhost:{server}", server, subdomain, journey, language, screen)

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        profile = CompanyProfile.objects.get(tenant__subdomain=subdomain)
    assert (profile.country, profile.default_currency, profile.timezone) == (
        journey["country"], journey["currency"], journey["timezone"],
    )


def _first_hour(browser, workspace, server, subdomain, journey, language, screen) -> None:
    from playwright.sync_api import expect

    width, height = VIEWPORTS[screen]
    page = browser.new_context(locale=language, viewport={"width": width, "height": height}).new_page()

    page.goto(f"http://localhost:{server}/signup/")
    expect(page.locator("[name=country]")).to_have_value(journey["country"])
    page.locator("[name=name]").fill("Padaria Pão Quente" if language == "pt-BR" else "Taquería El Güero")
    page.locator("[name=subdomain]").fill(subdomain)
    page.locator("[name=admin_name]").fill("Dona Conceição" if language == "pt-BR" else "José Hernández")
    page.locator("[name=email]").fill(f"owner@{subdomain}.example.com")
    page.locator("[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{workspace}/")

    page.goto(f"{workspace}/crm/leads/")
    page.locator("#lead-form").evaluate("form => form.closest('details').open = true")
    page.locator("#lead-form [name=name]").fill("Cliente Atacado")
    page.locator("#lead-form [name=email]").fill(f"compras@{subdomain}-cliente.com")
    page.locator("#lead-form [name=phone]").fill(journey["phone"])
    page.locator("#lead-form button[type=submit]").click()
    page.wait_for_url(f"{workspace}/crm/leads/*/")
    expect(page.locator("main")).to_contain_text(journey["phone_shown"])
    lead_url = page.url

    page.goto(f"{workspace}/crm/leads/?search={journey['digits']}")
    expect(page.locator("main table")).to_contain_text("Cliente Atacado")

    page.goto(lead_url)
    page.locator("form[action$='/convert/']").evaluate("form => form.closest('details').open = true")
    page.locator("form[action$='/convert/'] [name=value]").fill(journey["value"])
    page.locator("form[action$='/convert/'] button[type=submit]").click()
    page.wait_for_url(f"{workspace}/crm/deals/*/")
    expect(page.locator("main")).to_contain_text(journey["value_shown"])

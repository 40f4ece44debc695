"""A real Chromium changes the company's country in settings: the form redraws for the new
country (its PIX key and tax regimes) and offers to switch currency and time zone along.
The server (tests/e2e/conftest.py) commits what this module changes; it is put back at the end.
"""

import uuid

import pytest
from django.db import connection

from modules.accounts.models import Role
from modules.tenancy.models import CompanyProfile
from tests.e2e.conftest import chromium, sign_in, user_who_signs_in

pytestmark = pytest.mark.browser

KEPT = ("country", "default_currency", "timezone", "tax_regime", "pix_key")


@pytest.fixture(scope="module")
def owner(django_db_setup, django_db_blocker):
    team = django_db_setup["alpha"]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        before = CompanyProfile.objects.filter(tenant=team.tenant).values(*KEPT).get()
        user = user_who_signs_in(
            f"owner.{uuid.uuid4().hex[:6]}@alpha.example.com", name="Olga Owner", tenant=team.tenant, role=Role.ADMIN
        )
    yield {"host": team.host, "user": user, "tenant": team.tenant}
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        CompanyProfile.objects.filter(tenant=team.tenant).update(**before)
        user.delete()


@pytest.mark.django_db
def test_choosing_brazil_offers_its_currency_time_zone_and_pix_and_saving_applies_them(server, owner):
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        base = f"http://{owner['host']}:{server}"
        sign_in(page, base, owner["user"])
        page.goto(f"{base}/settings/")
        expect(page.get_by_label("PIX key")).to_have_count(0)

        page.get_by_label("Country").select_option("BR")

        offer = page.get_by_label("Also switch currency to BRL and time zone to Brazil (São Paulo) Time")
        expect(offer).to_be_checked()
        expect(page.get_by_label("PIX key")).to_be_visible()
        expect(page.get_by_label("Tax regime")).to_contain_text("Simples Nacional")
        page.get_by_label("PIX key").fill("financeiro@alpha.com.br")
        page.get_by_role("button", name="Save changes").click()
        expect(page.locator("#company-form").get_by_role("status")).to_have_text("Company settings saved.")

    profile = CompanyProfile.objects.get(tenant=owner["tenant"])
    assert (profile.country, profile.default_currency, profile.timezone, profile.pix_key) == (
        "BR", "BRL", "America/Sao_Paulo", "financeiro@alpha.com.br",
    )

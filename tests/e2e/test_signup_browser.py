"""A real Chromium signs a company up on the marketing site and lands in its new workspace.

The site runs as a real server process on the pytest database (`server`, tests/e2e/conftest.py),
so the signup commits like it does in production; the test removes the tenant it created.
"""

import uuid

import pytest
from django.db import connection

from modules.accounts.models import User
from modules.tenancy.models import Tenant
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def subdomain(django_db_blocker):
    """A fresh workspace address; what the server created under it is removed after the module,
    outside any test transaction."""
    name = f"pw{uuid.uuid4().hex[:10]}"
    yield name
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        tenant = Tenant.objects.filter(subdomain=name).first()
        if tenant is not None:
            User.objects.filter(tenant=tenant).delete()
            tenant.delete(force_drop=True)


# The mark makes pytest-django create the test database even when this test runs alone. The
# server writes through its own connection, so this test's (rolled back) transaction holds nothing.
@pytest.mark.django_db
def test_it_signs_a_company_up_and_lands_its_admin_in_the_workspace(server, subdomain, browser):
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(f"http://localhost:{server}/")
    # Pico styles call-to-action links as role="button".
    page.get_by_role("banner").get_by_role("button", name="Start free trial").click()

    expect(page.get_by_role("heading", name="Create your workspace")).to_be_visible()
    page.get_by_label("Company name").fill("Playwright Labs")
    page.get_by_label("Workspace address").fill(subdomain)
    page.get_by_label("Starter · $29.00/month").check()
    page.get_by_label("Your name").fill("Paula Playwright")
    page.get_by_label("Work email").fill(f"paula@{subdomain}.example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my workspace").click()

    page.wait_for_url(f"http://{subdomain}.localhost:{server}/")
    expect(page.get_by_role("heading", name="Welcome, Paula")).to_be_visible()
    expect(page.locator(".user-chip")).to_contain_text("Paula Playwright")
    expect(page.locator(".sidebar-brand")).to_contain_text("Playwright Labs")

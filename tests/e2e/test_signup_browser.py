"""A real Chromium signs a company up on the marketing site and lands in its new workspace.

The site runs as a real server process on the pytest database (not pytest-django's live_server,
whose flush would wipe the session's tenants), so the signup commits like it does in production;
the test removes the tenant it created.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from modules.accounts.models import User
from modules.tenancy.models import Tenant
from tests.conftest import CHROMIUM, PASSWORD, database_url

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PROJECT_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """The port of `manage.py runserver` serving the test database."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PORT": str(port),
        "INNEXAR_SPARE_SCHEMA_AUTO_REPLENISH": "false",
    }
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"The server exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"The server did not start in 60 s:\n{log_path.read_text()}")
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


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
def test_it_signs_a_company_up_and_lands_its_admin_in_the_workspace(server, subdomain):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
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
        finally:
            browser.close()

"""A real Chromium on the integrations page, with QuickBooks in its offline sandbox (the server has
no Intuit app): "Connect QuickBooks" comes back connected, "Sync now" redraws the card in place
with the sync's counts, and nothing breaks the Content-Security-Policy.

The server (tests/e2e/conftest.py) commits what the browser does: the module puts Alpha on the
Enterprise plan for its run and removes what it made at the end.
"""

import re
import uuid

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.events.models import AuditEntry, Event
from modules.integrations.models import QuickBooksConnection, QuickBooksLink
from modules.tenancy.models import Tenant
from tests.e2e.conftest import chromium, server, sign_in, user_who_signs_in  # noqa: F401

pytestmark = pytest.mark.browser

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture(scope="module")
def books_keeper(django_db_setup, django_db_blocker):
    """A manager of Alpha, on the Enterprise plan while the module runs."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        tenant = Tenant.objects.get(pk=team.tenant.pk)
        plan, tenant.plan = tenant.plan, "enterprise"
        tenant.save(update_fields=["plan"])  # saved, not updated: every process's snapshot follows
        user = user_who_signs_in(f"quinn.{tag}@alpha.example.com", name="Quinn Books", tenant=tenant,
                                 role=Role.MANAGER)
    yield team, user
    with django_db_blocker.unblock():
        with tenant_context(tenant):
            QuickBooksLink.objects.all().delete()
            QuickBooksConnection.objects.all().delete()
            Event.objects.filter(aggregate_type="integration").delete()
            AuditEntry.objects.filter(aggregate_type="integration", actor=user).delete()
        connection.set_schema_to_public()
        tenant.plan = plan
        tenant.save(update_fields=["plan"])
        user.delete()


@pytest.mark.django_db
def test_connect_and_sync_quickbooks_in_the_sandbox(server, books_keeper):  # noqa: F811
    team, user = books_keeper
    base = f"http://{team.tenant.subdomain}.localhost:{server}"
    with chromium() as browser:
        page = browser.new_page()
        page.add_init_script(LISTEN)
        sign_in(page, base, user)

        page.goto(f"{base}/integrations/")
        page.get_by_role("button", name="Connect QuickBooks").click()
        page.wait_for_url(f"{base}/integrations/?quickbooks=connected")
        card = page.locator("#quickbooks-card")
        assert "Sandbox company: nothing leaves Innexar." in card.inner_text()
        assert "Last sync: never" in card.inner_text()

        page.get_by_role("button", name="Sync now").click()
        card.get_by_text(re.compile(r"\d+ customers, \d+ invoices, \d+ vendors")).wait_for()

        assert page.url == f"{base}/integrations/?quickbooks=connected"  # redrawn in place
        violations = page.evaluate("window.__violations")
    assert violations == []

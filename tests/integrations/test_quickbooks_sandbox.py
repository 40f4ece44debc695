"""Without an Intuit app configured, QuickBooks is a sandbox that works offline: connecting comes
straight back connected to a sandbox company, and syncing links every record once."""

from urllib.parse import urlparse

import pytest
from django_tenants.utils import tenant_context

from modules.crm.services import contact_create
from modules.integrations.models import QuickBooksConnection

pytestmark = pytest.mark.usefixtures("enterprise")
BASE = "/api/v1/integrations/quickbooks/"


def test_the_sandbox_connects_and_syncs_without_leaving_the_machine(
    api, team_a, manager, settings, django_capture_on_commit_callbacks
):
    settings.QUICKBOOKS_CLIENT_ID = ""  # no Intuit app: the sandbox
    admin = api(host=team_a.host, user=team_a.admin)
    there = urlparse(admin.get(f"{BASE}connect/")["Location"])
    assert (there.netloc, there.path) == (team_a.host, f"{BASE}callback/")

    back = api(host=team_a.host).get(f"{there.path}?{there.query}")

    assert back["Location"].endswith("/integrations/?quickbooks=connected")
    with tenant_context(team_a.tenant):
        assert QuickBooksConnection.objects.get().realm_id == "sandbox"
        contact_create(actor=None, name="Maria Souza", email="maria@example.com")
    assert "Sandbox company: nothing leaves Innexar." in manager.get("/integrations/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"{BASE}sync/", {}).status_code == 202
    first = admin.get(f"{BASE}sync/").json()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"{BASE}sync/", {})
    second = admin.get(f"{BASE}sync/").json()

    assert first["sync_status"] == "done" and first["synced_customers"] >= 1
    assert second["synced_customers"] == 0
    assert admin.delete(f"{BASE}disconnect/").status_code == 204

"""A first import from the leads page in Chromium, in Beta's workspace (no leads yet): the button
waits while the file goes up (so a second click cannot send it twice), and once the import ends
the list with the new lead takes the place of the empty state, without a reload."""

import uuid

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.core.models import ImportJob
from modules.crm.models import Lead
from modules.events.models import Event
from tests.conftest import on_own_connection
from tests.e2e.conftest import chromium, sign_in, user_who_signs_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def importer(django_db_setup, django_db_blocker):
    team = django_db_setup["beta"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = user_who_signs_in(f"ivo.{tag}@beta.example.com", name="Ivo Import", tenant=team.tenant, role=Role.USER)
    yield {"host": team.host, "tenant": team.tenant, "user": user, "tag": tag}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            leads = Lead.objects.filter(email__endswith=f"{tag}.example.com")
            ids = list(leads.values_list("pk", flat=True))
            Event.objects.filter(name="lead.created", payload__id__in=ids).delete()
            leads.delete()
            ImportJob.objects.filter(created_by=user).delete()
        connection.set_schema_to_public()
        user.delete()


@pytest.mark.django_db
def test_the_button_waits_for_the_upload_and_the_list_shows_the_imported_leads(server, importer):
    from playwright.sync_api import expect

    tag = importer["tag"]
    csv = f"Nome;E-mail;Origem\nTeresa {tag};teresa@{tag}.example.com;Instagram\nSem email {tag};nada;\n"
    base = f"http://{importer['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, base, importer["user"])
        page.goto(f"{base}/crm/leads/")
        empty = page.locator("#leads-empty")
        expect(empty).to_contain_text("No leads yet")

        page.get_by_role("button", name="Import CSV").click()
        page.locator("#import-form input[type=file]").set_input_files(
            files=[{"name": "clientes.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
        )
        held = []
        page.route("**/crm/leads/import/", lambda route: held.append(route))
        button = page.locator("#import-form").get_by_role("button", name="Import leads")
        button.click()

        # The upload is on its way (held here): the button cannot send it a second time.
        expect(button).to_be_disabled()
        while not held:
            page.wait_for_timeout(20)
        held[0].continue_()
        page.unroute("**/crm/leads/import/")

        panel = page.locator("#import-panel")
        expect(panel).to_contain_text("1 lead imported.")
        expect(panel).to_contain_text("Origem: “Instagram” is not a source we know")
        expect(panel.get_by_role("link", name="Download the rows left out")).to_be_visible()
        # The list took the empty state's place by itself.
        expect(page.locator("#lead-results")).to_contain_text(f"Teresa {tag}")
        expect(empty).to_have_count(0)
        expect(panel.get_by_role("button", name="Import leads")).to_be_enabled()

    assert on_own_connection(lambda: _imported_sources(importer)) == [("other",)]


def _imported_sources(importer):
    with tenant_context(importer["tenant"]):
        return list(Lead.objects.filter(email__endswith=f"{importer['tag']}.example.com").values_list("source"))

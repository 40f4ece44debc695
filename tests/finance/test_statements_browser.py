"""The statement page in Chromium, as a manager uses it: a statement imported from the page (its
summary, then the list with its lines, without a reload), the sandbox bank connected and synced
from the feed panel, and nothing serious or critical for axe-core, wide and narrow.

The server (tests/e2e/conftest.py) commits what this module makes; it is removed when it ends."""

import json
import uuid

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.core.models import ImportJob
from modules.events.models import AuditEntry, Event
from modules.finance.models import BankAccount, BankFeed, Transaction
from tests.e2e.axe import AXE, RUN_AXE, WIDTHS
from tests.e2e.conftest import chromium, server, sign_in, user_who_signs_in  # noqa: F401  (server: a fixture)
from tests.finance.statements_fixtures import sample

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def bookkeeper(django_db_setup, django_db_blocker):
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        manager = user_who_signs_in(f"bia.{tag}@alpha.example.com", name="Bia", tenant=team.tenant, role=Role.MANAGER)
        with tenant_context(team.tenant):
            bank_account = BankAccount.objects.create(
                name=f"Itaú {tag}", bank="Itaú", account_number=tag, currency="BRL"
            )
        connection.set_schema_to_public()
    yield {"host": team.host, "manager": manager, "bank_account": bank_account}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            Transaction.objects.filter(bank_account=bank_account).delete()
            BankFeed.objects.filter(bank_account=bank_account).delete()
            Event.objects.filter(aggregate_type="bank_account", aggregate_id=bank_account.pk).delete()
            AuditEntry.objects.filter(aggregate_type="bank_account", aggregate_id=bank_account.pk).delete()
            ImportJob.objects.filter(created_by=manager).delete()
            bank_account.delete()
        connection.set_schema_to_public()
        manager.delete()


@pytest.mark.django_db
def test_a_manager_imports_a_statement_then_connects_and_syncs_the_sandbox(server, bookkeeper):  # noqa: F811
    from playwright.sync_api import expect

    base = f"http://{bookkeeper['host']}:{server}"
    statement = f"{base}/finance/statements/?bank_account_id={bookkeeper['bank_account'].pk}"
    found = {}
    with chromium() as browser:
        page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
        sign_in(page, base, bookkeeper["manager"])
        page.goto(statement)

        page.get_by_role("button", name="Import a statement").click()
        page.locator("#statement-import-form input[type=file]").set_input_files(files=[{
            "name": "marco.ofx", "mimeType": "application/x-ofx", "buffer": sample("itau_sgml_closed.ofx"),
        }])
        page.locator("#statement-import-form").get_by_role("button", name="Import statement").click()
        expect(page.locator("#import-panel")).to_contain_text("3 lines imported.")
        results = page.locator("#statement-results")
        expect(results).to_contain_text("PAGTO BOLETO ENERGIA ELÉTRICA")  # the list reloaded by itself
        expect(results).to_contain_text("3 lines")

        panel = page.locator("#feed-panel")
        panel.get_by_role("button", name="Connect the sandbox bank").click()
        expect(panel).to_contain_text("Connected to the sandbox bank.")
        panel.get_by_role("button", name="Sync now").click()
        expect(panel).to_contain_text("new lines.")
        expect(panel).to_contain_text("Last synced")

        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(statement)
            page.wait_for_load_state("networkidle")
            page.add_script_tag(url=AXE)
            violations = page.evaluate(RUN_AXE)
            if violations:
                found[f"statement at {width} px"] = violations

    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)

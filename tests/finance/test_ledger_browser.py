"""A real Chromium on the ledger's pages: the "Mark paid" button opens its dialog, a refusal comes
back inside it, and paying reloads the account as paid; axe finds nothing serious or critical on
any finance page, wide and narrow.

The server (tests/e2e/conftest.py) commits what the browser does, so what this module makes is
committed too, and removed when it ends."""

import json
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.events.models import AuditEntry, Event
from modules.finance import services
from modules.finance.models import Account, BankAccount, Category, Payment
from tests.e2e.axe import axe_violations_of_pages
from tests.e2e.conftest import (
    chromium,
    server,  # noqa: F401  (the server process, a module fixture)
    sign_in,
    user_who_signs_in,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def ledger(django_db_setup, django_db_blocker):
    """Alpha's workspace with a member who signs in through the form, a category, a bank account and
    a receivable of theirs."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        member = user_who_signs_in(f"lia.{tag}@alpha.example.com", name="Lia", tenant=team.tenant, role=Role.USER)
        with tenant_context(team.tenant):
            category = services.category_create(actor=team.admin, name=f"Services {tag}", type="income",
                                                color="#10b981")
            bank_account = services.bank_account_create(actor=team.admin, name=f"Checking {tag}",
                                                        account_number="1234", currency="USD")
            account = services.account_create(
                actor=member, type="receivable", description=f"Consulting {tag}", amount=Decimal("1500.00"),
                currency="USD", due_date=date(2099, 1, 1), category=category, assigned_to=member,
            )
        connection.set_schema_to_public()
    yield {"host": team.host, "tenant": team.tenant, "member": member, "account": account}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            Event.objects.filter(aggregate_type__in=["account", "category", "bank_account"],
                                 aggregate_id__in=[account.pk, category.pk, bank_account.pk]).delete()
            AuditEntry.objects.filter(aggregate_id__in=[account.pk, category.pk, bank_account.pk]).delete()
            Account.objects.filter(pk=account.pk).delete()
            BankAccount.objects.filter(pk=bank_account.pk).delete()
            Category.objects.filter(pk=category.pk).delete()
        connection.set_schema_to_public()
        member.delete()


@pytest.mark.django_db
def test_mark_paid_opens_its_dialog_keeps_a_refusal_inside_and_pays(server, ledger):  # noqa: F811
    base = f"http://{ledger['host']}:{server}"
    url = f"{base}/finance/accounts/{ledger['account'].pk}/"
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, base, ledger["member"])
        page.goto(url)
        dialog = page.locator("#pay-dialog")
        assert not dialog.is_visible()

        page.get_by_role("button", name="Mark paid").first.click()
        assert dialog.is_visible()
        assert page.evaluate("document.querySelector('#pay-dialog').matches(':modal')")
        dialog.get_by_label("Paid on").fill("2999-01-01")
        dialog.get_by_label("Payment method").select_option("pix")
        dialog.get_by_role("button", name="Mark paid").click()
        dialog.get_by_text("A payment cannot be dated in the future.").wait_for()
        assert dialog.is_visible()

        dialog.get_by_label("Paid on").fill("2026-01-15")
        dialog.get_by_role("button", name="Mark paid").click()
        page.get_by_text("The account was marked paid.").wait_for()
        shown = page.locator(".record-head").inner_text()
    with tenant_context(ledger["tenant"]):
        payments = list(Payment.objects.filter(account_id=ledger["account"].pk).values_list("amount", "method"))

    assert "Paid" in shown
    assert payments == [(Decimal("1500.00"), "pix")]


@pytest.mark.django_db
def test_no_finance_page_has_a_serious_or_critical_accessibility_violation(server, ledger):  # noqa: F811
    base = f"http://{ledger['host']}:{server}"
    pages = {
        "overview": "/finance/", "accounts": "/finance/accounts/", "new account": "/finance/accounts/new/",
        "account": f"/finance/accounts/{ledger['account'].pk}/", "categories": "/finance/categories/",
        "bank accounts": "/finance/bank-accounts/",
    }
    found = axe_violations_of_pages(base, ledger["member"], pages)

    assert found == {}, json.dumps(found, indent=2)

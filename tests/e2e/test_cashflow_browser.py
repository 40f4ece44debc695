"""A real Chromium draws the cash-flow chart (Chart.js, static/js/cashflow.js) from the page's
figures, with no console error, no Content-Security-Policy violation and nothing serious for
axe-core, and draws it again when htmx swaps in another granularity.

The server (tests/e2e/conftest.py) reads what this module commits: a teammate, a bank account
with statement lines and an open receivable, removed when it ends."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.finance.models import Account, AccountType, BankAccount, Transaction, TransactionType
from modules.tenancy.scope import tenant_scope
from tests.e2e.axe import AXE, RUN_AXE
from tests.e2e.conftest import sign_in, user_who_signs_in

pytestmark = pytest.mark.browser

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""
# What Chart.js holds for the page's canvas: its labels and each dataset's figures.
DRAWN = """() => {
  const chart = window.Chart && window.Chart.getChart(document.querySelector("canvas[data-chart='cash-flow']"));
  const figures = (set) => [set.key, set.data];
  return chart ? {labels: chart.data.labels, data: Object.fromEntries(chart.data.datasets.map(figures))} : null;
}"""


@pytest.fixture(scope="module")
def books(django_db_setup, django_db_blocker):
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = user_who_signs_in(f"flow.{tag}@alpha.example.com", name="Flora Flow", tenant=team.tenant, role=Role.USER)
        with tenant_scope(team.tenant):
            today = timezone.localdate()
        with tenant_context(team.tenant):
            bank = BankAccount.objects.create(
                name=f"Checking {tag}", account_number=tag, currency="USD", opening_balance=Decimal("1000.00")
            )
            Transaction.objects.create(
                bank_account=bank, date=today - timedelta(days=3), description="Customer paid",
                amount=Decimal("250.00"), type=TransactionType.CREDIT, dedupe_key=tag,
            )
            account = Account.objects.create(
                type=AccountType.RECEIVABLE, name=f"Invoice {tag}", amount=Decimal("400.00"), currency="USD",
                due_date=today + timedelta(days=10),
            )
        connection.set_schema_to_public()
    yield {"host": team.host, "user": user}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            account.delete()
            Transaction.objects.filter(bank_account=bank).delete()
            bank.delete()
        connection.set_schema_to_public()
        user.delete()


@pytest.mark.django_db
def test_the_chart_draws_the_figures_and_again_after_a_swap(server, browser, books):
    context = browser.new_context()
    context.add_init_script(LISTEN)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = f"http://{books['host']}:{server}"
    sign_in(page, base, books["user"])

    page.goto(f"{base}/finance/cash-flow/")
    page.wait_for_function(DRAWN)
    weekly = page.evaluate(DRAWN)
    box = page.locator("canvas[data-chart='cash-flow']").bounding_box()
    page.add_script_tag(url=AXE)
    accessibility = page.evaluate(RUN_AXE)
    page.get_by_label("By").select_option("month")
    fewer = len(weekly["labels"])
    page.wait_for_function(f"() => {{ const drawn = ({DRAWN})(); return drawn && drawn.labels.length < {fewer}; }}")
    monthly = page.evaluate(DRAWN)
    table_rows = page.locator("#cash-flow-figures tbody tr").count()
    violations = page.evaluate("window.__violations")
    url = page.url
    context.close()

    assert box["width"] > 300 and box["height"] > 100
    assert 20 <= len(weekly["labels"]) <= 28  # five months by week
    assert max(value for value in weekly["data"]["balance"] if value is not None) == 1250
    assert 1650 in weekly["data"]["projected_balance"]
    assert len(monthly["labels"]) == table_rows == 6
    assert "granularity=month" in url  # the address follows the form
    assert violations == []
    assert accessibility == []
    assert errors == []

"""A real Chromium on the analytics pages: the dashboard's chart drawn by Chart.js under the
Content-Security-Policy (and drawn again when the period changes), and a report asked for on the
reports page showing its progress until its download link appears.

The server (tests/e2e/conftest.py) commits what the browser does, so what this module makes is
committed too, and removed when it ends.
"""

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.analytics.models import Report
from modules.crm.models import Contact
from modules.invoicing.models import Invoice
from tests.e2e.conftest import (
    chromium,
    server,  # noqa: F401  (the server process, a module fixture)
    sign_in,
    user_who_signs_in,
)

pytestmark = pytest.mark.browser
CHART_DRAWN = "() => { const c = document.querySelector(\"canvas[data-chart='analytics-sales']\");" \
              " return !!(c && window.Chart && window.Chart.getChart(c)); }"


@pytest.fixture(scope="module")
def books(django_db_setup, django_db_blocker):
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = user_who_signs_in(f"ana.{tag}@alpha.example.com", name="Ana Analytics", tenant=team.tenant,
                                 role=Role.MANAGER)
        with tenant_context(team.tenant), transaction.atomic():
            customer = Contact.objects.create(name=f"Browser customer {tag}", email=f"{tag}@example.com")
            invoice = Invoice.objects.create(
                number=f"INV-BROWSER-{tag}", customer=customer, issue_date=date(2025, 11, 3),
                due_date=date(2025, 11, 3), currency="USD", status="paid", total=Decimal("777.00"),
            )
        connection.set_schema_to_public()
    yield {"host": team.host, "tenant": team.tenant, "user": user, "customer": customer.name}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            for report in Report.objects.filter(created_by_id=user.pk):
                if report.file:
                    (Path(settings.BASE_DIR) / "media" / report.file).unlink(missing_ok=True)
                report.delete()
            invoice.delete()
            customer.delete()
        connection.set_schema_to_public()
        user.delete()


def poll(page, script: str, *, tries: int = 100) -> None:
    """page.wait_for_function with a string is refused by the pages' CSP: ask page.evaluate."""
    for _ in range(tries):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {script}")


@pytest.mark.django_db
def test_the_dashboard_draws_its_chart_and_draws_it_again_for_another_period(server, books):  # noqa: F811
    from playwright.sync_api import expect

    base = f"http://{books['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page()
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        sign_in(page, base, books["user"])
        page.goto(f"{base}/analytics/?period=custom&start_date=2025-11-01&end_date=2025-11-30")

        expect(page.locator("#card-sales strong")).to_have_text("$777.00")
        poll(page, CHART_DRAWN)
        assert page.evaluate("() => Chart.getChart(document.querySelector(\"canvas[data-chart='analytics-sales']\"))"
                             ".data.datasets[0].data[2]") == 777

        page.locator("#id_period").select_option("7d")
        expect(page.locator("#card-sales strong")).to_have_text("$0.00")
        poll(page, CHART_DRAWN)
        assert "period=7d" in page.url
        assert not [error for error in errors if "Content Security Policy" in error], errors


@pytest.mark.django_db
def test_a_report_shows_its_progress_then_its_download_link(server, books):  # noqa: F811
    from playwright.sync_api import expect

    base = f"http://{books['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, base, books["user"])
        page.goto(f"{base}/analytics/reports/")
        page.locator("#id_type").select_option("sales_by_customer")
        page.locator("#id_format").select_option("csv")
        page.locator("#id_start_date").fill("2025-11-01")
        page.locator("#id_end_date").fill("2025-11-30")
        page.get_by_role("button", name="Make the report").click()

        row = page.locator("#reports tbody tr").first
        expect(row.get_by_role("link", name="Download")).to_be_visible(timeout=15_000)
        expect(row).to_contain_text("Ready")
        with page.expect_download() as downloaded:
            row.get_by_role("link", name="Download").click()
        text = Path(downloaded.value.path()).read_text(encoding="utf-8-sig")

    assert books["customer"] in text and "777.00" in text

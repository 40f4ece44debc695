"""A real Chromium on the invoice pages: the editor's totals follow what is typed (the server's
rule, over htmx), items are added and removed in place, the draft is saved; axe finds nothing
serious or critical on any invoice page, wide and narrow.

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
from modules.core.models import Sequence
from modules.crm.models import Contact
from modules.events.models import AuditEntry, Event
from modules.finance.models import Account
from modules.invoicing import services
from modules.invoicing.models import Invoice
from modules.tenancy.scope import tenant_scope
from tests.e2e.axe import axe_violations_of_pages
from tests.e2e.conftest import (
    chromium,
    server,  # noqa: F401  (the server process, a module fixture)
    sign_in,
    user_who_signs_in,
)

from .conftest import item

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def billing(django_db_setup, django_db_blocker):
    """Alpha's workspace with a member who signs in through the form, a customer and an issued
    invoice of theirs."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        member = user_who_signs_in(f"ines.{tag}@alpha.example.com", name="Inês", tenant=team.tenant, role=Role.USER)
        with tenant_context(team.tenant), tenant_scope(team.tenant):
            numbered = dict(Sequence.objects.filter(key__startswith="invoice:").values_list("key", "last_value"))
            customer = Contact.objects.create(name=f"Customer {tag}", email=f"customer.{tag}@example.com")
            issued = services.invoice_create(
                actor=member, customer=customer, issue_date=date(2099, 1, 1), due_date=date(2099, 2, 1), currency="USD",
                items=[item("Onboarding", "1", "900.00")],
            )
            services.invoice_issue(actor=member, invoice=issued)
        connection.set_schema_to_public()
    yield {"host": team.host, "tenant": team.tenant, "member": member, "customer": customer, "issued": issued}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            made = {
                "invoice": list(Invoice.objects.filter(customer=customer).values_list("pk", flat=True)),
                "account": list(Account.objects.filter(customer=customer).values_list("pk", flat=True)),
            }
            Invoice.objects.filter(customer=customer).delete()
            Account.objects.filter(customer=customer).delete()
            for kind, ids in made.items():
                Event.objects.filter(aggregate_type=kind, aggregate_id__in=ids).delete()
                AuditEntry.objects.filter(aggregate_type=kind, aggregate_id__in=ids).delete()
            Contact.objects.filter(pk=customer.pk).delete()
            # The numbers taken here are given back: other tests count from where they were.
            Sequence.objects.filter(key__startswith="invoice:").exclude(key__in=numbered).delete()
            for key, last_value in numbered.items():
                Sequence.objects.filter(key=key).update(last_value=last_value)
        connection.set_schema_to_public()
        member.delete()


@pytest.mark.django_db
def test_the_editors_totals_follow_what_is_typed_and_the_draft_is_saved(server, billing):  # noqa: F811
    base = f"http://{billing['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, base, billing["member"])
        page.goto(f"{base}/invoicing/invoices/new/")
        page.locator("select[name=customer]").select_option(str(billing["customer"].pk))
        page.get_by_label("Description, item 1").fill("Consulting")
        page.get_by_label("Quantity, item 1").fill("3")
        page.get_by_label("Unit price, item 1").fill("0.335")
        page.get_by_label("Tax rate, item 1").fill("10")
        page.get_by_label("Tax rate, item 1").blur()
        total = page.locator('#invoice-totals [data-total="total"]')
        total.get_by_text("$1.11").wait_for()  # 3 × 0.335 = 1.005 → 1.01, and 0.10 of tax
        assert page.locator("#items-0-total").inner_text() == "$1.01"

        page.get_by_role("button", name="Add an item").click()
        page.get_by_label("Description, item 2").fill("Hosting")
        page.get_by_label("Quantity, item 2").fill("2")
        page.get_by_label("Unit price, item 2").fill("1,000.00")
        page.get_by_label("Unit price, item 2").blur()
        total.get_by_text("$2,001.11").wait_for()

        page.get_by_role("button", name="Remove item 1").click()
        total.get_by_text("$2,000.00").wait_for()
        assert page.get_by_label("Description, item 1").input_value() == "Hosting"

        page.get_by_role("button", name="Create the draft").click()
        page.get_by_text("was saved.").wait_for()
        heading = page.locator(".record-head h2").inner_text()
    with tenant_context(billing["tenant"]):
        saved = Invoice.objects.get(number=heading)

    assert (saved.status, saved.total, saved.customer_id) == ("draft", Decimal("2000.00"), billing["customer"].pk)


@pytest.mark.django_db
def test_no_invoice_page_has_a_serious_or_critical_accessibility_violation(server, billing):  # noqa: F811
    base = f"http://{billing['host']}:{server}"
    issued = billing["issued"].pk
    pages = {
        "invoices": "/invoicing/invoices/", "editor": "/invoicing/invoices/new/",
        "invoice": f"/invoicing/invoices/{issued}/",
    }
    found = axe_violations_of_pages(base, billing["member"], pages)

    assert found == {}, json.dumps(found, indent=2)

"""A customer, in a real Chromium and signed in nowhere, opens an invoice's pay link, copies its PIX
code and pays by card in the sandbox; the page then says the invoice is paid, and finance's
receivable is paid too. No Content-Security-Policy violation, no console error, nothing serious
for axe-core. A manager copies the webhook URL Stripe needs from Settings → Card payments.

The server (tests/e2e/conftest.py) reads what this module commits: a customer, an issued invoice
with its receivable and a PIX charge, a Stripe connection and a manager, removed when it ends with
what paying the invoice wrote."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.crm.models import Contact
from modules.events.models import AuditEntry, Event
from modules.finance.models import Account, AccountType, Payment
from modules.invoicing.brazil.pix import pix_static_payload
from modules.invoicing.models import CheckoutSession, Invoice, InvoiceItem, InvoicePayment, Pix, StripeConnection
from modules.invoicing.paylinks import pay_token
from modules.tenancy.models import PendingOutbox
from tests.e2e.axe import AXE, RUN_AXE
from tests.e2e.conftest import chromium, sign_in, user_who_signs_in
from tests.e2e.test_cashflow_browser import LISTEN

pytestmark = pytest.mark.browser

COPIED = "() => document.querySelector('[data-copy=\"{}\"]').textContent === 'Copied'"


@pytest.fixture(scope="module")
def invoice(django_db_setup, django_db_blocker):
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        outbox_pending = PendingOutbox.objects.filter(tenant=team.tenant).exists()
        with tenant_context(team.tenant):
            customer = Contact.objects.create(name="Carla Mendes", email=f"carla.{tag}@example.com")
            today = timezone.localdate()
            record = Invoice.objects.create(
                number=f"INV-E2E-{tag}", customer=customer, issue_date=today, due_date=today + timedelta(days=30),
                currency="USD", status="issued", subtotal=Decimal("480.00"), total=Decimal("480.00"),
            )
            InvoiceItem.objects.create(invoice=record, description="Logo design", quantity=Decimal("4"),
                                       unit_price=Decimal("120.00"), total=Decimal("480.00"))
            record.receivable = Account.objects.create(
                type=AccountType.RECEIVABLE, name=f"Invoice {record.number}", amount=Decimal("480.00"), currency="USD",
                due_date=record.due_date, customer=customer, invoice_id=record.pk,
            )
            record.save(update_fields=["receivable"])
            code = pix_static_payload("11222333000181", merchant_name="ALPHA", merchant_city="SAO PAULO",
                                      amount=Decimal("480.00"), txid=f"E2E{tag}")
            Pix.objects.create(invoice=record, type="static", txid=f"E2E{tag}", key="11222333000181",
                               amount=Decimal("480.00"), qr_code_text=code)
            path = f"/pay/{pay_token(record.pk)}/"
        connection.set_schema_to_public()
    yield {"tenant": team.tenant, "host": team.host, "path": path, "pk": record.pk, "code": code}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            receivable = Account.objects.get(pk=record.receivable_id)
            InvoicePayment.objects.filter(invoice=record).delete()
            CheckoutSession.objects.filter(invoice=record).delete()
            Pix.objects.filter(invoice=record).delete()
            Invoice.objects.filter(pk=record.pk).delete()
            Payment.objects.filter(account=receivable).delete()
            receivable.delete()
            customer.delete()
            for kind, pk in (("invoice", record.pk), ("account", record.receivable_id)):
                Event.objects.filter(aggregate_type=kind, aggregate_id=pk).delete()
                AuditEntry.objects.filter(aggregate_type=kind, aggregate_id=pk).delete()
        if not outbox_pending:
            PendingOutbox.objects.filter(tenant=team.tenant).delete()
        connection.set_schema_to_public()


@pytest.mark.django_db
def test_a_customer_copies_the_pix_code_then_pays_by_card_in_the_sandbox(server, invoice):
    base = f"http://{invoice['host']}:{server}"
    errors = []
    with chromium() as browser:
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        context.add_init_script(LISTEN)
        page = context.new_page()
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))

        page.goto(f"{base}{invoice['path']}")
        heading = page.get_by_role("heading", level=1).inner_text()
        page.add_script_tag(url=AXE)
        accessibility = page.evaluate(RUN_AXE)
        page.get_by_role("button", name="Copy the PIX code").click()
        page.wait_for_function(COPIED.format("#paypage-pix-code"))
        copied = page.evaluate("navigator.clipboard.readText()")
        page.get_by_role("button", name="Pay $480.00 (sandbox)").click()
        page.wait_for_selector(".paypage-state")
        after = page.locator("main").inner_text()
        card_buttons = page.get_by_role("button", name="Pay $480.00 (sandbox)").count()
        violations = page.evaluate("window.__violations")
        context.close()

    assert heading.startswith("Invoice INV-E2E-")
    assert copied == invoice["code"]
    assert "Paid on" in after and "Thank you!" in after
    assert card_buttons == 0 and invoice["code"] not in after
    with tenant_context(invoice["tenant"]):
        paid = Invoice.objects.select_related("receivable").get(pk=invoice["pk"])
        assert (paid.status, paid.receivable.status, paid.receivable.paid_amount) == ("paid", "paid", Decimal("480.00"))
    assert violations == []
    assert accessibility == []
    assert errors == []


@pytest.fixture(scope="module")
def connected(django_db_setup, django_db_blocker):
    """Alpha with Stripe connected (keys stored as the service stores them) and a manager."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        manager = user_who_signs_in(
            f"stripe.{tag}@alpha.example.com", name="Mia", tenant=team.tenant, role=Role.MANAGER
        )
        with tenant_context(team.tenant):
            StripeConnection.objects.create(
                account_id="acct_1OaLphaAccount00", publishable_key="pk_test_51HqLyjWDarjtT1zdp7dcAbCdEf",
                secret_key="sk_test_51HqLyjWDarjtT1zdp7dcAbCdEf",
            )
        connection.set_schema_to_public()
    yield {"host": team.host, "manager": manager}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            StripeConnection.objects.all().delete()
        connection.set_schema_to_public()
        manager.delete()


@pytest.mark.django_db
def test_a_manager_copies_the_webhook_url_from_the_card_payments_settings(server, browser, connected):
    base = f"http://{connected['host']}:{server}"
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    context.add_init_script(LISTEN)
    page = context.new_page()
    sign_in(page, base, connected["manager"])

    page.get_by_role("link", name="Settings").first.click()
    page.get_by_role("link", name="Card payments").click()
    page.add_script_tag(url=AXE)
    accessibility = page.evaluate(RUN_AXE)
    page.get_by_role("button", name="Copy", exact=True).click()
    page.wait_for_function(COPIED.format("#stripe-webhook-url"))
    copied = page.evaluate("navigator.clipboard.readText()")
    violations = page.evaluate("window.__violations")
    context.close()

    assert copied == f"http://{connected['host']}:{server}/webhooks/stripe/"
    assert violations == []
    assert accessibility == []

"""A real Chromium reconciles statement lines from the keyboard alone: j and k (or the arrows) move
between lines and show each one's suggestions, Enter accepts the best one, u undoes it; the focus
stays visible on the selected line, nothing breaks the Content-Security-Policy, and axe-core finds
no serious accessibility violation, before or after a reconciliation.

The server (tests/e2e/conftest.py) commits what the browser does, so the records this module
makes are committed too, and removed when it ends.
"""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.crm.models import Contact
from modules.events.models import AuditEntry, Event
from modules.finance.models import Account, BankAccount, Payment, Transaction
from tests.e2e.axe import AXE, RUN_AXE
from tests.e2e.conftest import chromium, server, sign_in, user_who_signs_in  # noqa: F401

pytestmark = pytest.mark.browser

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture(scope="module")
def books(django_db_setup, django_db_blocker):
    """Alpha's statement with three lines: two that pay a receivable each, and a bank fee."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = user_who_signs_in(f"rita.{tag}@alpha.example.com", name="Rita Recon", tenant=team.tenant, role=Role.USER)
        with tenant_context(team.tenant):
            bank_account = BankAccount.objects.create(name=f"Keys {tag}", account_number=tag, currency="USD")
            maria = Contact.objects.create(name="Maria Souza", email=f"maria.{tag}@example.com")
            acme = Contact.objects.create(name="Acme Supplies", email=f"acme.{tag}@example.com")
            accounts = [
                Account.objects.create(name="Monthly fee", type="receivable", amount=Decimal("250.00"), currency="USD",
                                       due_date=date(2025, 3, 10), customer=maria),
                Account.objects.create(name="Consulting", type="receivable", amount=Decimal("400.00"), currency="USD",
                                       due_date=date(2025, 3, 11), customer=acme),
            ]
            lines = [
                Transaction.objects.create(
                    bank_account=bank_account, date=date(2025, 3, day), description=description, type=kind,
                    amount=Decimal(amount), dedupe_key=f"{tag}-{day}",
                )
                for day, description, amount, kind in (
                    (10, "PIX RECEBIDO MARIA SOUZA", "250.00", "credit"),
                    (11, "TED RECEBIDA ACME SUPPLIES", "400.00", "credit"),
                    (12, "TARIFA PACOTE SERVICOS", "12.90", "debit"),
                )
            ]
        connection.set_schema_to_public()
    yield {"host": team.host, "tenant": team.tenant, "user": user, "lines": lines, "accounts": accounts,
           "bank_account": bank_account}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            Payment.objects.filter(transaction__in=lines).delete()
            line_ids, account_ids = [line.pk for line in lines], [account.pk for account in accounts]
            Event.objects.filter(aggregate_type="transaction", aggregate_id__in=line_ids).delete()
            Event.objects.filter(aggregate_type="account", aggregate_id__in=account_ids).delete()
            AuditEntry.objects.filter(aggregate_type__in=["transaction", "account"], actor=user).delete()
            Transaction.objects.filter(pk__in=line_ids).delete()
            Account.objects.filter(pk__in=account_ids).delete()
            Contact.objects.filter(pk__in=[maria.pk, acme.pk]).delete()
            bank_account.delete()
        connection.set_schema_to_public()
        user.delete()


def saved(books, line) -> tuple[bool, list[int]]:
    with tenant_context(books["tenant"]):
        fresh = Transaction.objects.get(pk=line.pk)
        paid = list(Payment.objects.filter(transaction=fresh).values_list("account_id", flat=True))
    connection.set_schema_to_public()
    return fresh.reconciled, paid


def focus_settled_on(page, line) -> str | None:
    """The line that has the focus once the page has moved it there (the focus follows the
    swapped list, a moment after the message shows), or whichever has it after five seconds.
    (Polled: the page's CSP refuses wait_for_function's string evaluation.)"""
    for _ in range(50):
        focused = page.evaluate("document.activeElement.dataset.line")
        if focused == str(line.pk):
            break
        page.wait_for_timeout(100)
    return focused


@pytest.mark.django_db
def test_lines_are_reconciled_and_undone_from_the_keyboard(server, books):  # noqa: F811
    base = f"http://{books['host']}:{server}"
    first, second, _ = books["lines"]
    with chromium() as browser:
        context = browser.new_context()
        context.add_init_script(LISTEN)
        page = context.new_page()
        sign_in(page, base, books["user"])
        page.goto(f"{base}/finance/reconciliation/?bank_account={books['bank_account'].pk}")
        panel = page.locator("#reconcile-panel")
        assert panel.get_attribute("data-line-id") == str(first.pk)
        page.add_script_tag(url=AXE)
        accessibility = page.evaluate(RUN_AXE)

        page.keyboard.press("j")
        page.wait_for_selector(f'#reconcile-panel[data-line-id="{second.pk}"]')
        focused = page.evaluate("document.activeElement.dataset.line")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert "Acme Supplies" in panel.inner_text()

        page.keyboard.press("k")
        page.wait_for_selector(f'#reconcile-panel[data-line-id="{first.pk}"]')
        page.keyboard.press("Enter")
        page.wait_for_selector("text=“PIX RECEBIDO MARIA SOUZA” reconciled with Monthly fee.")
        after_accept = focus_settled_on(page, second)
        if page.evaluate("typeof axe") == "undefined":  # the answer came as a whole page
            page.add_script_tag(url=AXE)
        accessibility += page.evaluate(RUN_AXE)

        page.keyboard.press("u")
        page.wait_for_selector("text=“PIX RECEBIDO MARIA SOUZA” is no longer reconciled: its accounts are open again.")
        after_undo = focus_settled_on(page, first)

        page.keyboard.press("ArrowDown")
        page.wait_for_selector(f'#reconcile-panel[data-line-id="{second.pk}"]')
        page.keyboard.press("Enter")
        page.wait_for_selector("text=“TED RECEBIDA ACME SUPPLIES” reconciled with Consulting.")
        violations = page.evaluate("window.__violations")

    assert (focused, outline) == (str(second.pk), "solid")
    assert after_accept == str(second.pk)  # the next line, ready for the next Enter
    assert after_undo == str(first.pk)
    assert saved(books, first) == (False, [])
    assert saved(books, second) == (True, [books["accounts"][1].pk])
    assert violations == []
    assert accessibility == []

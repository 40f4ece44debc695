"""The demo workspace's ledger: enough of everything for each finance screen to have something to
show, reconciliation's suggestions included."""

from collections import Counter
from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.demo.loader import demo_tenant_ensure
from modules.finance.demo import finance_demo_load
from modules.finance.matching import transaction_suggestions
from modules.finance.models import Account, BankAccount, Category, Payment, Transaction
from modules.finance.selectors import account_list, accounts_dashboard, bank_account_list
from modules.tenancy.scope import tenant_scope
from tests.finance.conftest import company_in


def test_the_demo_workspace_has_a_ledger_to_explore(db):
    tenant = demo_tenant_ensure()

    with tenant_context(tenant), tenant_scope(tenant):
        today = timezone.localdate()
        # The ledger's own: invoicing's demo adds its invoices' receivables (tests/invoicing/test_invoices_demo.py).
        accounts = list(account_list().filter(invoice_id__isnull=True))
        statuses = Counter((account.type, account.current_status) for account in accounts)
        partly_paid = [account for account in accounts if 0 < account.paid_amount < account.amount]
        due = [account.due_date for account in accounts]
        categories = Counter(Category.objects.values_list("type", flat=True))
        subcategories = Category.objects.filter(parent__isnull=False).count()
        banks = list(bank_account_list())
        lines = list(Transaction.objects.all())
        reconciled = [line for line in lines if line.reconciled]
        # An open account with the line's amount whose reference the line quotes, and that the
        # reconciliation screen suggests first, with both reasons.
        waiting = {
            line.pk: Account.objects.get(
                status__in=["pending", "overdue"], paid_amount=0, amount=line.amount,
                currency=line.bank_account.currency, reference__in=line.description.split(),
            ).pk
            for line in lines
            if not line.reconciled and any(word.startswith(("INV-", "BILL-")) for word in line.description.split())
        }
        suggested = {}
        for line in lines:
            if line.pk in waiting:
                best = transaction_suggestions(line)[0]
                suggested[line.pk] = best.account.pk
                assert {"exact_amount", "reference"} <= {reason.code for reason in best.reasons}
        dashboard = accounts_dashboard()
        customers = {account.customer_id for account in accounts if account.type == "receivable"}
        vendors = {account.vendor for account in accounts if account.type == "payable"}
        by_line = Payment.objects.filter(transaction__isnull=False).count()

    assert 35 <= sum(count for (kind, _), count in statuses.items() if kind == "receivable") <= 45
    assert 25 <= sum(count for (kind, _), count in statuses.items() if kind == "payable") <= 35
    for kind in ("receivable", "payable"):
        assert {status for (of, status) in statuses if of == kind} == {"paid", "pending", "overdue"}
    assert partly_paid
    assert min(due) <= today - timedelta(days=110) and max(due) >= today + timedelta(days=45)
    assert categories["income"] >= 3 and categories["expense"] >= 5 and subcategories >= 2
    assert [(bank.currency, bank.balance > 0) for bank in banks] == [("USD", True), ("USD", True)]  # a US company
    assert 140 <= len(lines) <= 160
    assert {line.source for line in lines} == {"file"}
    assert min(line.date for line in lines) >= today - timedelta(days=90)
    assert len(reconciled) >= 20 and len(reconciled) == by_line
    assert all(line.reconciled_amount == line.amount and line.matched_account_id for line in reconciled)
    assert len(waiting) == 12
    assert suggested == waiting
    assert len(customers) >= 10 and len(vendors) >= 8
    assert not dashboard.main.is_zero and dashboard.currency == "USD"


def test_a_brazilian_company_banks_at_banco_do_brasil_in_reais(team_a):
    company_in(team_a, country="BR")

    with tenant_context(team_a.tenant), tenant_scope(team_a.tenant):
        finance_demo_load(actor=team_a.admin, team=[team_a.manager, team_a.user])
        banks = list(BankAccount.objects.order_by("pk").values_list("bank", "bank_code", "currency"))
        reconciled = Transaction.objects.filter(reconciled=True).exists()

    assert banks == [("Banco do Brasil", "001", "BRL"), ("Itaú Unibanco", "341", "BRL")]
    assert reconciled

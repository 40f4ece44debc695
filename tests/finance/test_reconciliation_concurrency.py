"""Reconciliations racing each other never give more than a line has or an account is owed.

Each side runs in a thread of its own (its own connection, autocommit, as a server's request
does) and commits for real; the records are committed first and removed at the end. That is
what `django_db(transaction=True)` would give, without its flush, which would also wipe the
tenants the session committed (tests/conftest.py)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from modules.accounts.models import User
from modules.accounts.tokens import tokens_for_user
from modules.core.exceptions import DomainError
from modules.crm.models import Contact
from modules.events.models import AuditEntry, Event
from modules.finance import reconciliation
from modules.finance.models import Account, BankAccount, Payment, Transaction
from tests.conftest import on_own_connection

DESCRIPTION = "PIX RECEBIDO RACE CONDITION"


class Committed:
    """Alpha's finance records, committed, each call on a connection of its own."""

    def __init__(self, team):
        self.team = team
        self.bank_account = None

    def run(self, function):
        def in_alpha():
            with tenant_context(self.team.tenant):
                return function()

        return on_own_connection(in_alpha)

    def accounts(self, *amounts: str) -> list[Account]:
        return self.run(lambda: [
            Account.objects.create(
                type="receivable", amount=Decimal(amount), currency="BRL", due_date=date(2025, 1, 15)
            )
            for amount in amounts
        ])

    def lines(self, *amounts: str) -> list[Transaction]:
        def make():
            if self.bank_account is None:
                self.bank_account = BankAccount.objects.create(name="Race", account_number="0", currency="BRL")
            return [
                Transaction.objects.create(
                    bank_account=self.bank_account, date=date(2025, 1, 15), description=DESCRIPTION, type="credit",
                    amount=Decimal(amount), dedupe_key=f"race-{number}",
                )
                for number, amount in enumerate(amounts)
            ]

        return self.run(make)

    def fresh(self, record):
        return self.run(lambda: type(record).objects.get(pk=record.pk))

    def paid(self, account) -> list[Decimal]:
        return self.run(lambda: list(Payment.objects.filter(account=account).values_list("amount", flat=True)))


@pytest.fixture
def committed(team_a):
    helper = Committed(team_a)
    started = timezone.now()
    yield helper

    def clean():
        with tenant_context(team_a.tenant):
            Payment.objects.filter(transaction__description=DESCRIPTION).delete()
            Transaction.objects.filter(description=DESCRIPTION).delete()
            Account.objects.filter(created_at__gte=started).delete()
            Contact.objects.filter(created_at__gte=started).delete()
            BankAccount.objects.filter(name="Race").delete()
            Event.objects.filter(occurred_at__gte=started).delete()
            AuditEntry.objects.filter(occurred_at__gte=started).delete()

    on_own_connection(clean)


def reconcile(committed, line, *account_ids, amount=None, actor=None):
    """Reconcile as the API does (line locked by its access, then the service); returns the
    refusal's message, or "reconciled"."""
    allocations = [reconciliation.Allocation(account_id, amount) for account_id in account_ids]

    def call():
        try:
            with transaction.atomic():
                locked = Transaction.objects.select_for_update().get(pk=line.pk)
                reconciliation.transaction_reconcile(
                    actor=actor or committed.team.admin, line=locked, allocations=allocations
                )
            return "reconciled"
        except DomainError as error:
            return error.message

    return committed.run(call)


def holding(committed, work, applied: threading.Event, may_commit: threading.Event):
    """Run `work` in a transaction that waits, once done, until it may commit."""

    def call():
        with transaction.atomic():
            work()
            applied.set()
            may_commit.wait(timeout=10)

    return committed.run(call)


def test_two_reconciliations_of_one_line_give_it_once(committed):
    first, second = committed.accounts("100.00", "100.00")
    line, = committed.lines("100.00")
    applied, may_commit = threading.Event(), threading.Event()

    def give_to_first():
        locked = Transaction.objects.select_for_update().get(pk=line.pk)
        reconciliation.transaction_reconcile(
            actor=committed.team.admin, line=locked, allocations=[reconciliation.Allocation(first.pk)]
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        holder = pool.submit(holding, committed, give_to_first, applied, may_commit)
        assert applied.wait(timeout=10)
        racer = pool.submit(reconcile, committed, line, second.pk)
        with pytest.raises(TimeoutError):
            racer.result(timeout=0.5)  # it waits on the line's lock
        may_commit.set()
        holder.result(timeout=10)
        assert racer.result(timeout=10) == "This statement line is already reconciled."

    assert (committed.paid(first), committed.paid(second)) == ([Decimal("100.00")], [])
    assert committed.fresh(line).reconciled_amount == Decimal("100.00")


def test_two_lines_paying_one_account_at_once_never_overpay_it(committed):
    account, = committed.accounts("100.00")
    one, other = committed.lines("100.00", "100.00")
    applied, may_commit = threading.Event(), threading.Event()

    def pay_with_one():
        locked = Transaction.objects.select_for_update().get(pk=one.pk)
        reconciliation.transaction_reconcile(
            actor=committed.team.admin, line=locked, allocations=[reconciliation.Allocation(account.pk)]
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        holder = pool.submit(holding, committed, pay_with_one, applied, may_commit)
        assert applied.wait(timeout=10)
        racer = pool.submit(reconcile, committed, other, account.pk)
        with pytest.raises(TimeoutError):
            racer.result(timeout=0.5)  # it waits on the account's lock
        may_commit.set()
        holder.result(timeout=10)
        assert racer.result(timeout=10) == "This account is already paid."

    assert committed.paid(account) == [Decimal("100.00")]
    assert committed.fresh(other).reconciled_amount == 0


def test_many_lines_racing_for_one_account_pay_exactly_what_it_owes(committed):
    account, = committed.accounts("100.00")
    lines = committed.lines("60.00", "60.00", "60.00", "60.00")
    start = threading.Barrier(len(lines))

    def race(line):
        start.wait(timeout=10)
        return reconcile(committed, line, account.pk)

    with ThreadPoolExecutor(max_workers=len(lines)) as pool:
        answers = list(pool.map(race, lines))

    assert sorted(committed.paid(account)) == [Decimal("40.00"), Decimal("60.00")]
    assert sorted(answers) == ["This account is already paid."] * 2 + ["reconciled"] * 2
    assert committed.fresh(account).status == "paid"


def test_lines_naming_the_same_accounts_in_opposite_orders_do_not_deadlock(committed):
    first, second = committed.accounts("100.00", "100.00")
    one, other = committed.lines("100.00", "100.00")
    start = threading.Barrier(2)

    def race(line, order):
        start.wait(timeout=10)
        return reconcile(committed, line, *order, amount=Decimal("50.00"))

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(race, [one, other], [(first.pk, second.pk), (second.pk, first.pk)]))

    assert answers == ["reconciled", "reconciled"]
    assert committed.paid(first) == committed.paid(second) == [Decimal("50.00"), Decimal("50.00")]


def test_auto_reconcile_leaves_a_line_someone_reconciled_while_it_ran(committed):
    contact = committed.run(lambda: Contact.objects.create(name="Race Condition", email="race@finance.test"))
    account = committed.run(lambda: Account.objects.create(
        type="receivable", amount=Decimal("100.00"), currency="BRL", due_date=date(2025, 1, 15), customer=contact,
    ))
    other, = committed.accounts("100.00")
    line, = committed.lines("100.00")
    applied, may_commit = threading.Event(), threading.Event()

    def give_to_other():
        locked = Transaction.objects.select_for_update().get(pk=line.pk)
        reconciliation.transaction_reconcile(
            actor=committed.team.admin, line=locked, allocations=[reconciliation.Allocation(other.pk)]
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        holder = pool.submit(holding, committed, give_to_other, applied, may_commit)
        assert applied.wait(timeout=10)
        # It scores the line as still open (the other transaction has not committed), then waits
        # on the line's lock before settling, and finds it reconciled.
        run = pool.submit(committed.run, lambda: reconciliation.transactions_auto_reconcile(actor=committed.team.admin))
        with pytest.raises(TimeoutError):
            run.result(timeout=0.5)
        may_commit.set()
        holder.result(timeout=10)
        report = run.result(timeout=10)

    assert (report.matches, dict(report.skipped)) == ([], {"changed": 1})
    assert (committed.paid(account), committed.paid(other)) == ([], [Decimal("100.00")])


def test_the_api_reconciles_in_a_transaction_of_its_own(committed, team_a):
    account, = committed.accounts("100.00")
    line, = committed.lines("100.00")
    client = APIClient(HTTP_HOST=team_a.host)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(team_a.admin)['access']}")

    answer = on_own_connection(lambda: client.post(
        f"/api/v1/finance/transactions/{line.pk}/reconcile/", {"account_id": account.pk}, format="json"
    ))
    undone = on_own_connection(lambda: client.post(f"/api/v1/finance/transactions/{line.pk}/unreconcile/"))
    auto = on_own_connection(lambda: client.post("/api/v1/finance/transactions/auto_reconcile/", {}, format="json"))

    assert (answer.status_code, undone.status_code, auto.status_code) == (200, 200, 200)
    assert committed.fresh(account).status == "overdue"


def test_the_page_reconciles_in_a_transaction_of_its_own(committed, team_a, client):
    account, = committed.accounts("100.00")
    line, = committed.lines("100.00")
    client.defaults["HTTP_HOST"] = team_a.host
    last_login = team_a.admin.last_login  # force_login sets it
    on_own_connection(client.force_login, team_a.admin)

    accepted = on_own_connection(lambda: client.post(
        f"/finance/reconciliation/lines/{line.pk}/reconcile/", {"account": account.pk}, HTTP_HX_REQUEST="true"
    ))
    undone = on_own_connection(lambda: client.post(
        f"/finance/reconciliation/lines/{line.pk}/unreconcile/", HTTP_HX_REQUEST="true"
    ))
    auto = on_own_connection(lambda: client.post("/finance/reconciliation/auto/", {}, HTTP_HX_REQUEST="true"))
    on_own_connection(client.logout)  # deletes the session
    on_own_connection(lambda: User.objects.filter(pk=team_a.admin.pk).update(last_login=last_login))

    assert (accepted.status_code, undone.status_code, auto.status_code) == (200, 200, 200)
    assert committed.paid(account) == []

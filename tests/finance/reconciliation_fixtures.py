"""Reconciliation fixtures: a team's bank accounts, payables and receivables and statement lines,
written straight to its schema (their own services belong to other parts of finance)."""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from modules.crm.models import Contact
from modules.events.models import Event
from modules.finance.models import Account, BankAccount, Payment, Transaction

_numbers = itertools.count(1)


class Books:
    """Make finance records in one team's workspace; read them back in its schema."""

    def __init__(self, team):
        self.team = team
        self._bank_account = None

    def bank_account(self, **fields) -> BankAccount:
        fields = {"name": "Conta Corrente", "account_number": f"1234-{next(_numbers)}", "currency": "BRL", **fields}
        with tenant_context(self.team.tenant):
            return BankAccount.objects.create(**fields)

    @property
    def main_account(self) -> BankAccount:
        """The bank account lines go to unless a test names another."""
        if self._bank_account is None:
            self._bank_account = self.bank_account(name="Itaú")
        return self._bank_account

    def contact(self, name: str, **fields) -> Contact:
        fields = {"email": f"contact{next(_numbers)}@example.com", **fields}
        with tenant_context(self.team.tenant):
            return Contact.objects.create(name=name, **fields)

    def account(self, amount="100.00", **fields) -> Account:
        fields = {"type": "receivable", "currency": "BRL", "due_date": date(2025, 1, 15), **fields}
        with tenant_context(self.team.tenant):
            return Account.objects.create(amount=Decimal(amount), **fields)

    def line(self, amount="100.00", **fields) -> Transaction:
        fields = {
            "bank_account": self.main_account, "type": "credit", "date": date(2025, 1, 15),
            "description": "PIX RECEBIDO", "dedupe_key": f"line-{next(_numbers)}", **fields,
        }
        with tenant_context(self.team.tenant):
            return Transaction.objects.create(amount=Decimal(amount), **fields)

    def fresh(self, record):
        with tenant_context(self.team.tenant):
            return type(record).objects.get(pk=record.pk)

    def payments(self, **filters) -> list[Payment]:
        with tenant_context(self.team.tenant):
            return list(Payment.objects.filter(**filters).order_by("pk"))

    def events(self, *names: str) -> list[Event]:
        with tenant_context(self.team.tenant):
            return list(Event.objects.filter(name__in=names).order_by("pk"))

    def query(self, read):
        """Run an ORM read in the team's schema: `books.query(lambda: Payment.objects.count())`."""
        with tenant_context(self.team.tenant):
            return read()


@pytest.fixture
def books(team_a) -> Books:
    return Books(team_a)


@pytest.fixture
def books_b(team_b) -> Books:
    return Books(team_b)


def reconcile_url(line) -> str:
    return f"/api/v1/finance/transactions/{line.pk}/reconcile/"


def unreconcile_url(line) -> str:
    return f"/api/v1/finance/transactions/{line.pk}/unreconcile/"


def suggestions_url(line) -> str:
    return f"/api/v1/finance/transactions/{line.pk}/suggestions/"


AUTO_URL = "/api/v1/finance/transactions/auto_reconcile/"

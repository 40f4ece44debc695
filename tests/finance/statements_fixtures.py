"""Fixtures of the statement, transaction and bank feed tests: bank accounts and categories made
with the ORM in a team's schema, statement samples (samples/), and API clients by role. A test
module imports the fixtures it uses (`from tests.finance.statements_fixtures import *`)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from modules.events.models import Event
from modules.finance.models import BankAccount, Category, Transaction
from tests.finance.fakes.plaid import fake_plaid  # noqa: F401  (a fixture, for the modules that import these)

SAMPLES = Path(__file__).parent / "samples"
TRANSACTIONS = "/api/v1/finance/transactions/"
IMPORT = f"{TRANSACTIONS}import/"
FEEDS = "/api/v1/finance/bank-feeds/"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    data = sample(name) if content is None else content
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


class Books:
    """One team's bank accounts, categories and statement lines, straight from the ORM."""

    def __init__(self, team):
        self.team = team

    def run(self, function):
        with tenant_context(self.team.tenant):
            return function()

    def bank_account(self, **fields) -> BankAccount:
        fields = {
            "name": "Conta Corrente Itaú", "bank": "Itaú", "account_number": "12345-6", "currency": "BRL", **fields,
        }
        return self.run(lambda: BankAccount.objects.create(**fields))

    def category(self, **fields) -> Category:
        fields = {"name": "Office", "type": "expense", **fields}
        return self.run(lambda: Category.objects.create(**fields))

    def lines(self, bank_account: BankAccount | None = None) -> list[tuple]:
        """(date, description, amount, type) of the lines, oldest first."""
        def read():
            lines = Transaction.objects.order_by("date", "id")
            if bank_account is not None:
                lines = lines.filter(bank_account=bank_account)
            return [(str(line.date), line.description, str(line.amount), line.type) for line in lines]

        return self.run(read)

    def count(self) -> int:
        return self.run(lambda: Transaction.objects.count())

    def events(self, name: str) -> list[Event]:
        return self.run(lambda: list(Event.objects.filter(name=name).order_by("id")))


@pytest.fixture
def books_a(team_a) -> Books:
    return Books(team_a)


@pytest.fixture
def books_b(team_b) -> Books:
    return Books(team_b)


@pytest.fixture
def account_a(books_a) -> BankAccount:
    return books_a.bank_account()


@pytest.fixture
def manager_api(api, team_a):
    return api(host=team_a.host, user=team_a.manager)


@pytest.fixture
def member_api(api, team_a):
    """team_a's plain user (role "user")."""
    return api(host=team_a.host, user=team_a.user)


@pytest.fixture
def pages_as(client, team_a):
    """`pages_as(user)`: the test client signed in as `user` on team_a's workspace pages."""

    def signed_in(user):
        client.force_login(user)
        client.defaults["HTTP_HOST"] = team_a.host
        return client

    return signed_in

"""Finance fixtures: records made through the services, inside a team's schema."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from modules.finance import services
from modules.finance.models import Transaction
from modules.finance.payments import payment_apply
from modules.tenancy.services import company_profile_update
from tests.conftest import Workspace
from tests.crm.conftest import Crm


class Finance(Workspace):
    """Make finance records in one team's workspace, as its admin, the way the API would. Each
    runs in the team's scope (schema, time zone, country), as a request of that team does."""

    def __init__(self, team):
        super().__init__(team)
        self.crm = Crm(team)

    def account(self, **fields):
        fields = {
            "type": "receivable", "description": "Consulting, project X", "amount": "1000.00", "currency": "USD",
            "due_date": self.today() + timedelta(days=10), **fields,
        }
        fields["amount"] = Decimal(fields["amount"])
        return self.run(lambda: services.account_create(actor=self.team.admin, **fields))

    def category(self, **fields):
        fields = {"name": f"Category {Finance._next()}", "type": "income", **fields}
        return self.run(lambda: services.category_create(actor=self.team.admin, **fields))

    def bank_account(self, **fields):
        fields = {"name": "Checking", "account_number": "12345-6", "currency": "USD", **fields}
        if "opening_balance" in fields:
            fields["opening_balance"] = Decimal(fields["opening_balance"])
        return self.run(lambda: services.bank_account_create(actor=self.team.admin, **fields))

    def line(self, bank_account, *, amount: str, type: str = "credit", day: date | None = None, **fields):
        """A statement line, as an import would leave it."""
        return self.run(lambda: Transaction.objects.create(
            bank_account=bank_account, date=day or self.today(), description=fields.pop("description", "Deposit"),
            amount=Decimal(amount), type=type, dedupe_key=f"test-{Finance._next()}", **fields,
        ))

    def pay(self, account, amount: str, *, line=None):
        """Part of an account paid (by hand, or by a statement line)."""

        def work():
            locked = type(account).objects.select_for_update().get(pk=account.pk)
            payment_apply(account=locked, amount=Decimal(amount), paid_at=timezone.now(), method="pix",
                          actor=self.team.admin, transaction=line)
            return locked

        return self.run(work)


@pytest.fixture
def finance_a(team_a) -> Finance:
    return Finance(team_a)


@pytest.fixture
def finance_b(team_b) -> Finance:
    return Finance(team_b)


@pytest.fixture
def clock(monkeypatch):
    """`clock(moment)`: Django's clock (`timezone.now`) stands at `moment`, so "today" is that
    moment's date in whichever time zone asks (tokens keep the real clock)."""

    def stand_at(moment) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return stand_at


def company_in(team, **changes) -> None:
    """The team's company moves (its country brings its currency and time zone, as settings do)."""
    company_profile_update(actor=team.admin, tenant=team.tenant, changes=changes)

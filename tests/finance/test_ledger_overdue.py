"""An open account is overdue once its due date has passed in the company's time zone: readers
compute it on the spot (a list is right before anything else ran), and the hourly task stores it
and records `account.overdue`, each workspace at its own midnight."""

from datetime import UTC, date, datetime

import pytest

from modules.finance.models import Account
from modules.finance.tasks import accounts_mark_overdue_all
from tests.finance.conftest import company_in

ACCOUNTS = "/api/v1/finance/accounts/"
DUE = date(2026, 3, 10)
# São Paulo is UTC-3 all year.
LATE_EVENING = datetime(2026, 3, 11, 2, 30, tzinfo=UTC)  # 23:30 on March 10 in São Paulo
JUST_AFTER_MIDNIGHT = datetime(2026, 3, 11, 3, 30, tzinfo=UTC)  # 00:30 on March 11 in São Paulo


@pytest.fixture
def sao_paulo_account(team_a, finance_a, clock):
    company_in(team_a, country="BR")  # São Paulo's time zone comes with the country
    clock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    return finance_a.account(description="Due on March 10", due_date=DUE, currency="BRL")


def status_read(admin_api, account) -> tuple[str, list[int]]:
    """The account's status, and which accounts the list's overdue filter finds."""
    one = admin_api.get(f"{ACCOUNTS}{account.pk}/").json()["status"]
    overdue = [row["id"] for row in admin_api.get(ACCOUNTS, {"status": "overdue"}).json()["results"]]
    return one, overdue


def stored(finance, account) -> str:
    return finance.query(lambda: Account.objects.get(pk=account.pk).status)


def test_at_half_past_eleven_on_the_due_date_it_is_still_pending(admin_api, finance_a, sao_paulo_account, clock):
    clock(LATE_EVENING)  # already March 11 in UTC

    assert status_read(admin_api, sao_paulo_account) == ("pending", [])
    assert accounts_mark_overdue_all() >= 1
    assert stored(finance_a, sao_paulo_account) == "pending"
    assert finance_a.events("account.overdue") == []


def test_half_an_hour_after_midnight_it_is_overdue_before_and_after_the_task(
    admin_api, finance_a, sao_paulo_account, clock
):
    clock(JUST_AFTER_MIDNIGHT)

    assert status_read(admin_api, sao_paulo_account) == ("overdue", [sao_paulo_account.pk])
    assert stored(finance_a, sao_paulo_account) == "pending"  # the task has not run: readers did not wait
    accounts_mark_overdue_all()
    accounts_mark_overdue_all()  # again, an hour later: nothing is marked twice

    assert stored(finance_a, sao_paulo_account) == "overdue"
    [event] = finance_a.events("account.overdue")
    assert (event.payload["id"], event.payload["status"], event.actor_id) == (sao_paulo_account.pk, "overdue", None)
    assert status_read(admin_api, sao_paulo_account) == ("overdue", [sao_paulo_account.pk])


def test_each_workspace_is_marked_at_its_own_midnight(team_b, finance_a, finance_b, sao_paulo_account, clock):
    company_in(team_b, timezone="Asia/Tokyo")  # 11:30 on March 11 there at LATE_EVENING
    tokyo_account = finance_b.account(description="Due on March 10 in Tokyo", due_date=DUE)

    clock(LATE_EVENING)
    accounts_mark_overdue_all()

    assert stored(finance_a, sao_paulo_account) == "pending"
    assert stored(finance_b, tokyo_account) == "overdue"
    assert [event.payload["id"] for event in finance_b.events("account.overdue")] == [tokyo_account.pk]


def test_paid_and_cancelled_accounts_are_never_marked(admin_api, finance_a, sao_paulo_account, clock):
    cancelled = finance_a.account(due_date=DUE)
    admin_api.post(f"{ACCOUNTS}{cancelled.pk}/cancel/", {})
    paid = finance_a.account(due_date=DUE, amount="10.00")
    finance_a.pay(paid, "10.00")

    clock(JUST_AFTER_MIDNIGHT)
    accounts_mark_overdue_all()

    assert [stored(finance_a, account) for account in (cancelled, paid)] == ["cancelled", "paid"]
    assert [event.payload["id"] for event in finance_a.events("account.overdue")] == [sao_paulo_account.pk]

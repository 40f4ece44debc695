"""/api/v1/finance/accounts/dashboard/: what remains to receive and to pay, pending and overdue, and
what falls due in the next seven days, per currency, with the company's own currency flat."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.finance import services
from tests.finance.conftest import company_in

DASHBOARD = "/api/v1/finance/accounts/dashboard/"
NOTHING = {
    "receivable_pending": "0.00", "receivable_overdue": "0.00", "payable_pending": "0.00",
    "payable_overdue": "0.00", "next_7_days": {"receivable": "0.00", "payable": "0.00"},
}


def test_it_sums_what_remains_by_type_and_due_date(admin_api, finance_a, clock):
    clock(datetime(2026, 3, 10, 15, 0, tzinfo=UTC))  # 11:00 on March 10 in New York
    day = finance_a.today
    assert day().isoformat() == "2026-03-10"
    finance_a.account(amount="1000.00", due_date=day() + timedelta(days=30))
    partly = finance_a.account(amount="500.00", due_date=day())  # due today: pending, and in the next 7 days
    finance_a.pay(partly, "200.00")
    finance_a.account(amount="250.00", due_date=day() + timedelta(days=6))  # the seventh day
    finance_a.account(amount="999.00", due_date=day() + timedelta(days=7))  # the eighth
    finance_a.account(amount="120.00", due_date=day() - timedelta(days=1))  # overdue since yesterday
    finance_a.account(type="payable", amount="80.00", due_date=day() + timedelta(days=3))
    finance_a.account(type="payable", amount="40.00", due_date=day() - timedelta(days=40))
    paid = finance_a.account(amount="7000.00", due_date=day() + timedelta(days=1))
    finance_a.pay(paid, "7000.00")
    cancelled = finance_a.account(type="payable", amount="3000.00", due_date=day() - timedelta(days=2))
    finance_a.run(lambda: services.account_cancel(actor=finance_a.team.admin, account=cancelled))

    dashboard = admin_api.get(DASHBOARD).json()

    expected = {
        "receivable_pending": "2549.00", "receivable_overdue": "120.00", "payable_pending": "80.00",
        "payable_overdue": "40.00", "next_7_days": {"receivable": "550.00", "payable": "80.00"},
    }
    assert dashboard == {"currency": "USD", **expected, "by_currency": {"USD": expected}}


def test_currencies_are_never_added_together_and_the_companys_own_is_flat(api, team_a, finance_a):
    company_in(team_a, country="BR")
    finance_a.account(amount="1000.00", currency="BRL", due_date=finance_a.today() + timedelta(days=20))
    finance_a.account(amount="300.00", currency="USD", due_date=finance_a.today() + timedelta(days=20))
    finance_a.account(type="payable", amount="5000", currency="CLP", due_date=finance_a.today() - timedelta(days=1))

    dashboard = api(host=team_a.host, user=team_a.user).get(DASHBOARD).json()

    assert dashboard["currency"] == "BRL"
    assert dashboard["receivable_pending"] == "1000.00"
    assert dashboard["by_currency"]["BRL"]["receivable_pending"] == "1000.00"
    assert dashboard["by_currency"]["USD"]["receivable_pending"] == "300.00"
    assert dashboard["by_currency"]["CLP"] == {**NOTHING, "payable_overdue": "5000"} | {
        "receivable_pending": "0", "receivable_overdue": "0", "payable_pending": "0",
        "next_7_days": {"receivable": "0", "payable": "0"},
    }
    assert set(dashboard["by_currency"]) == {"BRL", "USD", "CLP"}


def test_a_company_with_nothing_open_in_its_currency_reads_zero_there(admin_api, finance_a):
    finance_a.account(amount="10.00", currency="MXN")

    dashboard = admin_api.get(DASHBOARD).json()

    assert {key: dashboard[key] for key in NOTHING} == NOTHING
    assert dashboard["by_currency"]["USD"] == NOTHING
    assert dashboard["by_currency"]["MXN"]["receivable_pending"] == "10.00"


def test_another_workspaces_accounts_never_count(api, team_b, finance_a):
    finance_a.account(amount="777.00")

    dashboard = api(host=team_b.host, user=team_b.user).get(DASHBOARD).json()

    assert dashboard == {"currency": "USD", **NOTHING, "by_currency": {"USD": NOTHING}}


def test_it_costs_the_same_queries_with_ten_times_the_accounts(admin_api, finance_a):
    def add(count: int) -> None:
        for number in range(count):
            finance_a.account(amount="10.00", currency=("USD", "BRL")[number % 2],
                              type=("receivable", "payable")[number % 2])

    add(3)
    admin_api.get(DASHBOARD)
    with CaptureQueriesContext(connection) as few:
        admin_api.get(DASHBOARD)
    add(30)
    with CaptureQueriesContext(connection) as many:
        dashboard = admin_api.get(DASHBOARD).json()

    assert dashboard["by_currency"]["BRL"]["payable_pending"] == "160.00"
    assert len(many) == len(few)
    sums = [query["sql"] for query in many.captured_queries if "finance_account" in query["sql"]]
    assert len(sums) == 1

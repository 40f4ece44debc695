"""/api/v1/finance/bank-accounts/: the workspace's bank accounts, each read with its balance (the
opening balance plus every credit, less every debit, of its statement lines)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.finance.models import BankAccount

BANK_ACCOUNTS = "/api/v1/finance/bank-accounts/"


def test_it_creates_the_specs_bank_account(admin_api, finance_a):
    response = admin_api.post(BANK_ACCOUNTS, {
        "name": "Conta Corrente BB", "bank": "Banco do Brasil", "account_number": "12345-6", "agency": "1234",
        "currency": "BRL", "bank_code": "001",
    })

    assert response.status_code == 201
    bank_account = response.json()
    assert bank_account == {
        "id": bank_account["id"], "name": "Conta Corrente BB", "bank": "Banco do Brasil", "bank_code": "001",
        "agency": "1234", "account_number": "12345-6", "currency": "BRL", "is_active": True,
        "opening_balance": "0.00", "balance": "0.00", "boleto_agreement": "", "boleto_wallet": "",
        "plaid_account_id": None, "last_sync": None,
    }
    assert [event.payload["name"] for event in finance_a.events("bank_account.created")] == ["Conta Corrente BB"]


@pytest.mark.parametrize(("body", "field"), [
    ({"bank_code": "1"}, "bank_code"), ({"bank_code": "0001"}, "bank_code"), ({"bank_code": "abc"}, "bank_code"),
    ({"currency": "EUR"}, "currency"), ({"opening_balance": "10.5", "currency": "CLP"}, "opening_balance"),
    ({"account_number": ""}, "account_number"),
])
def test_it_refuses_a_bank_code_that_is_not_three_digits_and_other_nonsense(admin_api, finance_a, body, field):
    response = admin_api.post(BANK_ACCOUNTS, {"name": "Checking", "account_number": "1", "currency": "USD", **body})

    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert finance_a.query(lambda: BankAccount.objects.count()) == 0


def test_the_balance_adds_credits_and_takes_away_debits_from_the_opening_balance(admin_api, finance_a):
    checking = finance_a.bank_account(name="Checking", opening_balance="1000.00", currency="BRL")
    finance_a.line(checking, amount="250.50", type="credit")
    finance_a.line(checking, amount="100.25", type="debit")
    finance_a.line(checking, amount="0.75", type="debit")
    empty = finance_a.bank_account(name="Savings", opening_balance="-20.00")
    synced = timezone.now().replace(microsecond=0)
    finance_a.query(lambda: BankAccount.objects.filter(pk=checking.pk).update(last_sync=synced))

    listed = {row["name"]: row["balance"] for row in admin_api.get(BANK_ACCOUNTS).json()["results"]}
    balance = admin_api.get(f"{BANK_ACCOUNTS}{checking.pk}/balance/").json()

    assert listed == {"Checking": "1149.50", "Savings": "-20.00"}
    assert admin_api.get(f"{BANK_ACCOUNTS}{empty.pk}/").json()["balance"] == "-20.00"
    assert balance == {"balance": "1149.50", "currency": "BRL",
                       "last_sync": synced.isoformat().replace("+00:00", "Z")}


def test_the_list_costs_the_same_queries_whatever_the_page_size(admin_api, finance_a):
    for number in range(30):
        bank_account = finance_a.bank_account(name=f"Account {number:02}")
        finance_a.line(bank_account, amount="10.00")
    admin_api.get(BANK_ACCOUNTS)

    def queries_for(page_size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = admin_api.get(BANK_ACCOUNTS, {"page_size": page_size})
        assert {row["balance"] for row in response.json()["results"]} == {"10.00"}
        return len(queries)

    assert queries_for(2) == queries_for(30)


def test_it_filters_by_active_and_currency(admin_api, finance_a):
    finance_a.bank_account(name="Old", is_active=False)
    finance_a.bank_account(name="Reais", currency="BRL")

    def names(params) -> list[str]:
        return [row["name"] for row in admin_api.get(BANK_ACCOUNTS, params).json()["results"]]

    assert names({"is_active": "false"}) == ["Old"]
    assert names({"currency": "BRL"}) == ["Reais"]
    assert admin_api.get(BANK_ACCOUNTS, {"is_active": "maybe"}).status_code == 400


def test_the_currency_stays_once_there_are_statement_lines(admin_api, finance_a):
    used = finance_a.bank_account(currency="USD")
    finance_a.line(used, amount="10.00")
    fresh = finance_a.bank_account(currency="USD")

    refused = admin_api.patch(f"{BANK_ACCOUNTS}{used.pk}/", {"currency": "BRL"})
    changed = admin_api.patch(f"{BANK_ACCOUNTS}{fresh.pk}/", {"currency": "BRL", "opening_balance": "50.00"})

    assert refused.json() == {"currency": ["This bank account has statement lines: its currency cannot change."]}
    assert (changed.json()["currency"], changed.json()["balance"]) == ("BRL", "50.00")
    [updated] = finance_a.events("bank_account.updated")
    assert updated.changes == {"currency": {"old": "USD", "new": "BRL"},
                               "opening_balance": {"old": "0.00", "new": "50.00"}}


def test_a_bank_account_with_statement_lines_is_deactivated_not_deleted(admin_api, finance_a):
    used = finance_a.bank_account()
    finance_a.line(used, amount="10.00")
    fresh = finance_a.bank_account()

    refused = admin_api.delete(f"{BANK_ACCOUNTS}{used.pk}/")
    deleted = admin_api.delete(f"{BANK_ACCOUNTS}{fresh.pk}/")

    assert refused.json() == {"non_field_errors": [
        "This bank account has statement lines: deactivate it instead of deleting it."
    ]}
    assert deleted.status_code == 204
    assert admin_api.patch(f"{BANK_ACCOUNTS}{used.pk}/", {"is_active": False}).json()["is_active"] is False
    assert [event.payload["id"] for event in finance_a.events("bank_account.deleted")] == [fresh.pk]


def test_members_read_bank_accounts_and_only_managers_and_admins_change_them(api, team_a, finance_a):
    bank_account = finance_a.bank_account(name="Checking")
    member = api(host=team_a.host, user=team_a.user)
    manager = api(host=team_a.host, user=team_a.manager)

    assert member.get(f"{BANK_ACCOUNTS}{bank_account.pk}/balance/").status_code == 200
    assert member.post(BANK_ACCOUNTS, {"name": "Mine", "account_number": "1", "currency": "USD"}).status_code == 403
    assert member.patch(f"{BANK_ACCOUNTS}{bank_account.pk}/", {"name": "Hijacked"}).status_code == 403
    assert member.delete(f"{BANK_ACCOUNTS}{bank_account.pk}/").status_code == 403
    assert manager.post(BANK_ACCOUNTS, {"name": "Payroll", "account_number": "2", "currency": "USD"}).status_code == 201
    assert finance_a.query(lambda: sorted(BankAccount.objects.values_list("name", flat=True))) == [
        "Checking", "Payroll"]


@pytest.mark.parametrize(("method", "path", "body"), [
    ("get", "{id}/", None), ("patch", "{id}/", {"name": "Hijacked"}), ("delete", "{id}/", None),
    ("get", "{id}/balance/", None),
])
def test_another_workspace_does_not_find_our_bank_accounts(api, team_b, finance_a, method, path, body):
    bank_account = finance_a.bank_account(name="Alpha secret", opening_balance="999.00")
    intruder = api(host=team_b.host, user=team_b.admin)

    response = getattr(intruder, method)(BANK_ACCOUNTS + path.format(id=bank_account.pk), body)

    assert response.status_code == 404
    assert b"999" not in response.content
    assert intruder.get(BANK_ACCOUNTS).json()["count"] == 0
    assert finance_a.query(lambda: BankAccount.objects.get(pk=bank_account.pk).name) == "Alpha secret"

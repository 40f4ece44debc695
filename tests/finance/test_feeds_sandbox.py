"""The sandbox feed, offered while no Plaid credentials are configured: the whole flow (link,
connect, sync, disconnect) on a machine that reaches no bank, with plausible lines that are the
same whoever asks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from modules.finance.feeds.sandbox import FIRST_DAYS, SandboxFeed
from modules.finance.models import BankAccount, BankFeed
from tests.finance.statements_fixtures import *  # noqa: F403
from tests.finance.statements_fixtures import FEEDS

pytestmark = pytest.mark.django_db


def connect(client, bank_account):
    token = client.post(f"{FEEDS}link_token/", {}).json()
    return client.post(
        f"{FEEDS}connect/", {"bank_account_id": bank_account.pk, "public_token": token["public_token"]}
    )


def test_without_plaid_credentials_the_link_token_is_the_sandboxs(manager_api, settings):
    settings.PLAID_CLIENT_ID = settings.PLAID_SECRET = ""

    token = manager_api.post(f"{FEEDS}link_token/", {}).json()

    assert token["provider"] == "sandbox"
    assert token["link_token"].startswith("link-sandbox-") and token["public_token"].startswith("public-sandbox-")


def test_connecting_and_syncing_the_sandbox_brings_a_month_of_lines(manager_api, books_a, account_a):
    connected = connect(manager_api, account_a)

    synced = manager_api.post(f"{FEEDS}{account_a.pk}/sync/")

    assert connected.status_code == 201
    assert connected.json()["provider"] == "sandbox"
    assert connected.json()["account_id"].startswith("sandbox-checking-")
    assert synced.status_code == 200
    lines = books_a.lines(account_a)
    assert synced.json()["imported"] == len(lines) > 10
    today = timezone.localdate()
    assert {line[0] for line in lines} <= {str(today - timedelta(days=days)) for days in range(FIRST_DAYS + 1)}
    assert {line[3] for line in lines} == {"debit", "credit"}


def test_a_second_sync_the_same_day_brings_nothing_new(manager_api, books_a, account_a):
    connect(manager_api, account_a)
    manager_api.post(f"{FEEDS}{account_a.pk}/sync/")

    again = manager_api.post(f"{FEEDS}{account_a.pk}/sync/").json()

    assert (again["imported"], again["duplicates"]) == (0, 0)
    assert again["feed"]["status"] == "ok"


def test_the_sandbox_lines_are_the_same_whoever_asks():
    first = SandboxFeed("BRL").changes(access_token="a", cursor="2024-05-31", account_id="sandbox-checking-1")
    second = SandboxFeed("BRL").changes(access_token="b", cursor="2024-05-31", account_id="sandbox-checking-1")

    assert first.added == second.added != []
    assert all(line.amount.as_tuple().exponent == -2 for line in first.added)  # reais and centavos


def test_pesos_are_whole_and_cost_what_pesos_cost():
    lines = SandboxFeed("CLP").changes(access_token="a", cursor="", account_id="sandbox-checking-1").added

    assert all(line.amount == line.amount.to_integral_value() for line in lines)
    assert min(abs(line.amount) for line in lines) >= 2 * 900  # the cheapest line: a two-dollar bank fee


def test_two_bank_accounts_each_get_a_sandbox_account_of_their_own(manager_api, books_a, account_a):
    other = books_a.bank_account(name="Conta Poupança")

    assert connect(manager_api, account_a).status_code == 201
    assert connect(manager_api, other).status_code == 201
    accounts = books_a.run(lambda: set(BankAccount.objects.values_list("plaid_account_id", flat=True)))
    assert len(accounts) == 2


def test_a_public_token_that_is_not_the_sandboxs_is_refused(manager_api, account_a, books_a):
    response = manager_api.post(f"{FEEDS}connect/", {"bank_account_id": account_a.pk, "public_token": "public-x"})

    assert response.status_code == 400
    assert list(response.json()) == ["public_token"]
    assert books_a.run(lambda: BankFeed.objects.count()) == 0


def test_disconnecting_the_sandbox_keeps_its_lines(manager_api, books_a, account_a, django_capture_on_commit_callbacks):
    connect(manager_api, account_a)
    manager_api.post(f"{FEEDS}{account_a.pk}/sync/")
    lines = books_a.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_api.delete(f"{FEEDS}{account_a.pk}/")

    assert response.status_code == 204
    assert books_a.count() == lines
    assert [event.payload["provider"] for event in books_a.events("bank_account.feed_disconnected")] == ["sandbox"]

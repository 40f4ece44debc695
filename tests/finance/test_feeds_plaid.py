"""Bank feeds through Plaid, against a Plaid on loopback (fakes/plaid.py) answering in Plaid's own
formats: Link token, public-token exchange, /transactions/sync paged by its cursor (added,
modified, removed), an expired login, and disconnecting. Credentials never leave the server."""

import pytest
from django.db import connection

from modules.finance.models import Account, BankAccount, BankFeed, Payment, Transaction
from modules.finance.tasks import bank_feeds_sync_all
from tests.finance.fakes.plaid import FakeAccount
from tests.finance.statements_fixtures import *  # noqa: F403
from tests.finance.statements_fixtures import FEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def dollars(books_a) -> BankAccount:
    return books_a.bank_account(name="Chase checking", bank="Chase", currency="USD")


@pytest.fixture
def connected(manager_api, fake_plaid, dollars):
    """The USD account connected to its Plaid account: (item, account id)."""
    public_token, item = fake_plaid.item(FakeAccount("acc-checking"), FakeAccount("acc-savings", name="Savings"))
    response = manager_api.post(
        f"{FEEDS}connect/", {"bank_account_id": dollars.pk, "public_token": public_token, "account_id": "acc-checking"}
    )
    assert response.status_code == 201, response.json()
    return item, "acc-checking"


def sync(client, bank_account):
    return client.post(f"{FEEDS}{bank_account.pk}/sync/")


def test_a_link_token_comes_from_plaid_for_the_manager(manager_api, fake_plaid, team_a):
    response = manager_api.post(f"{FEEDS}link_token/", {})

    assert response.status_code == 200
    assert response.json()["provider"] == "plaid"
    assert response.json()["link_token"].startswith("link-sandbox-")
    assert response.json()["public_token"] is None
    [asked] = fake_plaid.calls("/link/token/create")
    assert (asked["user"]["client_user_id"], asked["products"], asked["country_codes"], asked["language"]) == (
        str(team_a.manager.pk), ["transactions"], ["US"], "en",
    )


def test_connecting_exchanges_the_public_token_and_links_the_chosen_account(manager_api, books_a, dollars, connected):
    item, account_id = connected

    feed = manager_api.get(f"{FEEDS}{dollars.pk}/").json()

    assert (feed["provider"], feed["account_id"], feed["status"], feed["error"]) == ("plaid", account_id, "ok", None)
    stored = books_a.run(lambda: BankFeed.objects.get(bank_account=dollars))
    assert (stored.item_id, stored.access_token, stored.cursor) == (item.item_id, item.access_token, "")
    assert books_a.run(lambda: BankAccount.objects.get(pk=dollars.pk).plaid_account_id) == account_id
    assert [event.payload["provider"] for event in books_a.events("bank_account.feed_connected")] == ["plaid"]


def test_the_access_token_is_kept_encrypted(books_a, dollars, connected):
    item, _account_id = connected

    def raw_column():
        with connection.cursor() as cursor:
            cursor.execute("SELECT access_token FROM finance_bankfeed WHERE bank_account_id = %s", [dollars.pk])
            return cursor.fetchone()[0]

    assert item.access_token not in books_a.run(raw_column)


@pytest.mark.parametrize("account_id, message", [
    ("", "This sign-in reaches 2 accounts: say which one is this bank account."),
    ("acc-unknown", "This sign-in does not reach the account chosen."),
    ("acc-pesos", "The bank's account is in MXN and this bank account in USD."),
])
def test_the_account_must_be_one_of_the_sign_in_in_the_same_currency(
    manager_api, fake_plaid, books_a, dollars, account_id, message
):
    public_token, item = fake_plaid.item(FakeAccount("acc-checking"), FakeAccount("acc-pesos", currency="MXN"))

    response = manager_api.post(
        f"{FEEDS}connect/", {"bank_account_id": dollars.pk, "public_token": public_token, "account_id": account_id}
    )

    assert response.status_code == 400
    assert response.json() == {"account_id": [message]}
    assert books_a.run(lambda: BankFeed.objects.count()) == 0
    assert fake_plaid.calls("/item/remove") == [{"access_token": item.access_token}]  # the sign-in is not kept


def test_a_public_token_plaid_does_not_know_is_a_400(manager_api, fake_plaid, dollars):
    response = manager_api.post(f"{FEEDS}connect/", {"bank_account_id": dollars.pk, "public_token": "public-x"})

    assert response.status_code == 400
    assert response.json() == {
        "public_token": ["The bank did not accept this sign-in (INVALID_PUBLIC_TOKEN). Connect the bank account again."]
    }


def test_a_sync_pages_through_plaid_and_maps_its_signs(manager_api, fake_plaid, books_a, dollars, connected):
    item, account_id = connected
    fake_plaid.add(item, account_id, amount="72.10", name="Walmart Supercenter", date="2024-09-24")
    fake_plaid.add(item, account_id, amount="-2500", name="Client wire", date="2024-09-25")
    fake_plaid.add(item, account_id, amount="4.33", name="Starbucks", date="2024-09-25")
    fake_plaid.add(item, account_id, amount="9.99", name="Pending coffee", date="2024-09-26", pending=True)
    fake_plaid.add(item, "acc-savings", amount="1.00", name="Savings interest", date="2024-09-26")

    response = sync(manager_api, dollars)

    assert response.status_code == 200
    assert response.json() | {"feed": None} == {
        "imported": 3, "duplicates": 0, "updated": 0, "removed": 0, "kept": 0, "feed": None,
    }
    assert books_a.lines(dollars) == [
        ("2024-09-24", "Walmart Supercenter", "72.10", "debit"),  # Plaid: positive is money out
        ("2024-09-25", "Client wire", "2500.00", "credit"),
        ("2024-09-25", "Starbucks", "4.33", "debit"),
    ]
    cursors = [call.get("cursor") for call in fake_plaid.calls("/transactions/sync")]
    assert cursors == ["", "cursor-2"]  # has_more: a second page from the first's cursor
    assert all(call["options"] == {"account_id": account_id} for call in fake_plaid.calls("/transactions/sync"))
    stored = books_a.run(lambda: BankFeed.objects.select_related("bank_account").get(bank_account=dollars))
    assert stored.cursor == "cursor-4" and stored.bank_account.last_sync is not None
    assert books_a.run(lambda: Transaction.objects.filter(source="feed").count()) == 3
    [synced] = books_a.events("bank_account.synced")
    assert (synced.payload["imported"], synced.payload["provider"]) == (3, "plaid")
    [imported] = books_a.events("bank_account.statement_imported")
    assert (imported.payload["imported"], imported.payload["source"]) == (3, "feed")


def test_the_next_sync_starts_from_the_saved_cursor(manager_api, fake_plaid, books_a, dollars, connected):
    item, account_id = connected
    fake_plaid.add(item, account_id, amount="10.00", name="Lunch", date="2024-09-24")
    sync(manager_api, dollars)
    fake_plaid.add(item, account_id, amount="20.00", name="Dinner", date="2024-09-25")

    response = sync(manager_api, dollars)

    assert response.json()["imported"] == 1
    assert fake_plaid.calls("/transactions/sync")[-1]["cursor"] == "cursor-1"
    assert [line[1] for line in books_a.lines(dollars)] == ["Lunch", "Dinner"]


def test_a_change_plaid_sends_again_is_a_duplicate(manager_api, fake_plaid, books_a, dollars, connected):
    item, account_id = connected
    fake_plaid.add(item, account_id, amount="10.00", name="Lunch", date="2024-09-24", transaction_id="txn-lunch")
    sync(manager_api, dollars)
    fake_plaid.add(item, account_id, amount="10.00", name="Lunch", date="2024-09-24", transaction_id="txn-lunch")

    assert sync(manager_api, dollars).json()["duplicates"] == 1
    assert books_a.count() == 1


def _reconcile(books, description: str) -> None:
    """As reconciliation leaves a line: a payment of the whole line to an account."""

    def reconcile():
        line = Transaction.objects.get(description=description)
        account = Account.objects.create(type="payable", amount=line.amount, paid_amount=line.amount,
                                         currency="USD", due_date=line.date, status="paid")
        Payment.objects.create(account=account, transaction=line, amount=line.amount, paid_at="2024-09-30T12:00:00Z")
        Transaction.objects.filter(pk=line.pk).update(reconciled=True, reconciled_amount=line.amount,
                                                      matched_account=account)

    books.run(reconcile)


def test_modified_lines_take_the_banks_figures_unless_reconciled(manager_api, fake_plaid, books_a, dollars, connected):
    item, account_id = connected
    open_id = fake_plaid.add(item, account_id, amount="10.00", name="Lunch", date="2024-09-24")
    settled_id = fake_plaid.add(item, account_id, amount="99.00", name="Hosting", date="2024-09-24")
    sync(manager_api, dollars)
    _reconcile(books_a, "Hosting")
    fake_plaid.modify(item, account_id, open_id, amount="12.50", name="Lunch with tip", date="2024-09-25")
    fake_plaid.modify(item, account_id, settled_id, amount="95.00", name="Hosting (discount)", date="2024-09-24")

    response = sync(manager_api, dollars)

    assert response.json() | {"feed": None} == {
        "imported": 0, "duplicates": 0, "updated": 1, "removed": 0, "kept": 1, "feed": None,
    }
    assert books_a.lines(dollars) == [
        ("2024-09-24", "Hosting", "99.00", "debit"),  # reconciled: as it was paid
        ("2024-09-25", "Lunch with tip", "12.50", "debit"),
    ]
    assert books_a.events("bank_account.synced")[-1].payload["kept"] == 1


def test_removed_lines_go_unless_reconciled(manager_api, fake_plaid, books_a, dollars, connected):
    item, account_id = connected
    open_id = fake_plaid.add(item, account_id, amount="10.00", name="Lunch", date="2024-09-24")
    settled_id = fake_plaid.add(item, account_id, amount="99.00", name="Hosting", date="2024-09-24")
    sync(manager_api, dollars)
    _reconcile(books_a, "Hosting")
    fake_plaid.remove(item, account_id, open_id)
    fake_plaid.remove(item, account_id, settled_id)
    fake_plaid.remove(item, account_id, "txn-never-seen")

    response = sync(manager_api, dollars)

    assert (response.json()["removed"], response.json()["kept"]) == (1, 1)
    assert [line[1] for line in books_a.lines(dollars)] == ["Hosting"]


def test_a_change_during_paging_starts_the_sync_again(manager_api, fake_plaid, books_a, dollars, connected):
    item, account_id = connected
    for day in range(1, 5):
        fake_plaid.add(item, account_id, amount=f"{day}.00", name=f"Line {day}", date=f"2024-09-0{day}")
    fake_plaid.mutate_during_pagination()

    response = sync(manager_api, dollars)

    assert response.json()["imported"] == 4
    assert [call.get("cursor") for call in fake_plaid.calls("/transactions/sync")] == ["", "cursor-2", "", "cursor-2"]


# --- An expired login ---------------------------------------------------------------------------


def test_an_expired_login_marks_the_feed_for_reconnection(manager_api, fake_plaid, books_a, dollars, connected):
    item, account_id = connected
    fake_plaid.fail_item(item, "ITEM_LOGIN_REQUIRED")

    response = sync(manager_api, dollars)

    assert response.status_code == 409
    assert response.json() == {
        "detail": "The bank asks you to sign in again: reconnect the bank feed to keep its lines coming."
    }
    feed = manager_api.get(f"{FEEDS}{dollars.pk}/").json()
    assert (feed["status"], feed["error_code"]) == ("needs_reconnection", "ITEM_LOGIN_REQUIRED")
    stored = books_a.run(lambda: BankFeed.objects.get(bank_account=dollars))
    assert stored.error_message.startswith("the login details of this item have changed")


def test_reconnecting_signs_in_to_the_same_item_then_a_sync_clears_the_error(
    manager_api, fake_plaid, books_a, dollars, connected
):
    item, account_id = connected
    fake_plaid.fail_item(item)
    sync(manager_api, dollars)

    token = manager_api.post(f"{FEEDS}link_token/", {"bank_account_id": dollars.pk})
    item.error = ""  # the person signed in again through Link's update mode
    fake_plaid.add(item, account_id, amount="5.00", name="Coffee", date="2024-09-27")
    response = sync(manager_api, dollars)

    assert token.status_code == 200
    update_mode = fake_plaid.calls("/link/token/create")[-1]
    assert update_mode["access_token"] == item.access_token and "products" not in update_mode
    assert response.status_code == 200
    assert response.json()["feed"]["status"] == "ok"


def test_the_periodic_sync_syncs_every_feed_but_one_waiting_for_its_owner(
    manager_api, fake_plaid, books_a, dollars, connected
):
    item, account_id = connected
    fake_plaid.fail_item(item)
    sync(manager_api, dollars)  # the login expired: the feed waits for its owner
    sandboxed = books_a.bank_account(name="Sandboxed")
    books_a.run(lambda: BankFeed.objects.create(bank_account=sandboxed, provider="sandbox", access_token="access-x"))
    books_a.run(lambda: BankAccount.objects.filter(pk=sandboxed.pk).update(plaid_account_id="sandbox-checking-x"))
    asked = len(fake_plaid.calls("/transactions/sync"))

    assert bank_feeds_sync_all() >= 1  # in-process: each tenant's feeds, then each feed

    assert len(fake_plaid.calls("/transactions/sync")) == asked
    assert books_a.run(lambda: BankAccount.objects.get(pk=sandboxed.pk).last_sync) is not None
    assert len(books_a.lines(sandboxed)) > 0 and books_a.lines(dollars) == []


def test_plaid_unreachable_is_a_502_and_the_next_sync_tries_again(manager_api, fake_plaid, books_a, dollars,
                                                                   connected, settings):
    settings.PLAID_BASE_URL = "http://127.0.0.1:9"  # discard: nothing listens

    response = sync(manager_api, dollars)

    assert response.status_code == 502
    assert response.json() == {"detail": "The bank feed did not answer. It is tried again at the next sync."}
    feed = manager_api.get(f"{FEEDS}{dollars.pk}/").json()
    assert (feed["status"], feed["error_code"]) == ("failing", "PROVIDER_UNREACHABLE")


# --- Disconnecting, and who may ----------------------------------------------------------------


def test_disconnecting_revokes_the_item_and_keeps_the_lines(manager_api, fake_plaid, books_a, dollars, connected,
                                                            django_capture_on_commit_callbacks):
    item, account_id = connected
    fake_plaid.add(item, account_id, amount="10.00", name="Lunch", date="2024-09-24")
    sync(manager_api, dollars)

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_api.delete(f"{FEEDS}{dollars.pk}/")

    assert response.status_code == 204
    assert fake_plaid.calls("/item/remove") == [{"access_token": item.access_token}]
    assert books_a.run(lambda: BankFeed.objects.count()) == 0
    assert books_a.run(lambda: BankAccount.objects.get(pk=dollars.pk).plaid_account_id) == ""
    assert books_a.count() == 1
    assert manager_api.get(f"{FEEDS}{dollars.pk}/").status_code == 404


def test_no_answer_ever_holds_the_access_token(manager_api, fake_plaid, dollars, connected):
    item, account_id = connected
    fake_plaid.add(item, account_id, amount="10.00", name="Lunch", date="2024-09-24")
    answers = [
        manager_api.get(FEEDS), manager_api.get(f"{FEEDS}{dollars.pk}/"), sync(manager_api, dollars),
        manager_api.post(f"{FEEDS}link_token/", {"bank_account_id": dollars.pk}),
        manager_api.get("/api/v1/finance/transactions/"),
    ]
    fake_plaid.fail_item(item)
    answers.append(sync(manager_api, dollars))

    assert all(item.access_token not in answer.content.decode() for answer in answers)
    assert all(item.item_id not in answer.content.decode() for answer in answers)


def test_a_plain_member_cannot_touch_bank_feeds(member_api, fake_plaid, books_a, dollars, connected):
    assert member_api.get(FEEDS).status_code == 403
    assert member_api.post(f"{FEEDS}link_token/", {}).status_code == 403
    assert member_api.post(f"{FEEDS}{dollars.pk}/sync/").status_code == 403
    assert member_api.delete(f"{FEEDS}{dollars.pk}/").status_code == 403
    assert books_a.run(lambda: BankFeed.objects.count()) == 1


def test_another_workspace_cannot_reach_a_feed(api, team_b, fake_plaid, books_a, books_b, dollars, connected):
    books_b.bank_account(name="Beta's own")
    beta = api(host=team_b.host, user=team_b.admin)
    public_token, _item = fake_plaid.item()

    assert beta.get(FEEDS).json()["count"] == 0
    assert beta.get(f"{FEEDS}{dollars.pk}/").status_code == 404
    assert beta.post(f"{FEEDS}{dollars.pk}/sync/").status_code == 404
    assert beta.delete(f"{FEEDS}{dollars.pk}/").status_code == 404
    connect = {"bank_account_id": dollars.pk, "public_token": public_token}
    assert beta.post(f"{FEEDS}connect/", connect).status_code == 404
    assert books_a.run(lambda: BankFeed.objects.count()) == 1


def test_the_list_shows_each_connected_account(manager_api, dollars, connected, team_a):
    page = manager_api.get(FEEDS).json()

    assert page["count"] == 1
    assert page["results"][0] | {"connected_at": None} == {
        "bank_account_id": dollars.pk,
        "bank_account": {"id": dollars.pk, "name": "Chase checking", "bank": "Chase", "currency": "USD"},
        "provider": "plaid", "account_id": "acc-checking", "status": "ok", "error_code": None, "error": None,
        "connected_at": None,
        "connected_by": {"id": team_a.manager.pk, "name": team_a.manager.name, "email": team_a.manager.email},
        "last_sync": None,
    }


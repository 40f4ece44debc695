"""GET /api/v1/finance/transactions/ (paged, filtered), a line, its category (PATCH: all a person
changes of a bank's line) and deleting a line nobody reconciled."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.finance.models import Account, Payment, Transaction
from tests.finance.statements_fixtures import *  # noqa: F403
from tests.finance.statements_fixtures import TRANSACTIONS, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(manager_api, account_a):
    """Itaú's March statement in team_a's BRL account: a credit and two debits."""
    data = {"file": upload("itau_sgml_closed.ofx"), "bank_account_id": account_a.pk}
    assert manager_api.post(f"{TRANSACTIONS}import/", data, format="multipart").status_code == 200
    return account_a


def line_id(books, description: str) -> int:
    return books.run(lambda: Transaction.objects.get(description=description).pk)


def test_a_line_reads_as_the_specs_transaction(manager_api, books_a, imported):
    energy = line_id(books_a, "PAGTO BOLETO ENERGIA ELÉTRICA")

    response = manager_api.get(f"{TRANSACTIONS}{energy}/")

    assert response.status_code == 200
    assert response.json() | {"created_at": None} == {
        "id": energy,
        "bank_account": {"id": imported.pk, "name": "Conta Corrente Itaú", "bank": "Itaú", "currency": "BRL"},
        "date": "2024-03-05",
        "description": "PAGTO BOLETO ENERGIA ELÉTRICA",
        "amount": "1250.40",
        "formatted": "R$1,250.40",
        "type": "debit",
        "currency": "BRL",
        "category": None,
        "matched_account_id": None,
        "reconciled": False,
        "reconciled_amount": "0.00",
        "source": "file",
        "created_at": None,
    }


def test_the_formatted_amount_follows_the_readers_locale(api, team_a, books_a, imported):
    energy = line_id(books_a, "PAGTO BOLETO ENERGIA ELÉTRICA")

    response = api(host=team_a.host, user=team_a.user, language="pt-BR").get(f"{TRANSACTIONS}{energy}/")

    assert response.json()["formatted"] == "R$ 1.250,40"


def test_the_list_is_paged_newest_first(manager_api, imported):
    page = manager_api.get(TRANSACTIONS, {"page_size": 2}).json()

    assert page["count"] == 3
    assert [line["date"] for line in page["results"]] == ["2024-03-31", "2024-03-05"]
    assert page["next"].endswith("page=2&page_size=2")


@pytest.mark.parametrize("query, descriptions", [
    ({"type": "credit"}, ["TED RECEBIDA ACME LTDA"]),
    ({"date_after": "2024-03-02", "date_before": "2024-03-30"}, ["PAGTO BOLETO ENERGIA ELÉTRICA"]),
    ({"search": "eletrica"}, ["PAGTO BOLETO ENERGIA ELÉTRICA"]),  # accents and case aside
    ({"search": "SERVICOS"}, ["TARIFA MENSAL PACOTE SERVIÇOS"]),
    ({"reconciled": "true"}, []),
    ({"reconciled": "false", "ordering": "amount"},
     ["TARIFA MENSAL PACOTE SERVIÇOS", "PAGTO BOLETO ENERGIA ELÉTRICA", "TED RECEBIDA ACME LTDA"]),
])
def test_the_list_filters(manager_api, imported, query, descriptions):
    page = manager_api.get(TRANSACTIONS, {"bank_account_id": imported.pk, **query}).json()

    assert [line["description"] for line in page["results"]] == descriptions


def test_a_bank_accounts_filter_keeps_to_its_lines(manager_api, books_a, imported):
    other = books_a.bank_account(name="Conta Poupança")

    assert manager_api.get(TRANSACTIONS, {"bank_account_id": other.pk}).json()["count"] == 0
    assert manager_api.get(TRANSACTIONS, {"bank_account_id": f"{other.pk},{imported.pk}"}).json()["count"] == 3


@pytest.mark.parametrize("query, field", [
    ({"reconciled": "yes"}, "reconciled"), ({"type": "transfer"}, "type"), ({"date_after": "2024-13-01"}, "date_after"),
    ({"bank_account_id": "abc"}, "bank_account_id"), ({"ordering": "description"}, "ordering"),
])
def test_a_filter_it_cannot_read_is_a_400_naming_it(manager_api, imported, query, field):
    response = manager_api.get(TRANSACTIONS, query)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_lists_queries_do_not_grow_with_its_page_size(manager_api, books_a):
    for number in range(4):
        bank_account = books_a.bank_account(name=f"Account {number}")
        category = books_a.category(name=f"Category {number}")
        books_a.run(lambda: Transaction.objects.bulk_create(
            Transaction(bank_account=bank_account, date=date(2024, 1, day), description=f"Line {day}",
                        amount=Decimal("10.00"), type="debit", category=category, dedupe_key=f"k{day}")
            for day in range(1, 11)
        ))
    manager_api.get(TRANSACTIONS)  # the first request of a workspace fills per-tenant caches

    def queries_for(page_size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = manager_api.get(TRANSACTIONS, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(queries)

    assert queries_for(2) == queries_for(40)


# --- A line's category -------------------------------------------------------------------------------


def test_a_member_gives_a_line_a_category(member_api, books_a, imported, team_a):
    energy = line_id(books_a, "PAGTO BOLETO ENERGIA ELÉTRICA")
    utilities = books_a.category(name="Utilities")

    response = member_api.patch(f"{TRANSACTIONS}{energy}/", {"category_id": utilities.pk})

    assert response.status_code == 200
    assert response.json()["category"] == {
        "id": utilities.pk, "name": "Utilities", "type": "expense", "parent_id": None, "color": "#64748b",
    }
    [event] = books_a.events("transaction.updated")
    assert (event.actor_id, event.changes) == (team_a.user.pk, {"category_id": {"old": None, "new": utilities.pk}})


def test_a_lines_figures_cannot_be_changed(manager_api, books_a, imported):
    energy = line_id(books_a, "PAGTO BOLETO ENERGIA ELÉTRICA")
    utilities = books_a.category(name="Utilities")

    response = manager_api.patch(
        f"{TRANSACTIONS}{energy}/", {"category_id": utilities.pk, "amount": "1.00", "description": "Mine"}
    )

    assert response.status_code == 400
    message = "A statement line's figures are the bank's: only its category can change."
    assert response.json() == {"description": [message], "amount": [message]}
    assert manager_api.get(f"{TRANSACTIONS}{energy}/").json()["category"] is None
    assert books_a.events("transaction.updated") == []


def test_a_category_is_taken_off_with_null(manager_api, books_a, imported):
    energy = line_id(books_a, "PAGTO BOLETO ENERGIA ELÉTRICA")
    utilities = books_a.category(name="Utilities")
    manager_api.patch(f"{TRANSACTIONS}{energy}/", {"category_id": utilities.pk})

    response = manager_api.patch(f"{TRANSACTIONS}{energy}/", {"category_id": None})

    assert response.json()["category"] is None
    assert len(books_a.events("transaction.updated")) == 2


def test_a_category_that_is_not_there_is_a_400(manager_api, books_a, imported):
    energy = line_id(books_a, "PAGTO BOLETO ENERGIA ELÉTRICA")

    response = manager_api.patch(f"{TRANSACTIONS}{energy}/", {"category_id": 999999})

    assert response.status_code == 400
    assert response.json() == {"category_id": ['Invalid pk "999999" - object does not exist.']}


def test_lines_cannot_be_typed_in_through_the_api(manager_api, imported):
    response = manager_api.post(TRANSACTIONS, {"date": "2024-01-01", "description": "x", "amount": "1.00"})

    assert response.status_code == 405


# --- Deleting ----------------------------------------------------------------------------------------


def test_a_manager_deletes_a_line_nobody_reconciled(manager_api, books_a, imported):
    fee = line_id(books_a, "TARIFA MENSAL PACOTE SERVIÇOS")

    response = manager_api.delete(f"{TRANSACTIONS}{fee}/")

    assert response.status_code == 204
    assert books_a.count() == 2
    assert [event.payload["description"] for event in books_a.events("transaction.deleted")] == [
        "TARIFA MENSAL PACOTE SERVIÇOS"
    ]


def test_a_reconciled_line_cannot_be_deleted(manager_api, books_a, imported, team_a):
    energy = line_id(books_a, "PAGTO BOLETO ENERGIA ELÉTRICA")

    def reconcile():  # as reconciliation leaves it: a payment, the line given to the account
        account = Account.objects.create(type="payable", amount=Decimal("1250.40"), paid_amount=Decimal("1250.40"),
                                         currency="BRL", due_date=date(2024, 3, 5), status="paid")
        Payment.objects.create(account=account, transaction_id=energy, amount=Decimal("1250.40"),
                               paid_at="2024-03-05T12:00:00Z")
        Transaction.objects.filter(pk=energy).update(
            matched_account=account, reconciled=True, reconciled_amount=Decimal("1250.40")
        )

    books_a.run(reconcile)

    response = manager_api.delete(f"{TRANSACTIONS}{energy}/")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This line is reconciled with accounts: unreconcile it before deleting it."]
    }
    assert books_a.count() == 3


def test_a_plain_member_cannot_delete_a_line(member_api, books_a, imported):
    fee = line_id(books_a, "TARIFA MENSAL PACOTE SERVIÇOS")

    response = member_api.delete(f"{TRANSACTIONS}{fee}/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only a manager or an admin can delete a statement line."}
    assert books_a.count() == 3


# --- Another workspace --------------------------------------------------------------------------------


def test_another_workspace_sees_none_of_the_lines(api, team_b, books_a, books_b, imported):
    books_b.bank_account(name="Beta's own")
    beta = api(host=team_b.host, user=team_b.admin)
    energy = line_id(books_a, "PAGTO BOLETO ENERGIA ELÉTRICA")
    utilities = books_a.category(name="Utilities")

    assert beta.get(TRANSACTIONS).json()["count"] == 0
    assert beta.get(TRANSACTIONS, {"bank_account_id": imported.pk}).json()["count"] == 0
    assert beta.get(f"{TRANSACTIONS}{energy}/").status_code == 404
    assert beta.patch(f"{TRANSACTIONS}{energy}/", {"category_id": None}).status_code == 404
    assert beta.delete(f"{TRANSACTIONS}{energy}/").status_code == 404
    assert books_a.count() == 3
    assert api(host=team_b.host, user=team_b.admin).patch(
        f"{TRANSACTIONS}{energy}/", {"category_id": utilities.pk}
    ).status_code == 404

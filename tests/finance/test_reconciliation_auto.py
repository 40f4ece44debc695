"""POST /api/v1/finance/transactions/auto_reconcile/: the lines whose best suggestion leaves no doubt
are reconciled (exactly the amount left on the account, a confidence of 85 or more, 10 ahead of
the next one), every other line is left for a person, and the report says which and why."""

from datetime import date
from decimal import Decimal

from modules.finance.reconciliation import AUTO_CONFIDENCE, AUTO_MARGIN
from tests.finance import reconciliation_fixtures as fixtures
from tests.finance.reconciliation_fixtures import AUTO_URL

# Shared fixtures (tests/finance/conftest.py is another part's): pytest finds them under these names.
books, books_b = fixtures.books, fixtures.books_b

NOTHING_SKIPPED = {
    "no_suggestion": 0, "low_confidence": 0, "ambiguous": 0, "claimed": 0, "not_permitted": 0, "changed": 0,
}


def run(admin_api, **filters) -> dict:
    response = admin_api.post(AUTO_URL, filters)
    assert response.status_code == 200, response.json()
    return response.json()


def test_it_reconciles_the_line_that_names_the_account_with_its_exact_amount(books, admin_api):
    account = books.account("250.00", customer=books.contact("Maria Souza"))
    line = books.line("250.00", description="PIX RECEBIDO MARIA SOUZA")

    report = run(admin_api)

    assert report == {
        "reconciled": 1, "skipped": 0,
        "matches": [{"transaction_id": line.pk, "account_id": account.pk, "amount": "250.00", "confidence": 90}],
        "skipped_by_reason": NOTHING_SKIPPED, "examined": 1, "left_out": 0,
        "confidence_needed": AUTO_CONFIDENCE, "margin_needed": AUTO_MARGIN,
    }
    assert books.fresh(line).reconciled
    assert books.fresh(account).status == "paid"
    assert [event.aggregate_id for event in books.events("transaction.reconciled")] == [line.pk]
    assert [event.aggregate_id for event in books.events("account.paid")] == [account.pk]


def test_two_identical_open_accounts_are_never_chosen_between(books, admin_api):
    contact = books.contact("Maria Souza")
    first, second = books.account("250.00", customer=contact), books.account("250.00", customer=contact)
    line = books.line("250.00", description="PIX RECEBIDO MARIA SOUZA")

    report = run(admin_api)

    assert (report["reconciled"], report["skipped"], report["skipped_by_reason"]["ambiguous"]) == (0, 1, 1)
    assert not books.fresh(line).reconciled
    assert books.fresh(first).status == books.fresh(second).status == "pending"
    assert books.payments() == []


def test_the_amount_alone_is_not_enough(books, admin_api):
    books.account("250.00")
    line = books.line("250.00", description="PIX RECEBIDO")

    report = run(admin_api)

    assert (report["reconciled"], report["skipped_by_reason"]["low_confidence"]) == (0, 1)
    assert not books.fresh(line).reconciled


def test_the_amount_with_part_of_the_name_is_not_enough(books, admin_api):
    # Another Maria, with the same amount due the same day: half a name must not decide.
    books.account("250.00", customer=books.contact("Maria Souza Lima"))
    line = books.line("250.00", description="PIX RECEBIDO MARIA SOUZA")

    report = run(admin_api)

    assert (report["reconciled"], report["skipped_by_reason"]["low_confidence"]) == (0, 1)
    assert not books.fresh(line).reconciled


def test_the_name_and_reference_without_the_exact_amount_are_not_enough(books, admin_api):
    books.account("300.00", customer=books.contact("Maria Souza"), reference="NF-7788")
    books.line("299.00", description="PIX RECEBIDO MARIA SOUZA NF 7788")

    report = run(admin_api)

    assert (report["reconciled"], report["skipped_by_reason"]["low_confidence"]) == (0, 1)


def test_a_line_without_any_suggestion_is_counted_apart(books, admin_api):
    books.line("12.90", type="debit", description="TARIFA PACOTE SERVICOS")

    assert run(admin_api)["skipped_by_reason"]["no_suggestion"] == 1


def test_an_account_goes_to_the_line_it_fits_best_and_to_one_line_only(books, admin_api):
    account = books.account("250.00", customer=books.contact("Maria Souza"), due_date=date(2025, 1, 15))
    on_time = books.line("250.00", description="PIX RECEBIDO MARIA SOUZA", date=date(2025, 1, 15))
    late = books.line("250.00", description="PIX RECEBIDO MARIA SOUZA", date=date(2025, 1, 24))

    report = run(admin_api)

    assert [(match["transaction_id"], match["account_id"]) for match in report["matches"]] == [
        (on_time.pk, account.pk)
    ]
    assert report["skipped_by_reason"]["claimed"] == 1
    assert not books.fresh(late).reconciled
    assert books.payments(account=account)[0].amount == Decimal("250.00")


def test_two_lines_that_fit_an_account_equally_leave_it_alone(books, admin_api):
    account = books.account("250.00", customer=books.contact("Maria Souza"))
    books.line("250.00", description="PIX RECEBIDO MARIA SOUZA")
    books.line("250.00", description="PIX RECEBIDO MARIA SOUZA")

    report = run(admin_api)

    assert (report["reconciled"], report["skipped_by_reason"]["claimed"]) == (0, 2)
    assert books.fresh(account).status == "pending"


def test_it_runs_over_one_bank_account_and_a_range_of_dates(books, admin_api):
    contact = books.contact("Maria Souza")
    savings = books.bank_account(name="Poupança")
    for month in (1, 3, 5):  # monthly instalments, each paid on its day
        books.account("100.00", customer=contact, due_date=date(2025, month, 15))
        books.line("100.00", description="PIX RECEBIDO MARIA SOUZA", date=date(2025, month, 15))
    books.account("70.00", customer=contact, due_date=date(2025, 1, 15))
    in_savings = books.line("70.00", description="PIX RECEBIDO MARIA SOUZA", bank_account=savings)

    only_savings = run(admin_api, bank_account_id=savings.pk)
    middle = run(admin_api, date_after="2025-02-01", date_before="2025-04-01")

    assert [match["transaction_id"] for match in only_savings["matches"]] == [in_savings.pk]
    assert middle["examined"] == 1
    assert [match["amount"] for match in middle["matches"]] == ["100.00"]


def test_accounts_assigned_to_someone_else_are_left_to_them(books, api, team_a):
    books.account("250.00", customer=books.contact("Maria Souza"), assigned_to=team_a.manager)
    line = books.line("250.00", description="PIX RECEBIDO MARIA SOUZA")

    response = api(host=team_a.host, user=team_a.user).post(AUTO_URL, {})

    assert response.json()["skipped_by_reason"]["not_permitted"] == 1
    assert not books.fresh(line).reconciled


def test_another_workspaces_bank_account_is_not_found(books, api, team_b):
    theirs = books.bank_account()

    response = api(host=team_b.host, user=team_b.admin).post(AUTO_URL, {"bank_account_id": theirs.pk})

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_outsiders_token_is_refused_on_the_workspaces_host(books, api, team_a, team_b):
    books.account("250.00", customer=books.contact("Maria Souza"))
    line = books.line("250.00", description="PIX RECEBIDO MARIA SOUZA")

    response = api(host=team_a.host, user=team_b.admin).post(AUTO_URL, {})

    assert response.status_code == 401
    assert not books.fresh(line).reconciled


def test_the_schema_names_each_reconciliation_operation_once(api, db):
    schema = api().get("/api/v1/schema/?format=json").json()
    operations = [
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]

    assert "/api/v1/finance/transactions/auto_reconcile/" in schema["paths"]
    assert {"post"} == set(schema["paths"]["/api/v1/finance/transactions/{id}/reconcile/"])
    assert {"get"} == set(schema["paths"]["/api/v1/finance/transactions/{id}/suggestions/"])
    assert len(operations) == len(set(operations))

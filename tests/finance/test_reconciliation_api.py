"""POST /api/v1/finance/transactions/{id}/reconcile/ and .../unreconcile/: a statement line given to
the payables and receivables it settles, in full, in part, or over several accounts, and taken
back; every refusal a 400 that writes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from modules.finance.models import Account, Payment, Transaction
from tests.finance import reconciliation_fixtures as fixtures
from tests.finance.reconciliation_fixtures import reconcile_url, suggestions_url, unreconcile_url

# Shared fixtures (tests/finance/conftest.py is another part's): pytest finds them under these names.
books, books_b = fixtures.books, fixtures.books_b


def test_it_gives_a_line_to_the_receivable_it_pays(books, admin_api):
    account = books.account("150.00")
    line = books.line("150.00", description="PIX RECEBIDO ANA")

    response = admin_api.post(reconcile_url(line), {"account_id": account.pk})

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "id": line.pk, "bank_account_id": line.bank_account_id, "date": "2025-01-15",
        "description": "PIX RECEBIDO ANA", "amount": "150.00", "type": "credit", "currency": "BRL",
        "matched_account_id": account.pk, "reconciled_amount": "150.00", "reconciled": True,
        "payments": [{
            "account_id": account.pk, "transaction_id": line.pk, "amount": "150.00",
            # The start of the line's day in the workspace's time zone (alpha: New York, UTC-5 in January).
            "paid_at": "2025-01-15T05:00:00Z", "method": "pix",
        }],
    }
    account = books.fresh(account)
    assert (account.status, account.paid_amount, account.payment_method) == ("paid", Decimal("150.00"), "pix")
    assert account.paid_at.isoformat() == "2025-01-15T05:00:00+00:00"


def test_a_debit_pays_a_payable_and_the_bank_words_say_how(books, admin_api):
    account = books.account("89.90", type="payable", vendor="Copel")
    line = books.line("89.90", type="debit", description="PAG BOLETO COPEL")

    response = admin_api.post(reconcile_url(line), {"account_id": account.pk})

    assert response.status_code == 200, response.json()
    assert response.json()["payments"][0]["method"] == "boleto"
    assert books.fresh(account).status == "paid"


def test_it_records_the_line_and_the_account_events(books, admin_api):
    account = books.account("150.00")
    line = books.line("150.00", description="TED RECEBIDA ANA")

    admin_api.post(reconcile_url(line), {"account_id": account.pk})

    reconciled, paid = books.events("transaction.reconciled"), books.events("account.paid")
    assert [event.aggregate_id for event in reconciled] == [line.pk]
    assert reconciled[0].payload["reconciled"] is True
    assert reconciled[0].payload["payments"] == [{
        "account_id": account.pk, "transaction_id": line.pk, "amount": "150.00",
        "paid_at": "2025-01-15T05:00:00Z", "method": "bank_transfer",
    }]
    assert [event.aggregate_id for event in paid] == [account.pk]


# --- Partial payments ------------------------------------------------------------------------------


def test_an_amount_pays_part_of_the_account_and_leaves_the_rest_of_the_line(books, admin_api):
    account = books.account("100.00")
    line = books.line("100.00")

    response = admin_api.post(reconcile_url(line), {"account_id": account.pk, "amount": "40.00"})

    assert response.status_code == 200, response.json()
    assert (response.json()["reconciled_amount"], response.json()["reconciled"]) == ("40.00", False)
    account = books.fresh(account)
    assert (account.status, account.paid_amount, account.paid_at) == ("pending", Decimal("40.00"), None)
    assert [event.payload["paid_amount"] for event in books.events("account.partially_paid")] == ["40.00"]


def test_one_line_settles_several_accounts(books, admin_api):
    rent, power = books.account("1000.00", type="payable"), books.account("250.00", type="payable")
    line = books.line("1250.00", type="debit", description="TED 341 IMOBILIARIA")

    response = admin_api.post(reconcile_url(line), {"accounts": [{"account_id": rent.pk}, {"account_id": power.pk}]})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["reconciled"], body["matched_account_id"]) == (True, rent.pk)
    assert [(payment["account_id"], payment["amount"]) for payment in body["payments"]] == [
        (rent.pk, "1000.00"), (power.pk, "250.00"),
    ]
    assert books.fresh(rent).status == books.fresh(power).status == "paid"


def test_without_amounts_each_account_takes_what_is_left_of_the_line_in_turn(books, admin_api):
    first, second = books.account("100.00"), books.account("200.00")
    line = books.line("250.00")

    response = admin_api.post(reconcile_url(line), {"accounts": [{"account_id": first.pk}, {"account_id": second.pk}]})

    assert response.status_code == 200, response.json()
    assert [payment["amount"] for payment in response.json()["payments"]] == ["100.00", "150.00"]
    assert books.fresh(first).status == "paid"
    assert (books.fresh(second).status, books.fresh(second).paid_amount) == ("pending", Decimal("150.00"))


def test_several_lines_pay_one_account_and_the_last_one_closes_it(books, admin_api):
    account = books.account("300.00", due_date=date(2025, 1, 10))
    first = books.line("100.00", date=date(2025, 1, 10))
    last = books.line("200.00", date=date(2025, 1, 24), description="PIX RECEBIDO")

    admin_api.post(reconcile_url(first), {"account_id": account.pk})
    half_way = books.fresh(account)
    # What is left is tracked: the next line's suggestions see exactly that.
    suggested = admin_api.get(suggestions_url(last)).json()
    response = admin_api.post(reconcile_url(last), {"account_id": account.pk})

    assert (half_way.status, half_way.paid_amount, half_way.remaining) == ("pending", Decimal("100.00"), 200)
    assert suggested[0]["account"]["id"] == account.pk
    assert suggested[0]["account"]["remaining"] == "200.00"
    assert "exact_amount" in [reason["code"] for reason in suggested[0]["reasons"]]
    assert response.status_code == 200, response.json()
    account = books.fresh(account)
    assert (account.status, account.paid_amount) == ("paid", Decimal("300.00"))
    assert account.paid_at.isoformat() == "2025-01-24T05:00:00+00:00"  # the last line's date
    assert [payment.amount for payment in books.payments(account=account)] == [Decimal("100.00"), Decimal("200.00")]


def test_what_is_left_of_a_line_goes_to_another_account_later(books, admin_api):
    first, second = books.account("60.00"), books.account("40.00")
    line = books.line("100.00")

    admin_api.post(reconcile_url(line), {"account_id": first.pk})
    response = admin_api.post(reconcile_url(line), {"account_id": second.pk})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["reconciled"], body["matched_account_id"]) == (True, first.pk)
    assert [payment["account_id"] for payment in body["payments"]] == [first.pk, second.pk]
    assert [len(event.payload["payments"]) for event in books.events("transaction.reconciled")] == [1, 2]


# --- Refusals: a 400 that says why, and nothing written ---------------------------------------------


def _refusal_cases():
    """name → (build(books) -> (line, body), the answer)."""

    def payable_for_credit(books):
        account = books.account("100.00", type="payable")
        return books.line("100.00"), {"account_id": account.pk}, {"account_id": [
            f"Account #{account.pk} is a payable: money that came in (a credit) settles receivables only."
        ]}

    def receivable_for_debit(books):
        account = books.account("100.00")
        return books.line("100.00", type="debit"), {"account_id": account.pk}, {"account_id": [
            f"Account #{account.pk} is a receivable: money that went out (a debit) settles payables only."
        ]}

    def other_currency(books):
        account = books.account("100.00", currency="USD")
        return books.line("100.00"), {"account_id": account.pk}, {"account_id": [
            f"Account #{account.pk} is in USD but the bank account is in BRL."
        ]}

    def more_than_the_account(books):
        account = books.account("100.00")
        return books.line("500.00"), {"account_id": account.pk, "amount": "120.00"}, {"amount": [
            "This payment is more than what is left to pay on the account (100.00)."
        ]}

    def more_than_the_line(books):
        account = books.account("500.00")
        return books.line("100.00"), {"account_id": account.pk, "amount": "120.00"}, {"amount": [
            "These amounts add up to more than the R$100.00 left to reconcile on this line."
        ]}

    def several_more_than_the_line(books):
        first, second = books.account("80.00"), books.account("80.00")
        body = {"accounts": [{"account_id": first.pk, "amount": "80.00"}, {"account_id": second.pk, "amount": "30.00"}]}
        return books.line("100.00"), body, {"amount": [
            "These amounts add up to more than the R$100.00 left to reconcile on this line."
        ]}

    def nothing_left_for_the_last(books):
        first, second = books.account("100.00"), books.account("80.00")
        body = {"accounts": [{"account_id": first.pk}, {"account_id": second.pk}]}
        return books.line("100.00"), body, {"amount": [f"Nothing is left on this line for account #{second.pk}."]}

    def cancelled(books):
        account = books.account("100.00", status="cancelled")
        return books.line("100.00"), {"account_id": account.pk}, {"non_field_errors": [
            "This account is cancelled: it cannot be paid."
        ]}

    def already_paid(books):
        account = books.account("100.00", status="paid", paid_amount=Decimal("100.00"))
        return books.line("100.00"), {"account_id": account.pk}, {"non_field_errors": ["This account is already paid."]}

    def line_already_reconciled(books):
        account = books.account("100.00")
        line = books.line("100.00", reconciled=True, reconciled_amount=Decimal("100.00"))
        return line, {"account_id": account.pk}, {"non_field_errors": ["This statement line is already reconciled."]}

    def listed_twice(books):
        account = books.account("100.00")
        body = {"accounts": [{"account_id": account.pk, "amount": "10.00"}, {"account_id": account.pk}]}
        return books.line("100.00"), body, {"accounts": ["An account is listed twice."]}

    def unknown_account(books):
        return books.line("100.00"), {"account_id": 987654}, {"account_id": ["There is no account #987654."]}

    def both_forms(books):
        account = books.account("100.00")
        body = {"account_id": account.pk, "accounts": [{"account_id": account.pk}]}
        return books.line("100.00"), body, {"account_id": [
            "Send account_id (with an optional amount) or a list of accounts."
        ]}

    def no_account(books):
        return books.line("100.00"), {}, {"account_id": [
            "Send account_id (with an optional amount) or a list of accounts."
        ]}

    def amount_beside_a_list(books):
        account = books.account("100.00")
        body = {"accounts": [{"account_id": account.pk}], "amount": "10.00"}
        return books.line("100.00"), body, {"amount": ["With a list of accounts, give each its amount there."]}

    def peso_cents(books):
        account = books.account("1000", currency="CLP")
        line = books.line("1000", bank_account=books.bank_account(currency="CLP"))
        return line, {"account_id": account.pk, "amount": "10.50"}, {"amount": [
            "Amounts in CLP have at most 0 decimals."
        ]}

    return {
        "a payable for money in": payable_for_credit, "a receivable for money out": receivable_for_debit,
        "another currency": other_currency, "more than the account": more_than_the_account,
        "more than the line": more_than_the_line, "several, more than the line": several_more_than_the_line,
        "nothing left for the last": nothing_left_for_the_last, "a cancelled account": cancelled,
        "a paid account": already_paid, "a reconciled line": line_already_reconciled,
        "an account twice": listed_twice, "an unknown account": unknown_account, "both forms": both_forms,
        "no account": no_account, "an amount beside a list": amount_beside_a_list, "pesos with cents": peso_cents,
    }


REFUSALS = _refusal_cases()


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_a_refusal_says_why_and_writes_nothing(books, admin_api, case):
    line, body, answer = REFUSALS[case](books)
    accounts_before = books.query(lambda: list(Account.objects.order_by("pk").values()))

    response = admin_api.post(reconcile_url(line), body)

    assert response.status_code == 400
    assert response.json() == answer
    assert books.payments() == []
    assert books.query(lambda: list(Account.objects.order_by("pk").values())) == accounts_before
    fresh = books.fresh(line)
    assert (fresh.reconciled_amount, fresh.matched_account_id) == (line.reconciled_amount, None)
    assert books.events("transaction.reconciled", "account.paid", "account.partially_paid") == []


def test_a_line_that_already_pays_an_account_cannot_pay_it_again(books, admin_api):
    account = books.account("100.00")
    line = books.line("100.00")
    admin_api.post(reconcile_url(line), {"account_id": account.pk, "amount": "30.00"})

    response = admin_api.post(reconcile_url(line), {"account_id": account.pk, "amount": "20.00"})

    assert response.status_code == 400
    assert response.json() == {"account_id": [
        f"This line already pays account #{account.pk}: unreconcile it first to change what it gives."
    ]}
    assert books.fresh(account).paid_amount == Decimal("30.00")


def test_refusals_are_translated(books, api, team_a):
    account = books.account("100.00", type="payable")
    line = books.line("100.00")

    portuguese = api(host=team_a.host, user=team_a.admin, language="pt-BR").post(
        reconcile_url(line), {"account_id": account.pk}
    )
    spanish = api(host=team_a.host, user=team_a.admin, language="es").post(reconcile_url(line), {"account_id": 98765})

    assert portuguese.json() == {"account_id": [
        f"A conta #{account.pk} é a pagar: dinheiro que entrou (um crédito) quita apenas contas a receber."
    ]}
    assert spanish.json() == {"account_id": ["No existe la cuenta #98765."]}


# --- Unreconciling --------------------------------------------------------------------------------


def test_unreconciling_takes_every_payment_back_and_reopens_the_accounts(books, admin_api):
    later = timezone.localdate() + timedelta(days=30)
    past_due, not_yet_due = books.account("100.00"), books.account("50.00", due_date=later)
    line = books.line("150.00")
    admin_api.post(reconcile_url(line), {"accounts": [{"account_id": past_due.pk}, {"account_id": not_yet_due.pk}]})

    response = admin_api.post(unreconcile_url(line))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["reconciled"], body["reconciled_amount"], body["matched_account_id"], body["payments"]) == (
        False, "0.00", None, [],
    )
    assert books.payments() == []
    assert [(account.status, account.paid_amount, account.paid_at) for account in map(books.fresh, (
        past_due, not_yet_due
    ))] == [("overdue", 0, None), ("pending", 0, None)]
    unreconciled = books.events("transaction.unreconciled")
    assert [payment["account_id"] for payment in unreconciled[0].payload["payments"]] == [past_due.pk, not_yet_due.pk]
    assert sorted(event.aggregate_id for event in books.events("account.reopened")) == [past_due.pk, not_yet_due.pk]


def test_an_account_paid_by_two_lines_stays_partly_paid_when_one_is_taken_back(books, admin_api):
    account = books.account("300.00")
    first, second = books.line("100.00"), books.line("200.00")
    admin_api.post(reconcile_url(first), {"account_id": account.pk})
    admin_api.post(reconcile_url(second), {"account_id": account.pk})

    admin_api.post(unreconcile_url(second))

    account = books.fresh(account)
    assert (account.status, account.paid_amount, account.paid_at) == ("overdue", Decimal("100.00"), None)


def test_a_line_that_is_not_reconciled_cannot_be_unreconciled(books, admin_api):
    line = books.line("100.00")

    response = admin_api.post(unreconcile_url(line))

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This statement line is not reconciled."]}
    assert books.events("transaction.unreconciled") == []


# --- Who may ---------------------------------------------------------------------------------------


def test_a_user_reconciles_an_account_nobody_is_assigned_to(books, api, team_a):
    account = books.account("100.00")
    line = books.line("100.00")

    response = api(host=team_a.host, user=team_a.user).post(reconcile_url(line), {"account_id": account.pk})

    assert response.status_code == 200, response.json()


def test_a_user_may_not_reconcile_an_account_assigned_to_someone_else(books, api, team_a):
    account = books.account("100.00", assigned_to=team_a.manager)
    line = books.line("100.00")

    response = api(host=team_a.host, user=team_a.user).post(reconcile_url(line), {"account_id": account.pk})

    assert response.status_code == 403
    assert books.payments() == []
    assert books.fresh(line).reconciled_amount == 0


def test_a_user_may_not_take_back_a_payment_of_an_account_assigned_to_someone_else(books, api, admin_api, team_a):
    account = books.account("100.00", assigned_to=team_a.manager)
    line = books.line("100.00")
    admin_api.post(reconcile_url(line), {"account_id": account.pk})

    response = api(host=team_a.host, user=team_a.user).post(unreconcile_url(line))

    assert response.status_code == 403
    assert books.fresh(account).status == "paid"
    assert books.fresh(line).reconciled


# --- Other workspaces -------------------------------------------------------------------------------


@pytest.mark.parametrize("method, url", [
    ("post", reconcile_url), ("post", unreconcile_url), ("get", suggestions_url),
], ids=["reconcile", "unreconcile", "suggestions"])
def test_another_workspace_cannot_reach_a_line(books, api, team_a, team_b, method, url):
    account = books.account("100.00")
    line = books.line("100.00")

    outsider = getattr(api(host=team_b.host, user=team_b.admin), method)(url(line), {"account_id": account.pk})
    wrong_host = getattr(api(host=team_a.host, user=team_b.admin), method)(url(line), {"account_id": account.pk})

    assert outsider.status_code == 404
    assert outsider.json() == {"detail": "Not found."}
    assert wrong_host.status_code == 401
    assert books.payments() == []
    assert books.fresh(line).reconciled_amount == 0


def test_another_workspaces_account_is_not_found_from_ones_own_line(books, books_b, api, team_b):
    theirs = books.account("100.00")
    line = books_b.line("100.00")

    response = api(host=team_b.host, user=team_b.admin).post(reconcile_url(line), {"account_id": theirs.pk})

    assert response.status_code == 400
    assert response.json() == {"account_id": [f"There is no account #{theirs.pk}."]}
    assert books.query(lambda: Payment.objects.count()) == 0
    assert books_b.query(lambda: Transaction.objects.get(pk=line.pk).reconciled_amount) == 0

"""/api/v1/finance/accounts/: payables and receivables, written and read as the spec's Account,
paid by hand through payments.payment_apply, cancelled, deleted while nothing was paid."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.finance.models import Account, Payment

ACCOUNTS = "/api/v1/finance/accounts/"


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- Creating and reading ------------------------------------------------------------------------


def test_it_creates_the_specs_receivable_and_reads_it_with_its_category_and_customer(admin_api, finance_a):
    category = finance_a.category(name="Consultoria", type="income", color="#10b981")
    customer = finance_a.crm.contact(name="ACME Buyer", email="buyer@acme.com", company="ACME")

    response = admin_api.post(ACCOUNTS, {
        "type": "receivable", "category_id": category.pk, "description": "Consultoria Projeto X",
        "amount": "5000.00", "currency": "USD", "due_date": "2099-12-15", "customer_id": customer.pk,
    })

    assert response.status_code == 201, response.content
    account = response.json()
    assert account == {
        "id": account["id"], "name": "", "type": "receivable",
        "category": {"id": category.pk, "name": "Consultoria", "type": "income", "parent_id": None,
                     "color": "#10b981"},
        "description": "Consultoria Projeto X", "reference": "", "amount": "5000.00", "formatted": "$5,000.00",
        "paid_amount": "0.00", "remaining": "5000.00", "currency": "USD", "due_date": "2099-12-15",
        "status": "pending", "paid_at": None, "payment_method": None,
        "customer": {"id": customer.pk, "name": "ACME Buyer", "email": "buyer@acme.com", "company": "ACME"},
        "vendor": "", "invoice_id": None, "notes": "", "assigned_to": None, "created_at": account["created_at"],
    }
    assert admin_api.get(f"{ACCOUNTS}{account['id']}/").json() == account
    [created] = finance_a.events("account.created")
    assert (created.payload["id"], created.payload["amount"], created.payload["status"]) == (
        account["id"], "5000.00", "pending")


def test_an_account_created_past_its_due_date_is_overdue_at_once(admin_api, finance_a):
    yesterday = finance_a.today() - timedelta(days=1)

    response = admin_api.post(ACCOUNTS, {
        "type": "payable", "vendor": "Energy Co.", "amount": "320.50", "currency": "BRL",
        "due_date": yesterday.isoformat(),
    })

    assert response.json()["status"] == "overdue"


@pytest.mark.parametrize(("amount", "currency"), [("0", "USD"), ("-5.00", "USD"), ("12.5", "CLP"), ("abc", "USD")])
def test_an_amount_must_be_above_zero_in_its_currencys_digits(admin_api, finance_a, amount, currency):
    response = admin_api.post(ACCOUNTS, {
        "type": "receivable", "amount": amount, "currency": currency, "due_date": "2099-01-01",
    })

    assert response.status_code == 400
    assert set(response.json()) == {"amount"}
    assert finance_a.query(lambda: Account.objects.count()) == 0


@pytest.mark.parametrize(("account_type", "category_type", "message"), [
    ("receivable", "expense", "A receivable takes an income category."),
    ("payable", "income", "A payable takes an expense category."),
])
def test_the_category_must_fit_the_accounts_type(admin_api, finance_a, account_type, category_type, message):
    category = finance_a.category(type=category_type)

    response = admin_api.post(ACCOUNTS, {
        "type": account_type, "category_id": category.pk, "amount": "10.00", "currency": "USD",
        "due_date": "2099-01-01",
    })

    assert response.status_code == 400
    assert response.json() == {"category_id": [message]}
    assert finance_a.query(lambda: Account.objects.count()) == 0


def test_the_refusals_are_translated(api, team_a, finance_a):
    category = finance_a.category(type="expense")
    client = api(host=team_a.host, user=team_a.admin, language="pt-br")

    response = client.post(ACCOUNTS, {
        "type": "receivable", "category_id": category.pk, "amount": "10.00", "currency": "USD",
        "due_date": "2099-01-01",
    })

    assert response.json() == {"category_id": ["Uma conta a receber leva uma categoria de receita."]}


def test_a_category_or_customer_of_another_workspace_does_not_exist_here(admin_api, finance_b):
    foreign_category = finance_b.category()
    foreign_customer = finance_b.crm.contact()

    response = admin_api.post(ACCOUNTS, {
        "type": "receivable", "amount": "10.00", "currency": "USD", "due_date": "2099-01-01",
        "category_id": foreign_category.pk, "customer_id": foreign_customer.pk,
    })

    assert response.status_code == 400
    assert set(response.json()) == {"category_id", "customer_id"}


@pytest.mark.parametrize(("language", "formatted"), [
    ("en", ["$12,500.50", "R$12,500.50", "MX$12,500.50"]),
    ("pt-br", ["US$ 12.500,50", "R$ 12.500,50", "MX$ 12.500,50"]),
    ("es", ["$12,500.50", "BRL 12,500.50", "MXN 12,500.50"]),  # Spanish as written in the US
])
def test_the_amount_is_formatted_for_the_readers_locale(api, team_a, finance_a, language, formatted):
    for currency in ("USD", "BRL", "MXN"):
        finance_a.account(amount="12500.50", currency=currency)
    client = api(host=team_a.host, user=team_a.admin, language=language)

    rows = client.get(ACCOUNTS, {"ordering": "created_at"}).json()["results"]

    assert [row["formatted"] for row in rows] == formatted
    assert [row["amount"] for row in rows] == ["12500.50"] * 3


# --- Lists and filters ---------------------------------------------------------------------------


def test_it_filters_by_type_status_due_dates_category_customer_and_currency(admin_api, finance_a):
    today = finance_a.today()
    services = finance_a.category(name="Services", type="income")
    training = finance_a.category(name="Training", type="income", parent=services)
    buyer = finance_a.crm.contact(name="Buyer")
    late = finance_a.account(description="Late", due_date=today - timedelta(days=3), category=services)
    soon = finance_a.account(description="Soon", due_date=today + timedelta(days=2), category=training,
                             customer=buyer)
    rent = finance_a.account(type="payable", description="Rent", due_date=today + timedelta(days=20),
                             currency="BRL")
    paid = finance_a.account(description="Paid", due_date=today + timedelta(days=40))
    finance_a.pay(paid, "1000.00")

    assert _ids(admin_api.get(ACCOUNTS, {"type": "payable"})) == [rent.pk]
    assert _ids(admin_api.get(ACCOUNTS, {"status": "overdue"})) == [late.pk]
    assert _ids(admin_api.get(ACCOUNTS, {"status": "pending,overdue"})) == [late.pk, soon.pk, rent.pk]
    assert _ids(admin_api.get(ACCOUNTS, {"status": "paid"})) == [paid.pk]
    assert _ids(admin_api.get(ACCOUNTS, {"due_after": (today + timedelta(days=2)).isoformat(),
                                         "due_before": (today + timedelta(days=20)).isoformat()})) == [soon.pk, rent.pk]
    assert _ids(admin_api.get(ACCOUNTS, {"category_id": services.pk})) == [late.pk, soon.pk]  # its subcategory's too
    assert _ids(admin_api.get(ACCOUNTS, {"category_id": training.pk})) == [soon.pk]
    assert _ids(admin_api.get(ACCOUNTS, {"customer_id": buyer.pk})) == [soon.pk]
    assert _ids(admin_api.get(ACCOUNTS, {"currency": "BRL"})) == [rent.pk]
    assert _ids(admin_api.get(ACCOUNTS, {"ordering": "-due_date"})) == [paid.pk, rent.pk, soon.pk, late.pk]


def test_search_ignores_accents_and_case_and_finds_the_customer_too(admin_api, finance_a):
    joao = finance_a.crm.contact(name="João Conceição")
    energy = finance_a.account(type="payable", vendor="Companhia Elétrica", reference="NF-2231")
    consulting = finance_a.account(description="Consultoria", customer=joao)

    assert _ids(admin_api.get(ACCOUNTS, {"search": "eletrica"})) == [energy.pk]
    assert _ids(admin_api.get(ACCOUNTS, {"search": "nf-2231"})) == [energy.pk]
    assert _ids(admin_api.get(ACCOUNTS, {"search": "2231"})) == [energy.pk]
    assert _ids(admin_api.get(ACCOUNTS, {"search": "CONCEICAO"})) == [consulting.pk]


@pytest.mark.parametrize("params", [
    {"status": "late"}, {"type": "both"}, {"due_after": "2026-13-45"}, {"category_id": "abc"},
    {"currency": "EUR"}, {"customer_id": "0"}, {"status": ""},
])
def test_a_filter_that_makes_no_sense_is_a_400_naming_it(admin_api, params):
    response = admin_api.get(ACCOUNTS, params)

    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_the_list_costs_the_same_queries_whatever_the_page_size(admin_api, finance_a):
    category = finance_a.category()
    for number in range(30):
        customer = finance_a.crm.contact(name=f"Customer {number}")
        finance_a.account(description=f"Account {number}", category=category, customer=customer,
                          assigned_to=finance_a.team.user)
    admin_api.get(ACCOUNTS)  # the first request of a workspace also fills per-tenant caches

    def queries_for(page_size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = admin_api.get(ACCOUNTS, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(queries)

    assert queries_for(2) == queries_for(30)


# --- Changing ------------------------------------------------------------------------------------


def test_an_edit_records_what_changed_and_nothing_when_nothing_did(admin_api, finance_a):
    account = finance_a.account(description="Consulting", amount="1000.00")

    changed = admin_api.patch(f"{ACCOUNTS}{account.pk}/", {"description": "Consulting, phase 2", "amount": "1500.00"})
    same = admin_api.patch(f"{ACCOUNTS}{account.pk}/", {"description": "Consulting, phase 2"})

    assert changed.status_code == 200 and same.status_code == 200
    assert (changed.json()["amount"], changed.json()["formatted"]) == ("1500.00", "$1,500.00")
    [updated] = finance_a.events("account.updated")
    assert updated.changes == {
        "description": {"old": "Consulting", "new": "Consulting, phase 2"},
        "amount": {"old": "1000.00", "new": "1500.00"},
    }


def test_moving_the_due_date_of_an_overdue_account_makes_it_pending_again(admin_api, finance_a):
    today = finance_a.today()
    account = finance_a.account(due_date=today - timedelta(days=5))
    assert finance_a.query(lambda: Account.objects.get(pk=account.pk).status) == "overdue"

    response = admin_api.patch(f"{ACCOUNTS}{account.pk}/", {"due_date": (today + timedelta(days=5)).isoformat()})

    assert response.json()["status"] == "pending"
    assert finance_a.query(lambda: Account.objects.get(pk=account.pk).status) == "pending"


def test_a_partly_paid_account_keeps_its_currency_and_an_amount_above_what_was_paid(admin_api, finance_a):
    account = finance_a.account(amount="1000.00")
    finance_a.pay(account, "400.00")

    currency = admin_api.patch(f"{ACCOUNTS}{account.pk}/", {"currency": "BRL"})
    too_low = admin_api.patch(f"{ACCOUNTS}{account.pk}/", {"amount": "400.00"})
    higher = admin_api.patch(f"{ACCOUNTS}{account.pk}/", {"amount": "1200.00"})

    assert currency.status_code == 400
    assert currency.json() == {
        "currency": ["Part of this account was paid: its type and currency can no longer change."]
    }
    assert too_low.json() == {"amount": ["The amount must be more than what was already paid ($400.00)."]}
    assert (higher.json()["amount"], higher.json()["remaining"]) == ("1200.00", "800.00")


def test_a_paid_account_keeps_its_amount_but_takes_notes(admin_api, finance_a):
    account = finance_a.account(amount="100.00")
    admin_api.post(f"{ACCOUNTS}{account.pk}/mark_paid/", {"payment_method": "pix"})

    amount = admin_api.patch(f"{ACCOUNTS}{account.pk}/", {"amount": "90.00"})
    notes = admin_api.patch(f"{ACCOUNTS}{account.pk}/", {"notes": "Receipt in the shared drive"})

    assert amount.json() == {"amount": ["A paid or cancelled account keeps its type, amount and currency."]}
    assert (notes.status_code, notes.json()["notes"]) == (200, "Receipt in the shared drive")


# --- Paying, cancelling, deleting ----------------------------------------------------------------


def test_mark_paid_pays_what_remains_and_twice_is_a_400(admin_api, finance_a):
    account = finance_a.account(amount="5000.00")

    response = admin_api.post(f"{ACCOUNTS}{account.pk}/mark_paid/", {
        "paid_at": "2025-11-13T10:00:00Z", "payment_method": "bank_transfer",
    })
    again = admin_api.post(f"{ACCOUNTS}{account.pk}/mark_paid/", {"payment_method": "pix"})

    assert response.status_code == 200
    paid = response.json()
    assert (paid["status"], paid["paid_at"], paid["payment_method"]) == (
        "paid", "2025-11-13T10:00:00Z", "bank_transfer")
    assert (paid["paid_amount"], paid["remaining"]) == ("5000.00", "0.00")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["This account is already paid."]}
    assert finance_a.query(lambda: list(Payment.objects.values_list("amount", "method"))) == [
        (account.amount, "bank_transfer")]
    assert [event.payload["status"] for event in finance_a.events("account.paid")] == ["paid"]


def test_after_a_partial_payment_mark_paid_pays_the_rest(admin_api, finance_a):
    account = finance_a.account(amount="1000.00")
    finance_a.pay(account, "250.00")

    partly = admin_api.get(f"{ACCOUNTS}{account.pk}/").json()
    response = admin_api.post(f"{ACCOUNTS}{account.pk}/mark_paid/", {"payment_method": "cash"})

    assert (partly["status"], partly["paid_amount"], partly["remaining"]) == ("pending", "250.00", "750.00")
    assert (response.json()["status"], response.json()["remaining"]) == ("paid", "0.00")
    payments = finance_a.query(lambda: [str(amount) for amount in Payment.objects.values_list("amount", flat=True)])
    assert payments == ["250.00", "750.00"]


@pytest.mark.parametrize(("body", "field"), [
    ({"payment_method": "cheque"}, "payment_method"),
    ({}, "payment_method"),
    ({"payment_method": "pix", "paid_at": "2999-01-01T00:00:00Z"}, "paid_at"),
])
def test_mark_paid_refuses_a_method_not_in_the_list_or_a_date_to_come(admin_api, finance_a, body, field):
    account = finance_a.account()

    response = admin_api.post(f"{ACCOUNTS}{account.pk}/mark_paid/", body)

    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert finance_a.query(lambda: Payment.objects.count()) == 0


def test_cancel_keeps_the_reason_and_a_paid_account_cannot_be_cancelled(admin_api, finance_a):
    account = finance_a.account()
    paid = finance_a.account()
    admin_api.post(f"{ACCOUNTS}{paid.pk}/mark_paid/", {"payment_method": "pix"})

    cancelled = admin_api.post(f"{ACCOUNTS}{account.pk}/cancel/", {"reason": "Customer gave up the project"})
    twice = admin_api.post(f"{ACCOUNTS}{account.pk}/cancel/", {})
    refused = admin_api.post(f"{ACCOUNTS}{paid.pk}/cancel/", {})
    pay_cancelled = admin_api.post(f"{ACCOUNTS}{account.pk}/mark_paid/", {"payment_method": "pix"})

    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert finance_a.events("account.cancelled")[0].payload["reason"] == "Customer gave up the project"
    assert twice.json() == {"non_field_errors": ["This account is already cancelled."]}
    assert refused.json() == {"non_field_errors": ["A paid account cannot be cancelled."]}
    assert pay_cancelled.json() == {"non_field_errors": ["This account is cancelled: it cannot be paid."]}
    assert admin_api.get(f"{ACCOUNTS}{paid.pk}/").json()["status"] == "paid"


def test_an_account_with_payments_is_not_deleted(admin_api, finance_a):
    account = finance_a.account(amount="100.00")
    finance_a.pay(account, "10.00")
    unpaid = finance_a.account()

    refused = admin_api.delete(f"{ACCOUNTS}{account.pk}/")
    deleted = admin_api.delete(f"{ACCOUNTS}{unpaid.pk}/")

    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": [
        "Payments were recorded on this account, so it stays in the books: it cannot be deleted."
    ]}
    assert admin_api.get(f"{ACCOUNTS}{account.pk}/").status_code == 200
    assert deleted.status_code == 204
    assert admin_api.get(f"{ACCOUNTS}{unpaid.pk}/").status_code == 404
    assert [event.payload["id"] for event in finance_a.events("account.deleted")] == [unpaid.pk]


def test_a_crm_contact_with_accounts_is_not_deleted_and_the_answer_says_why(admin_api, finance_a):
    customer = finance_a.crm.contact()
    finance_a.account(customer=customer)
    finance_a.account(customer=customer)

    response = admin_api.delete(f"/api/v1/crm/contacts/{customer.pk}/")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [
        "This contact has 2 payables or receivables. Delete them or change their customer before deleting the "
        "contact."
    ]}


# --- Who may do what -----------------------------------------------------------------------------


def test_a_member_changes_what_is_theirs_or_nobodys_and_deletes_only_what_they_created(api, team_a, finance_a):
    client = api(host=team_a.host, user=team_a.user)
    theirs = finance_a.account(assigned_to=team_a.user)
    nobodys = finance_a.account()
    managers = finance_a.account(assigned_to=team_a.manager)
    own = client.post(ACCOUNTS, {"type": "payable", "vendor": "Paper Co.", "amount": "80.00", "currency": "USD",
                                 "due_date": "2099-01-01"}).json()

    assert client.patch(f"{ACCOUNTS}{theirs.pk}/", {"notes": "Called"}).status_code == 200
    assert client.patch(f"{ACCOUNTS}{nobodys.pk}/", {"notes": "Called"}).status_code == 200
    assert client.patch(f"{ACCOUNTS}{managers.pk}/", {"notes": "Called"}).status_code == 403
    assert client.post(f"{ACCOUNTS}{managers.pk}/mark_paid/", {"payment_method": "pix"}).status_code == 403
    assert client.post(f"{ACCOUNTS}{managers.pk}/cancel/", {}).status_code == 403
    assert client.delete(f"{ACCOUNTS}{theirs.pk}/").status_code == 403
    assert client.delete(f"{ACCOUNTS}{own['id']}/").status_code == 204
    assert client.post(ACCOUNTS, {"type": "payable", "amount": "1.00", "currency": "USD", "due_date": "2099-01-01",
                                  "assigned_to": team_a.manager.pk}).status_code == 403
    assert admin_api_status(finance_a, managers) == ("pending", "")


def admin_api_status(finance, account) -> tuple[str, str]:
    return finance.query(lambda: tuple(Account.objects.values_list("status", "notes").get(pk=account.pk)))


ENDPOINTS = [
    ("get", "{id}/", None), ("patch", "{id}/", {"notes": "Hijacked"}), ("delete", "{id}/", None),
    ("post", "{id}/mark_paid/", {"payment_method": "pix"}), ("post", "{id}/cancel/", {"reason": "Hijacked"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_another_workspace_does_not_find_our_accounts(api, team_b, finance_a, method, path, body):
    account = finance_a.account(description="Alpha secret")
    intruder = api(host=team_b.host, user=team_b.admin)

    response = getattr(intruder, method)(ACCOUNTS + path.format(id=account.pk), body)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert admin_api_status(finance_a, account) == ("pending", "")
    assert intruder.get(ACCOUNTS).json()["count"] == 0

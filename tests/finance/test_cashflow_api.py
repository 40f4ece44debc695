"""GET /api/v1/finance/cash-flow/: the spec's answer (strings with the currency's digits), the
parameters it refuses with a translated 400, its few queries, and one workspace's figures never
reaching another's. The figures themselves: test_cashflow_selector.py."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.finance.models import TransactionType

from .test_cashflow_selector import Books

URL = "/api/v1/finance/cash-flow/"


@pytest.fixture
def books(team_a) -> Books:
    return Books(team_a)


def test_it_answers_the_realised_days_and_the_projection_as_the_spec_writes_them(admin_api, books):
    today = books.today()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    checking = books.bank(opening="128000.00")
    books.line(checking, yesterday, "12000.00")
    books.line(checking, yesterday, "8500.00", TransactionType.DEBIT)
    books.receivable("45000.00", tomorrow)
    books.payable("32000.00", tomorrow)

    response = admin_api.get(URL, {"start_date": str(yesterday), "end_date": str(tomorrow), "projection": "true"})

    assert response.status_code == 200
    assert response.json() == {
        "currency": "USD",
        "data": [
            {"date": str(yesterday), "inflow": "12000.00", "outflow": "8500.00", "balance": "131500.00"},
            {"date": str(today), "inflow": "0.00", "outflow": "0.00", "balance": "131500.00"},
            {"date": str(tomorrow), "inflow": "0.00", "outflow": "0.00", "balance": "131500.00"},
        ],
        "projection": [
            {
                "date": str(today), "expected_inflow": "0.00", "expected_outflow": "0.00",
                "projected_balance": "131500.00",
            },
            {
                "date": str(tomorrow), "expected_inflow": "45000.00", "expected_outflow": "32000.00",
                "projected_balance": "144500.00",
            },
        ],
    }


def test_without_projection_true_the_projection_is_empty(admin_api, books):
    books.receivable("100.00", books.today())

    answer = admin_api.get(URL, {"start_date": "2025-11-01", "end_date": "2026-02-01"}).json()

    assert len(answer["data"]) == 93
    assert answer["projection"] == []


def test_amounts_have_their_currencys_digits(admin_api, books):
    books.bank(opening="1500000", currency="CLP")

    answer = admin_api.get(URL, {"start_date": "2025-11-01", "end_date": "2025-11-01", "currency": "CLP"}).json()

    assert answer["data"] == [{"date": "2025-11-01", "inflow": "0", "outflow": "0", "balance": "1500000"}]


def test_weeks_and_months_and_one_bank_account(admin_api, books):
    checking = books.bank(opening="100.00")
    other = books.bank(opening="900.00", name="Savings")
    books.line(checking, date(2025, 11, 5), "50.00")
    books.line(other, date(2025, 11, 5), "70.00")
    query = {"start_date": "2025-11-01", "end_date": "2025-12-31", "bank_account_id": checking.pk}

    weeks = admin_api.get(URL, {**query, "granularity": "week"}).json()["data"]
    months = admin_api.get(URL, {**query, "granularity": "month"}).json()["data"]

    assert [week["date"] for week in weeks][:2] == ["2025-10-27", "2025-11-03"]  # Mondays
    assert weeks[1] == {"date": "2025-11-03", "inflow": "50.00", "outflow": "0.00", "balance": "150.00"}
    assert months == [
        {"date": "2025-11-01", "inflow": "50.00", "outflow": "0.00", "balance": "150.00"},
        {"date": "2025-12-01", "inflow": "0.00", "outflow": "0.00", "balance": "150.00"},
    ]


def test_a_plain_user_reads_it_too(api, team_a):
    response = api(host=team_a.host, user=team_a.user).get(URL, {"start_date": "2025-11-01", "end_date": "2025-11-02"})

    assert response.status_code == 200


@pytest.mark.parametrize(("query", "errors"), [
    ({"end_date": "2025-11-01"}, {"start_date": ["This field is required."]}),
    ({"start_date": "2025-11-01"}, {"end_date": ["This field is required."]}),
    (
        {"start_date": "2025-11-02", "end_date": "2025-11-01"},
        {"end_date": ["The end date must be on or after the start date."]},
    ),
    (
        {"start_date": "2025-01-01", "end_date": "2028-01-02"},
        {"end_date": [
            "A cash flow by day covers at most 3 years: shorten the range, or show it by week or by month."
        ]},
    ),
    (
        {"start_date": "2025-01-01", "end_date": "2035-01-02", "granularity": "week"},
        {"end_date": ["A cash flow by week covers at most 10 years: shorten the range, or show it by month."]},
    ),
    (
        {"start_date": "2025-01-01", "end_date": "2025-02-01", "granularity": "year"},
        {"granularity": ['"year" is not a valid choice.']},
    ),
    (
        {"start_date": "1899-12-31", "end_date": "1900-01-01"},
        {"start_date": ["Enter a date between the years 1900 and 2199."]},
    ),
    (
        {"start_date": "20251101", "end_date": "2025-11-02"},
        {"start_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
    ),
    (
        {"start_date": "2025-02-30", "end_date": "2025-11-02"},
        {"start_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
    ),
    (
        {"start_date": "2025-11-01", "end_date": "2025-11-02", "projection": "yes"},
        {"projection": ["Must be a valid boolean."]},
    ),
    (
        {"start_date": "2025-11-01", "end_date": "2025-11-02", "currency": "EUR"},
        {"currency": ['"EUR" is not a valid choice.']},
    ),
    (
        {"start_date": "2025-11-01", "end_date": "2025-11-02", "bank_account_id": "0"},
        {"bank_account_id": ["Ensure this value is greater than or equal to 1."]},
    ),
])
def test_it_refuses_what_it_cannot_answer_with_a_400_naming_the_parameter(admin_api, query, errors):
    response = admin_api.get(URL, query)

    assert response.status_code == 400
    assert response.json() == errors


def test_its_refusals_speak_the_readers_language(api, team_a):
    client = api(host=team_a.host, user=team_a.admin, language="pt-BR")

    response = client.get(URL, {"start_date": "2025-01-01", "end_date": "2028-06-01"})

    assert response.status_code == 400
    assert response.json() == {"end_date": [
        "Um fluxo de caixa por dia cobre no máximo 3 anos: encurte o período ou veja-o por semana ou por mês."
    ]}
    assert client.get(URL, {"start_date": "2025-01-02", "end_date": "2025-01-01"}).json() == {
        "end_date": ["A data final deve ser igual ou posterior à data inicial."]
    }


def test_a_bank_account_in_another_currency_is_a_400_on_the_currency(admin_api, books):
    reais = books.bank(currency="BRL")

    response = admin_api.get(URL, {
        "start_date": "2025-11-01", "end_date": "2025-11-02", "bank_account_id": reais.pk, "currency": "USD",
    })

    assert response.status_code == 400
    assert response.json() == {"currency": ["This bank account holds BRL: leave the currency out, or choose BRL."]}


def test_it_makes_the_same_two_queries_for_a_week_or_three_years(admin_api, books):
    books.bank(opening="10.00")
    start = books.today() - timedelta(days=365)

    def queries(days: int) -> int:
        end = start + timedelta(days=days)
        with CaptureQueriesContext(connection) as captured:
            response = admin_api.get(URL, {"start_date": str(start), "end_date": str(end), "projection": "true"})
        assert len(response.json()["data"]) == days + 1
        assert response.json()["projection"]
        return len([query for query in captured.captured_queries if "finance_" in query["sql"]])

    assert queries(372) == queries(3 * 365) == 2


# --- Another workspace ------------------------------------------------------------------------------


def test_a_workspace_never_sees_anothers_figures(api, team_b, books):
    today = books.today()
    checking = books.bank(opening="5000.00")
    books.line(checking, today, "700.00")
    books.receivable("900.00", today)
    query = {"start_date": str(today), "end_date": str(today), "projection": "true"}

    answer = api(host=team_b.host, user=team_b.admin).get(URL, query).json()

    assert answer["data"] == [{"date": str(today), "inflow": "0.00", "outflow": "0.00", "balance": "0.00"}]
    assert answer["projection"] == [
        {"date": str(today), "expected_inflow": "0.00", "expected_outflow": "0.00", "projected_balance": "0.00"}
    ]


def test_another_workspaces_bank_account_is_not_found(api, team_b, books):
    checking = books.bank(opening="5000.00")

    response = api(host=team_b.host, user=team_b.admin).get(URL, {
        "start_date": "2025-11-01", "end_date": "2025-11-02", "bank_account_id": checking.pk,
    })

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_token_of_one_workspace_is_refused_on_another(api, team_a, team_b):
    client = api(host=team_b.host, user=team_a.admin)

    assert client.get(URL, {"start_date": "2025-11-01", "end_date": "2025-11-02"}).status_code in (401, 403)


def test_without_a_token_it_is_closed(api, team_a):
    assert api(host=team_a.host).get(URL, {"start_date": "2025-11-01", "end_date": "2025-11-02"}).status_code == 401

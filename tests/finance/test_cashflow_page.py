"""The cash-flow page (/finance/cash-flow/): the chart's data and the same figures in a table, in
the reader's language and money; htmx swaps the figures for another range; a range it refuses is
said on the page (422); another workspace's figures and bank accounts are not there."""

import json
import re
from datetime import date, timedelta

import pytest

from modules.finance.models import TransactionType

from .test_cashflow_selector import Books

URL = "/finance/cash-flow/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def books(team_a) -> Books:
    return Books(team_a)


def page_of(response) -> str:
    return response.content.decode()


def chart_of(response) -> dict:
    found = re.search(r'<script id="cash-flow-data" type="application/json">(.*?)</script>', page_of(response), re.S)
    return json.loads(found.group(1))


def cells(response) -> list[list[str]]:
    """The table's body, a list of cells a row (the period first)."""
    body = page_of(response).split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_it_opens_on_the_last_two_months_and_the_next_three_by_week_with_the_projection(member, books):
    today = books.today()
    checking = books.bank(opening="1000.00")
    books.line(checking, today, "250.00")
    books.receivable("400.00", today + timedelta(days=7))

    response = member.get(URL)

    assert response.status_code == 200
    page = page_of(response)
    assert '<canvas data-chart="cash-flow"' in page
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in page and 'src="/static/js/cashflow.js"' in page
    # No script runs inline (the Content-Security-Policy forbids it): the data rides as JSON.
    assert re.findall(r"<script(?![^>]*(?:src=|type=\"application/json\"))", page) == []
    chart = chart_of(response)
    assert chart["currency"] == "USD" and chart["locale"] == "en-us"
    assert chart["names"]["projected_balance"] == "Projected balance"
    this_week = chart["labels"].index(_short(today - timedelta(days=today.weekday())))
    assert chart["values"]["balance"][this_week] == "1250.00"
    assert chart["text"]["balance"][this_week] == "$1,250.00"
    assert chart["values"]["balance"][this_week + 1] is None  # the realised line stops at today
    assert chart["values"]["projected_balance"][this_week + 1] == "1650.00"
    assert chart["values"]["projected_balance"][this_week - 1] is None
    first = date.fromisoformat(_field(page, "start_date"))
    assert (first.day, _field(page, "granularity")) == (1, "week")
    rows = cells(response)
    assert len(rows) == len(chart["labels"])
    assert rows[this_week + 1][4:] == ["$400.00", "$0.00", "$1,650.00"]
    assert rows[this_week + 1][1:4] == ["", "", ""]


def test_htmx_swaps_the_figures_for_another_range(member, books):
    checking = books.bank(opening="100.00")
    books.line(checking, date(2025, 3, 2), "50.00")
    books.line(checking, date(2025, 3, 3), "20.00", TransactionType.DEBIT)

    response = member.get(URL, {"start_date": "2025-03-01", "end_date": "2025-03-03", "granularity": "day"}, **HTMX)

    assert response.status_code == 200
    page = page_of(response)
    assert page.startswith('\n<section id="cash-flow-figures"') and "<html" not in page
    assert cells(response) == [
        ["03/01/2025", "$0.00", "$0.00", "$100.00", "", "", ""],
        ["03/02/2025", "$50.00", "$0.00", "$150.00", "", "", ""],
        ["03/03/2025", "$0.00", "$20.00", "$130.00", "", "", ""],
    ]
    assert chart_of(response)["values"]["projected_balance"] == [None, None, None]


def test_by_month_in_portuguese(client, team_a, books):
    client.force_login(team_a.user)
    client.cookies["django_language"] = "pt-br"
    reais = books.bank(opening="7000.00", currency="BRL")
    books.line(reais, date(2025, 1, 10), "1234.50")

    response = client.get(URL, {
        "start_date": "2025-01-01", "end_date": "2025-02-28", "granularity": "month", "currency": "BRL",
    }, HTTP_HOST=team_a.host)

    page = page_of(response)
    assert "<h2>Fluxo de caixa</h2>" in page and "Saldo projetado" in page and "Entradas" in page
    assert "Fluxo de caixa em BRL" in page
    assert cells(response) == [
        ["janeiro de 2025", "R$ 1.234,50", "R$ 0,00", "R$ 8.234,50", "", "", ""],
        ["fevereiro de 2025", "R$ 0,00", "R$ 0,00", "R$ 8.234,50", "", "", ""],
    ]
    assert chart_of(response)["names"]["inflow"] == "Entradas"


@pytest.mark.parametrize(("query", "message"), [
    ({"start_date": "2025-03-05", "end_date": "2025-03-01", "granularity": "day"},
     "Until: The end date must be on or after the start date."),
    ({"start_date": "2020-01-01", "end_date": "2025-03-01", "granularity": "day"},
     "Until: A cash flow by day covers at most 3 years: shorten the range, or show it by week or by month."),
    ({"start_date": "2025-03-01", "end_date": "2025-03-05", "granularity": "year"},
     "By: Select a valid choice. year is not one of the available choices."),
    ({"start_date": "2025-03-01", "end_date": "2025-03-05", "granularity": "day", "bank_account": "9" * 20},
     "Bank account: Select a valid choice. That choice is not one of the available choices."),
    ({"start_date": "0001-03-01", "end_date": "2025-03-05", "granularity": "month"},
     "From: Enter a date between the years 1900 and 2199."),
])
def test_a_range_it_refuses_is_said_on_the_page(member, query, message):
    response = member.get(URL, query, **HTMX)

    assert response.status_code == 422
    assert f'<p class="form-error" role="alert">{message}</p>' in page_of(response)
    assert "<canvas" not in page_of(response)


def test_another_workspace_sees_neither_the_figures_nor_the_bank_accounts(client, team_b, books):
    checking = books.bank(opening="5000.00", name="Alpha checking")
    client.force_login(team_b.user)

    figures = client.get(URL, {"start_date": "2025-03-01", "end_date": "2025-03-01", "granularity": "day"},
                         HTTP_HOST=team_b.host)
    named = client.get(URL, {"start_date": "2025-03-01", "end_date": "2025-03-01", "granularity": "day",
                             "bank_account": checking.pk}, HTTP_HOST=team_b.host)

    assert cells(figures) == [["03/01/2025", "$0.00", "$0.00", "$0.00", "", "", ""]]
    assert "Alpha checking" not in page_of(figures)
    assert named.status_code == 422
    assert "<canvas" not in page_of(named)


def _short(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def _field(page: str, name: str) -> str:
    if name == "granularity":
        select = re.search(r'<select name="granularity".*?</select>', page, re.S).group(0)
        return re.search(r'<option value="(\w+)" selected>', select).group(1)
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)

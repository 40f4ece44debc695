"""GET /api/v1/analytics/dashboard/: the figures of a period checked against hand-computed ones
(statuses and currencies counted or not, the previous period, the chart's steps, a lead's day in
the company's time zone), the periods it refuses, and the plan gate."""

from datetime import date, timedelta

import pytest

from .reports_fixtures import at

URL = "/api/v1/analytics/dashboard/"
NOVEMBER = {"period": "custom", "start_date": "2025-11-01", "end_date": "2025-11-10"}


@pytest.fixture(autouse=True)
def sao_paulo(books):
    books.company(timezone="America/Sao_Paulo", default_currency="USD")


def test_sales_count_issued_overdue_and_paid_invoices_against_the_previous_ten_days(admin_api, books):
    books.invoice("1000.00", date(2025, 11, 1))
    books.invoice("500.50", date(2025, 11, 3), status="paid")
    books.invoice("250.00", date(2025, 11, 10), status="overdue")
    books.invoice("99.00", date(2025, 11, 5), status="draft")
    books.invoice("77.00", date(2025, 11, 5), status="cancelled")
    books.invoice("300.00", date(2025, 11, 4), currency="BRL")
    books.invoice("800.00", date(2025, 10, 31))
    books.invoice("700.00", date(2025, 10, 22), status="paid")
    books.invoice("200.00", date(2025, 10, 21))  # before the previous period
    books.invoice("123.00", date(2025, 11, 11))  # after the period

    sales = admin_api.get(URL, NOVEMBER).json()["sales"]

    assert sales["total"] == "1750.50"
    assert sales["change_percent"] == 16.7  # (1750.50 - 1500.00) / 1500.00
    assert sales["granularity"] == "day"
    assert sales["other_currencies"] == [{"currency": "BRL", "total": "300.00"}]
    assert sales["chart"] == [
        {"date": f"2025-11-{day:02d}", "value": {1: "1000.00", 3: "500.50", 10: "250.00"}.get(day, "0.00")}
        for day in range(1, 11)
    ]


def test_change_percent_is_null_when_the_previous_period_sold_nothing_and_negative_when_it_sold_more(
    admin_api, books
):
    books.invoice("100.00", date(2025, 11, 2))
    assert admin_api.get(URL, NOVEMBER).json()["sales"]["change_percent"] is None

    books.invoice("400.00", date(2025, 10, 25))
    assert admin_api.get(URL, NOVEMBER).json()["sales"]["change_percent"] == -75.0


def test_a_leads_day_is_its_day_in_the_companys_time_zone(admin_api, books):
    zone = books.zone()
    books.lead(at(date(2025, 11, 1), 0, zone).replace(minute=30))  # 03:30 UTC: in
    books.lead(at(date(2025, 10, 31), 23, zone).replace(minute=30))  # 02:30 UTC on 1 November: out
    books.lead(at(date(2025, 11, 10), 23, zone).replace(minute=30))  # 02:30 UTC on 11 November: in
    books.lead(at(date(2025, 11, 5), 12, zone), status="converted")
    books.lead(at(books.today(), 9, zone))  # today: new today, outside the period

    leads = admin_api.get(URL, NOVEMBER).json()["leads"]

    assert leads == {"total": 3, "new_today": 1, "conversion_rate": 33.3}


def test_receivable_is_what_is_left_to_receive_today_and_its_overdue_part(admin_api, books):
    today = books.today()
    books.receivable("1000.00", today + timedelta(days=5))
    books.receivable("400.00", today - timedelta(days=3), paid="100.00")
    books.receivable("250.00", today, status="overdue")  # due today: not late yet
    books.receivable("50.00", today - timedelta(days=3), currency="BRL")
    books.receivable("70.00", today - timedelta(days=3), paid="70.00", status="paid")
    books.receivable("80.00", today - timedelta(days=3), status="cancelled")

    receivable = admin_api.get(URL, NOVEMBER).json()["receivable"]

    assert receivable == {"total": "1550.00", "overdue": "300.00"}


def test_the_spec_shape_with_the_currency_and_the_range(admin_api, books):
    answer = admin_api.get(URL, NOVEMBER).json()

    assert answer["currency"] == "USD"
    assert (answer["start_date"], answer["end_date"]) == ("2025-11-01", "2025-11-10")
    assert set(answer) == {"currency", "start_date", "end_date", "sales", "leads", "receivable"}
    assert answer["leads"] == {"total": 0, "new_today": 0, "conversion_rate": 0.0}


def test_longer_ranges_go_by_week_from_monday_and_by_month(admin_api, books):
    books.invoice("100.00", date(2025, 11, 6))
    books.invoice("50.00", date(2025, 11, 9))
    books.invoice("10.00", date(2025, 11, 10))

    weeks = admin_api.get(URL, {"period": "custom", "start_date": "2025-11-05", "end_date": "2025-12-31"}).json()
    months = admin_api.get(URL, {"period": "custom", "start_date": "2025-01-15", "end_date": "2025-12-31"}).json()

    assert weeks["sales"]["granularity"] == "week"
    assert weeks["sales"]["chart"][:3] == [
        {"date": "2025-11-05", "value": "150.00"},  # the week of Monday 3 November, cut to the range
        {"date": "2025-11-10", "value": "10.00"},
        {"date": "2025-11-17", "value": "0.00"},
    ]
    assert len(weeks["sales"]["chart"]) == 9
    assert months["sales"]["granularity"] == "month"
    assert [point["date"] for point in months["sales"]["chart"]] == ["2025-01-15"] + [
        f"2025-{month:02d}-01" for month in range(2, 13)
    ]
    assert months["sales"]["chart"][10] == {"date": "2025-11-01", "value": "160.00"}


def test_the_named_periods_end_today_in_the_companys_time_zone(admin_api, books):
    today = books.today()
    books.invoice("10.00", today - timedelta(days=6))
    books.invoice("20.00", today - timedelta(days=7))

    week = admin_api.get(URL, {"period": "7d"}).json()
    month = admin_api.get(URL, {"period": "30d"}).json()
    year = admin_api.get(URL, {"period": "year"}).json()

    assert (week["start_date"], week["end_date"]) == (str(today - timedelta(days=6)), str(today))
    assert week["sales"]["total"] == "10.00" and week["sales"]["change_percent"] == -50.0
    assert month["sales"]["total"] == "30.00"
    assert len(admin_api.get(URL, {"period": "90d"}).json()["sales"]["chart"]) in (13, 14, 15)
    assert year["start_date"] == f"{today.year}-01-01" and year["sales"]["granularity"] in ("day", "week", "month")


@pytest.mark.parametrize(("query", "errors"), [
    ({"period": "custom"}, {"start_date": ["A custom period needs a start date and an end date."]}),
    ({"period": "custom", "start_date": "2025-11-10", "end_date": "2025-11-01"},
     {"end_date": ["The end date must be on or after the start date."]}),
    ({"period": "custom", "start_date": "2020-01-01", "end_date": "2025-11-01"},
     {"end_date": ["A period covers at most 3 years: shorten it."]}),
    ({"period": "custom", "start_date": "2025-11-31", "end_date": "2025-12-01"},
     {"start_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
    ({"period": "week"}, {"period": ['"week" is not a valid choice.']}),
    ({"period": ""}, {"period": ['"" is not a valid choice.']}),
    ({"period": "7d", "start_date": ""},
     {"start_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
])
def test_it_refuses_a_period_it_cannot_answer(admin_api, query, errors):
    response = admin_api.get(URL, query)

    assert response.status_code == 400
    assert response.json() == errors


def test_the_refusal_is_in_the_readers_language(api, team_a):
    response = api(host=team_a.host, user=team_a.admin, language="pt-BR").get(URL, {"period": "custom"})

    assert response.status_code == 400
    assert response.json() == {"start_date": ["Um período personalizado precisa de uma data inicial e uma final."]}


def test_a_starter_workspace_is_refused_naming_the_plan(outsider_api):
    response = outsider_api.get(URL)

    assert response.status_code == 403
    assert "Professional" in response.json()["detail"]


def test_it_reads_only_this_workspaces_invoices(api, team_a, team_b, books):
    books.invoice("1000.00", date(2025, 11, 1))
    team_b.tenant.plan = "enterprise"
    team_b.tenant.save(update_fields=["plan"])

    answer = api(host=team_b.host, user=team_b.admin).get(URL, NOVEMBER).json()

    assert answer["sales"]["total"] in ("0.00", "0")

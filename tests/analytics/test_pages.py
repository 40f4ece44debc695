"""The analytics pages: the dashboard's cards and chart data for the period picked (in the reader's
language and locale), the reports page making a report with its row polling until the download
link is there, and the plan gate."""

import json
from datetime import date

import pytest

from modules.analytics.models import Report, ReportStatus

from .reports_fixtures import NOVEMBER, content, download

NOVEMBER_PAGE = {"period": "custom", **NOVEMBER}


@pytest.fixture(autouse=True)
def in_dollars(books):
    books.company(timezone="America/Sao_Paulo", default_currency="USD")


def chart_of(page: str) -> dict:
    start = page.index('<script id="analytics-data" type="application/json">') + len(
        '<script id="analytics-data" type="application/json">'
    )
    return json.loads(page[start:page.index("</script>", start)])


def test_the_dashboard_shows_the_periods_figures_and_hands_the_chart_its_data(manager, books):
    books.invoice("1000.00", date(2025, 11, 1))
    books.invoice("500.00", date(2025, 10, 25))

    response = manager.get("/analytics/", NOVEMBER_PAGE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "$1,000.00" in page and "100.0% against the previous period" in page
    chart = chart_of(page)
    assert chart["values"][0] == "1000.00" and chart["text"][0] == "$1,000.00"
    assert len(chart["labels"]) == 30 and chart["currency"] == "USD"
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in page or "vendor/chartjs/chart.umd" in page


def test_the_period_selector_swaps_the_figures_in(manager, books):
    books.invoice("42.00", date(2025, 11, 2))

    response = manager.get("/analytics/", NOVEMBER_PAGE, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="analytics-figures"')
    assert "$42.00" in page


def test_a_bad_custom_range_is_said_beside_the_form(manager):
    response = manager.get("/analytics/", {"period": "custom", "start_date": "2025-11-10", "end_date": "2025-11-01"})

    assert response.status_code == 422
    assert "The end date must be on or after the start date." in response.content.decode()


def test_a_brazilian_reader_gets_reais_written_the_brazilian_way_in_portuguese(client, team_a, books):
    books.company(timezone="America/Sao_Paulo", default_currency="BRL", country="BR")
    books.invoice("1234.50", date(2025, 11, 3), currency="BRL")
    client.force_login(team_a.manager)
    client.cookies["django_language"] = "pt-br"

    page = client.get("/analytics/", NOVEMBER_PAGE, HTTP_HOST=team_a.host).content.decode()

    assert "R$ 1.234,50" in page
    assert "Vendas" in page and "De 01/11/2025 a 30/11/2025" in page


def test_the_reports_page_makes_a_report_whose_row_polls_until_its_link_is_there(
    manager, team_a, books, django_capture_on_commit_callbacks
):
    books.invoice("250.00", date(2025, 11, 5), customer=books.customer("Ana Souza", "ana@example.com"))

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = manager.post("/analytics/reports/new/", {"type": "sales_by_customer", "format": "csv", **NOVEMBER})
    assert response.status_code == 302 and response["Location"] == "/analytics/reports/"
    [report] = books.reports()

    waiting = manager.get("/analytics/reports/").content.decode()
    assert f'hx-get="/analytics/reports/{report.pk}/" hx-trigger="every 1s"' in waiting
    assert "<progress" in waiting

    for callback in queued:
        callback()
    row = manager.get(f"/analytics/reports/{report.pk}/").content.decode()

    assert row.lstrip().startswith(f'<tr id="report-{report.pk}"')
    assert "hx-trigger" not in row and "<progress" not in row
    assert books.reports()[0].status == ReportStatus.DONE
    link = row.split('<a href="', 1)[1].split('"', 1)[0]
    assert "Ana Souza" in content(download(manager, team_a, link)).decode("utf-8-sig")


def test_a_refused_report_form_says_why(manager, books):
    response = manager.post("/analytics/reports/new/", {"type": "pipeline", "format": "csv",
                                                         "start_date": "2025-11-30", "end_date": "2025-11-01"})

    assert response.status_code == 422
    assert "The end date must be on or after the start date." in response.content.decode()
    assert books.reports() == []


def test_a_plain_user_sees_only_their_own_reports(client, team_a, books, member):
    books.query(lambda: Report.objects.create(
        type="pipeline", format="csv", start_date=date(2025, 11, 1), end_date=date(2025, 11, 30), language="en",
        created_by_id=team_a.manager.pk,
    ))

    page = member.get("/analytics/reports/").content.decode()

    assert "No reports yet." in page


def test_the_starter_plan_is_refused_naming_the_plan(outsider):
    response = outsider.get("/analytics/")

    assert response.status_code == 403
    assert "Available on the Professional plan" in response.content.decode()


def test_the_pages_speak_spanish(client, team_a):
    client.force_login(team_a.manager)
    client.cookies["django_language"] = "es"

    page = client.get("/analytics/reports/", HTTP_HOST=team_a.host).content.decode()

    assert "Ventas por producto" in page and "Hacer el informe" in page

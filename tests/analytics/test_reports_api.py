"""POST /api/v1/analytics/reports/ and GET reports/{id}/: every report type in every format,
opened and read (CSV rows, XLSX cells and their types, PDF text), against figures computed by
hand; a long report made by the worker (202, status, download); the signed link's expiry and
its refusal on another workspace's host; unknown types and formats refused; the plan gate."""

import csv
import io
import time
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from modules.analytics.models import Report
from modules.inventory.models import Product

from .reports_fixtures import EXPECTED, NOVEMBER, URL, content, download

NUMERIC = {"Quantity sold", "Revenue", "Invoices", "Invoiced", "Paid", "Not yet due", "1–30 days late",
           "31–60 days late", "61–90 days late", "Over 90 days late", "Total", "Money in", "Money out", "Balance",
           "Leads", "Converted", "Conversion rate (%)", "Deals", "Value", "Weighted value", "Hours",
           "Time entries", "People", "Stock", "Average cost"}
MONEY = {"Revenue", "Invoiced", "Paid", "Not yet due", "1–30 days late", "31–60 days late", "61–90 days late",
         "Over 90 days late", "Total", "Money in", "Money out", "Balance", "Value", "Weighted value", "Average cost"}
DATES = {"Last invoice", "Period from"}


def made(admin_api, client, team, type: str, format: str, **query):
    response = admin_api.post(URL, {"type": type, "format": format, **NOVEMBER, **query})
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["status"] == "done"
    file = download(client, team, answer["download_url"])
    assert file.status_code == 200
    return answer, file


@pytest.mark.parametrize("type", list(EXPECTED))
def test_each_report_as_csv_has_the_rows_computed_by_hand(admin_api, client, team_a, seeded, type):
    answer, file = made(admin_api, client, team_a, type, "csv")

    data = content(file)
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == EXPECTED[type]
    assert answer["rows"] == len(EXPECTED[type]) - 1
    assert file["Content-Disposition"].startswith(f'attachment; filename="{type}_2025-11-01_2025-11-30.csv"')


@pytest.mark.parametrize("type", list(EXPECTED))
def test_each_report_as_excel_has_typed_cells_under_a_frozen_header(admin_api, client, team_a, seeded, type):
    answer, file = made(admin_api, client, team_a, type, "excel")

    sheet = load_workbook(io.BytesIO(content(file))).active
    header, *rows = EXPECTED[type]
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == header
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.max_row == len(rows) + 1
    for expected, cells in zip(rows, sheet.iter_rows(min_row=2), strict=True):
        for name, text, cell in zip(header, expected, cells, strict=True):
            if name in DATES:
                assert isinstance(cell.value, datetime) and cell.value.date().isoformat() == text, name
                assert cell.number_format == "yyyy-mm-dd"
            elif name in NUMERIC:
                assert isinstance(cell.value, int | float) and cell.value == float(text), (name, cell.value)
                if name in MONEY:
                    assert cell.number_format == "#,##0.00", name
            else:
                assert (cell.value or "") == text, name


PDF_WORDS = {
    "sales_by_product": ["Sales by product", "Widget", "$300.00", "Gadget", "$50.00"],
    "sales_by_customer": ["Sales by customer", "Ana Souza", "$250.00", "Bruno Lima", "11/06/2025"],
    "receivables_aging": ["Receivables aging", "As of", "Ana Souza", "$300.00", "$400.00"],
    "cash_flow": ["Cash flow", "$1,500.00", "$1,300.00", "11/03/2025"],
    "leads_by_source": ["Leads by source", "Website", "33.3", "Referral"],
    "pipeline": ["Pipeline by stage", "Proposal", "$2,500.00", "$1,250.00"],
    "time_by_project": ["Time by project", "Website", "Mobile app", "4"],
    "stock_valuation": ["Stock valuation", "W-1", "$125.00", "$12.50"],
}


@pytest.mark.parametrize("type", list(EXPECTED))
def test_each_report_as_pdf_has_its_title_chart_and_rows(admin_api, client, team_a, seeded, type):
    answer, file = made(admin_api, client, team_a, type, "pdf")

    data = content(file)
    assert data.startswith(b"%PDF-")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    for words in PDF_WORDS[type]:
        assert words in text, (words, text)
    assert b"/Subtype /Image" not in data  # the chart is vector (SVG), drawn into the page


def test_a_pdf_is_written_in_the_askers_language_and_locale(api, client, team_a, seeded):
    portuguese = api(host=team_a.host, user=team_a.admin, language="pt-BR")

    answer = portuguese.post(URL, {"type": "sales_by_product", "format": "pdf", **NOVEMBER}).json()

    pdf = PdfReader(io.BytesIO(content(download(client, team_a, answer["download_url"]))))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "Vendas por produto" in text
    assert "US$ 300,00" in text
    assert "De 01/11/2025 a 30/11/2025" in text


def test_a_long_report_is_made_by_the_worker_and_polled(admin_api, client, team_a, books,
                                                         django_capture_on_commit_callbacks):
    books.query(lambda: Product.objects.bulk_create(
        Product(sku=f"P-{number:05d}", name=f"Product {number}", stock=1, average_cost=number) for number in range(1001)
    ))

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin_api.post(URL, {"type": "stock_valuation", "format": "csv", **NOVEMBER})

    assert response.status_code == 202
    answer = response.json()
    assert answer["status"] == "pending" and answer["download_url"] is None and answer["expires_at"] is None
    assert answer["status_url"] == f"http://{team_a.host}{URL}{answer['report_id']}/"
    assert admin_api.get(answer["status_url"]).json()["status"] == "pending"

    for callback in queued:
        callback()  # the worker's turn (eager)

    status = admin_api.get(answer["status_url"]).json()
    assert status["status"] == "done" and status["rows"] == 1001
    rows = list(csv.reader(io.StringIO(content(download(client, team_a, status["download_url"])).decode("utf-8-sig"))))
    assert len(rows) == 1002
    assert rows[1] == ["P-01000", "Product 1000", "1", "1000.00", "1000.00"]


def test_prefer_respond_async_queues_even_a_short_report(admin_api, team_a, seeded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(URL, {"type": "pipeline", "format": "excel", **NOVEMBER}, HTTP_PREFER="respond-async")

    assert response.status_code == 202
    assert admin_api.get(response.json()["status_url"]).json()["status"] == "done"


def test_the_link_expires_at_expires_at(admin_api, client, team_a, seeded, settings):
    before = datetime.now().astimezone()
    answer = admin_api.post(URL, {"type": "pipeline", "format": "csv", **NOVEMBER}).json()

    expires_at = datetime.fromisoformat(answer["expires_at"])
    assert timedelta(seconds=3598) <= expires_at - before <= timedelta(seconds=3601)
    assert download(client, team_a, answer["download_url"]).status_code == 200

    settings.INNEXAR_FILE_LINK_SECONDS = 1
    time.sleep(2.1)
    assert download(client, team_a, answer["download_url"]).status_code == 404


def test_the_link_opens_nothing_on_another_workspaces_host(admin_api, client, team_a, team_b, seeded):
    answer = admin_api.post(URL, {"type": "sales_by_customer", "format": "csv", **NOVEMBER}).json()

    response = download(client, team_b, answer["download_url"])

    assert response.status_code == 404
    assert b"Ana Souza" not in response.content


def test_another_workspace_and_a_teammate_do_not_find_the_report(api, admin_api, team_a, team_b, seeded):
    team_b.tenant.plan = "enterprise"
    team_b.tenant.save(update_fields=["plan"])
    report_id = admin_api.post(URL, {"type": "sales_by_customer", "format": "csv", **NOVEMBER}).json()["report_id"]

    outsider = api(host=team_b.host, user=team_b.admin).get(f"{URL}{report_id}/")
    teammate = api(host=team_a.host, user=team_a.user).get(f"{URL}{report_id}/")
    manager = api(host=team_a.host, user=team_a.manager).get(f"{URL}{report_id}/")

    assert outsider.status_code == 404 and outsider.json() == {"detail": "Not found."}
    assert teammate.status_code == 404
    assert manager.status_code == 200 and manager.json()["download_url"]


@pytest.mark.parametrize(("body", "errors"), [
    ({"type": "sales_by_planet", "format": "csv"}, {"type": ['"sales_by_planet" is not a valid choice.']}),
    ({"type": "pipeline", "format": "docx"}, {"format": ['"docx" is not a valid choice.']}),
    ({"type": "pipeline", "format": "csv", "start_date": "2025-12-01"},
     {"end_date": ["The end date must be on or after the start date."]}),
])
def test_it_refuses_what_it_cannot_make_and_records_nothing(admin_api, books, body, errors):
    response = admin_api.post(URL, {**NOVEMBER, **body})

    assert response.status_code == 400
    assert response.json() == errors
    assert books.reports() == []


def test_a_starter_workspace_is_refused_naming_the_plan(outsider_api, team_b):
    response = outsider_api.post(URL, {"type": "pipeline", "format": "csv", **NOVEMBER})

    assert response.status_code == 403
    assert "Professional" in response.json()["detail"]


def test_a_report_is_kept_in_this_workspaces_files(admin_api, team_a, seeded, books):
    admin_api.post(URL, {"type": "pipeline", "format": "csv", **NOVEMBER})

    [report] = books.reports()
    assert report.file.startswith(f"tenants/{team_a.tenant.pk}/reports/")
    assert isinstance(report, Report) and report.created_by_id == team_a.admin.pk


def test_a_report_whose_file_cannot_be_stored_says_it_failed_and_offers_no_link(admin_api, seeded, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage wants a folder")
    settings.MEDIA_ROOT = blocked / "media"

    response = admin_api.post(URL, {"type": "pipeline", "format": "csv", **NOVEMBER})

    answer = response.json()
    assert response.status_code == 202
    assert answer["status"] == "failed" and answer["download_url"] is None
    assert answer["error"] == "The report could not be made: try again, or choose a shorter range."

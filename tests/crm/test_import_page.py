"""A CSV import started from the leads page runs in a worker; the page polls its progress.

Here tasks run in-process (no broker), so these tests drive the worker's part by hand: an
import is created queued, the page shows its progress, then the worker's run, then the report."""

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from modules.core.imports import _progress_key
from modules.core.models import ImportJob, ImportStatus
from modules.crm.imports import lead_import_run
from modules.crm.models import Lead

HTMX = {"HTTP_HX_REQUEST": "true"}
CSV = b"name,email\nAna Souza,ana@souza.com\nBroken,not-an-email\nBruno,bruno@lima.com\n"


@pytest.fixture
def queued_import(team_a):
    with tenant_context(team_a.tenant):
        return ImportJob.objects.create(kind="crm.leads", file_name="leads.csv", content=CSV, created_by=team_a.user)


def test_a_queued_import_shows_a_progress_bar_that_polls(member, team_a, queued_import):
    with tenant_context(team_a.tenant):
        cache.set(_progress_key(queued_import.pk), 40)

    page = member.get(f"/crm/leads/import/{queued_import.pk}/", **HTMX).content.decode()

    assert f'hx-get="/crm/leads/import/{queued_import.pk}/" hx-trigger="every 1s"' in page
    assert '<progress value="40" max="100"' in page
    assert "Importing leads.csv…" in page


def test_once_the_worker_ran_the_poll_answers_the_report_and_stops(member, team_a, queued_import):
    with tenant_context(team_a.tenant):
        lead_import_run(import_id=queued_import.pk)
        lead_import_run(import_id=queued_import.pk)  # a message delivered twice runs once
        job = ImportJob.objects.get(pk=queued_import.pk)
        emails = sorted(Lead.objects.values_list("email", flat=True))

    page = member.get(f"/crm/leads/import/{queued_import.pk}/", **HTMX).content.decode()

    assert (job.status, job.imported, bytes(job.content)) == (ImportStatus.DONE, 2, b"")
    assert emails == ["ana@souza.com", "bruno@lima.com"]
    assert "2 leads imported." in page
    assert '<td class="numeric">3</td>' in page
    assert "every 1s" not in page


def test_row_errors_are_worded_in_the_language_of_who_started_the_import(
    member, team_a, django_capture_on_commit_callbacks
):
    member.cookies["django_language"] = "pt-br"
    upload = SimpleUploadedFile("leads.csv", CSV, content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):  # the worker's part, at commit
        started = member.post("/crm/leads/import/", {"file": upload}, **HTMX).content.decode()
    with tenant_context(team_a.tenant):
        job = ImportJob.objects.get()
    page = member.get(f"/crm/leads/import/{job.pk}/", **HTMX).content.decode()

    assert "Importando leads.csv…" in started
    assert "2 leads importados." in page
    assert job.language == "pt-br"
    assert "válido" in job.errors[0]["error"]  # "Informe um endereço de email válido."


def test_another_workspaces_import_is_not_found(client, team_b, queued_import):
    client.force_login(team_b.admin)

    response = client.get(f"/crm/leads/import/{queued_import.pk}/", HTTP_HOST=team_b.host, **HTMX)

    assert response.status_code == 404


# --- The report: who each row was, the rows to fix, and the list brought up to date -------------

REPORTED = (
    "Nome;E-mail;Origem;Situação\n"
    "Ana Souza;ana@souza.com;Instagram;\n"
    "Broken;not-an-email;;\n"
    ";sem.nome@lima.com;;talvez\n"
)


def imported(member, capture, content: str):
    """Upload through the page, let the worker run (at commit), and poll once: (the job, the report)."""
    upload = SimpleUploadedFile("clientes.csv", content.encode(), content_type="text/csv")
    with capture(execute=True):
        started = member.post("/crm/leads/import/", {"file": upload}, **HTMX)
    job_id = re.search(r'hx-get="/crm/leads/import/(\d+)/"', started.content.decode()).group(1)
    return job_id, member.get(f"/crm/leads/import/{job_id}/", **HTMX)


def test_the_report_names_each_row_beside_what_happened_in_the_files_words(
    member, team_a, django_capture_on_commit_callbacks
):
    _, report = imported(member, django_capture_on_commit_callbacks, REPORTED)

    page = report.content.decode()
    assert "1 lead imported." in page
    assert "1 row was imported with a change:" in page
    assert (
        '<tr><td class="numeric">2</td><td>Ana Souza</td>'
        "<td>Origem: “Instagram” is not a source we know; the lead was imported as “Other”.</td></tr>"
    ) in page
    assert "2 rows were left out:" in page
    assert '<tr><td class="numeric">3</td><td>Broken</td><td>E-mail: Enter a valid email address.</td></tr>' in page
    assert (
        '<tr><td class="numeric">4</td><td>sem.nome@lima.com</td>'
        "<td>Nome: This field cannot be blank. Situação: Value &#x27;talvez&#x27; is not a valid choice.</td></tr>"
    ) in page
    with tenant_context(team_a.tenant):
        assert Lead.objects.get().source == "other"


def test_the_rows_left_out_download_as_the_files_csv_with_the_reason(
    member, team_a, django_capture_on_commit_callbacks
):
    job_id, report = imported(member, django_capture_on_commit_callbacks, REPORTED)
    link = re.search(r'<a href="(/crm/leads/import/\d+/rejected\.csv)" download>', report.content.decode()).group(1)

    response = member.get(link)

    assert link == f"/crm/leads/import/{job_id}/rejected.csv"
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="clientes - rows to fix.csv"'
    assert response.content.decode("utf-8-sig") == (
        "Nome;E-mail;Origem;Situação;Import error\r\n"
        "Broken;not-an-email;;;E-mail: Enter a valid email address.\r\n"
        ";sem.nome@lima.com;;talvez;"
        "Nome: This field cannot be blank. Situação: Value 'talvez' is not a valid choice.\r\n"
    )
    assert response.content.startswith(b"\xef\xbb\xbf")


def test_an_import_without_rows_left_out_offers_no_download(member, django_capture_on_commit_callbacks):
    job_id, report = imported(member, django_capture_on_commit_callbacks, "name,email\nAna,ana@souza.com\n")

    assert "rejected.csv" not in report.content.decode()
    assert member.get(f"/crm/leads/import/{job_id}/rejected.csv").status_code == 404


def test_another_workspaces_rows_left_out_are_not_found(client, team_b, queued_import):
    with tenant_context(queued_import.created_by.tenant):
        lead_import_run(import_id=queued_import.pk)
    client.force_login(team_b.admin)

    response = client.get(f"/crm/leads/import/{queued_import.pk}/rejected.csv", HTTP_HOST=team_b.host)

    assert response.status_code == 404


def test_the_answer_that_ends_an_import_tells_the_list_to_refresh(member, queued_import, team_a):
    still_running = member.get(f"/crm/leads/import/{queued_import.pk}/", **HTMX)
    with tenant_context(team_a.tenant):
        lead_import_run(import_id=queued_import.pk)
    done = member.get(f"/crm/leads/import/{queued_import.pk}/", **HTMX)
    leads_page = member.get("/crm/leads/?status=new").content.decode()

    assert "HX-Trigger" not in still_running
    assert done["HX-Trigger"] == "leads-imported"
    assert 'hx-get="/crm/leads/?status=new" hx-trigger="leads-imported from:body"' in leads_page


def test_the_upload_button_waits_while_the_file_goes_up(member):
    page = member.get("/crm/leads/").content.decode()

    assert 'hx-disabled-elt="find button[type=submit]"' in page


def test_the_first_import_swaps_the_empty_state_for_the_list(member, crm_a):
    empty = member.get("/crm/leads/").content.decode()
    crm_a.lead(name="Ana Primeira")  # what the import brought in

    response = member.get("/crm/leads/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="leads-empty")

    page = response.content.decode()
    assert 'id="leads-empty" hx-get="/crm/leads/" hx-trigger="leads-imported from:body"' in empty
    assert 'id="lead-filters"' in page and 'id="lead-results"' in page
    assert "Ana Primeira" in page
    assert "leads-empty" not in page
    assert "<html" not in page

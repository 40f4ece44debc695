"""A CSV import started from the leads page runs in a worker; the page polls its progress.

Here tasks run in-process (no broker), so these tests drive the worker's part by hand: an
import is created queued, the page shows its progress, then the worker's run, then the report."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from modules.crm.imports import _progress_key, lead_import_run
from modules.crm.models import ImportStatus, Lead, LeadImport

HTMX = {"HTTP_HX_REQUEST": "true"}
CSV = b"name,email\nAna Souza,ana@souza.com\nBroken,not-an-email\nBruno,bruno@lima.com\n"


@pytest.fixture
def queued_import(team_a):
    with tenant_context(team_a.tenant):
        return LeadImport.objects.create(file_name="leads.csv", content=CSV, created_by=team_a.user)


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
        job = LeadImport.objects.get(pk=queued_import.pk)
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
        job = LeadImport.objects.get()
    page = member.get(f"/crm/leads/import/{job.pk}/", **HTMX).content.decode()

    assert "Importando leads.csv…" in started
    assert "2 leads importados." in page
    assert job.language == "pt-br"
    assert "válido" in job.errors[0]["error"]  # "Informe um endereço de email válido."


def test_another_workspaces_import_is_not_found(client, team_b, queued_import):
    client.force_login(team_b.admin)

    response = client.get(f"/crm/leads/import/{queued_import.pk}/", HTTP_HOST=team_b.host, **HTMX)

    assert response.status_code == 404

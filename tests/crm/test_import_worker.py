"""A CSV uploaded on the leads page is imported by a real Celery worker, in the uploader's
workspace, while the page polls its progress.

The worker sees only committed rows, so the browser's requests run on a connection of their own
(autocommit, as a real server's would): the upload commits the ImportJob and queues the task.
Everything they and the worker commit (session, leads, events, the import) is removed at the end."""

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.accounts.models import User
from modules.core.models import ImportJob, ImportStatus
from modules.crm.models import Lead, LeadScoreModel
from modules.events.models import AuditEntry, Event
from tests.conftest import on_own_connection

pytestmark = pytest.mark.redis

HTMX = {"HTTP_HX_REQUEST": "true"}
DOMAIN = "worker-import.test"
CSV = (
    "name,email,source\n"
    f"Worker Import Ana,ana@{DOMAIN},referral\n"  # line 2
    "Worker Import Bruno,not-an-email,ads\n"  # line 3: refused
    f"Worker Import Carla,carla@{DOMAIN},website\n"  # line 4
    f"Worker Import Ana Again,ANA@{DOMAIN},ads\n"  # line 5: line 2's email again
    f"Worker Import Davi,davi@{DOMAIN},\n"  # line 6
).encode()
IMPORTED = [f"ana@{DOMAIN}", f"carla@{DOMAIN}", f"davi@{DOMAIN}"]
POLL = re.compile(r'hx-get="([^"]+)" hx-trigger="every 1s"')


@pytest.fixture
def browser(team_a, team_b):
    """Alpha's user signed in on alpha's host; afterwards, what was committed is removed from
    both workspaces (from beta too, in case the import ever landed there)."""
    client = Client(HTTP_HOST=team_a.host)
    last_login = team_a.user.last_login  # force_login sets it, on the object too
    on_own_connection(client.force_login, team_a.user)
    started = timezone.now()
    yield client

    def clean():
        client.logout()  # deletes the session
        User.objects.filter(pk=team_a.user.pk).update(last_login=last_login)
        for tenant in (team_a.tenant, team_b.tenant):
            with tenant_context(tenant):
                Lead.objects.filter(email__iendswith=f"@{DOMAIN}").delete()
                Event.objects.filter(occurred_at__gte=started).delete()
                AuditEntry.objects.filter(occurred_at__gte=started).delete()
                ImportJob.objects.filter(created_at__gte=started).delete()
                LeadScoreModel.objects.all().delete()

    on_own_connection(clean)


def _import_through_the_page(client: Client, team, file_name: str) -> tuple[str, str, ImportJob]:
    """Post the file as the page's form does, then follow the panel's polling as htmx does until
    it stops; returns the first answer, the last one and the import as the worker left it."""
    upload = SimpleUploadedFile(file_name, CSV, content_type="text/csv")
    response = on_own_connection(lambda: client.post("/crm/leads/import/", {"file": upload}, **HTMX))
    assert response.status_code == 200, response.content.decode()
    started = page = response.content.decode()

    deadline = time.monotonic() + 60
    while polling := POLL.search(page):
        assert time.monotonic() < deadline, "the worker did not finish the import within 60 s"
        time.sleep(0.2)
        response = on_own_connection(lambda url=polling.group(1): client.get(url, **HTMX))
        assert response.status_code == 200
        page = response.content.decode()

    with tenant_context(team.tenant):
        job = ImportJob.objects.get(file_name=file_name)
    return started, page, job


def test_a_real_worker_imports_the_upload_into_the_uploaders_workspace_only(worker, browser, team_a, team_b):
    started, page, job = _import_through_the_page(browser, team_a, "worker-leads.csv")

    with tenant_context(team_a.tenant):
        alpha = sorted(Lead.objects.filter(email__iendswith=f"@{DOMAIN}").values_list("email", flat=True))
        alpha_events = Event.objects.filter(name="lead.created", payload__email__iendswith=f"@{DOMAIN}").count()
    with tenant_context(team_b.tenant):
        beta = Lead.objects.filter(email__iendswith=f"@{DOMAIN}").count()
        beta_events = Event.objects.filter(payload__email__iendswith=f"@{DOMAIN}").count()
        beta_imports = ImportJob.objects.filter(file_name="worker-leads.csv").count()

    # The upload answers with the panel polling this import (or its report, had the worker already finished).
    assert f'hx-get="/crm/leads/import/{job.pk}/"' in started or "3 leads imported." in started
    assert alpha == IMPORTED
    assert alpha_events == 3
    assert (beta, beta_events, beta_imports) == (0, 0, 0)
    assert job.errors == [
        {"row": 3, "label": "Worker Import Bruno", "error": "Email: Enter a valid email address."},
        {"row": 5, "label": "Worker Import Ana Again",
         "error": "This email appears more than once in the file (first on row 2)."},
    ]
    assert (job.status, job.imported, job.failure, bytes(job.content)) == (ImportStatus.DONE, 3, "", b"")
    assert job.finished_at is not None and job.language == "en" and job.created_by_id == team_a.user.pk
    # The panel the polling ends on is the report, with each left-out row and its line number.
    assert "3 leads imported." in page
    assert "2 rows were left out:" in page
    assert '<td class="numeric">3</td><td>Worker Import Bruno</td><td>Email: Enter a valid email address.</td>' in page
    assert (
        '<td class="numeric">5</td><td>Worker Import Ana Again</td>'
        "<td>This email appears more than once in the file (first on row 2).</td>"
    ) in page


def test_the_worker_words_row_errors_in_the_uploaders_language(worker, browser, team_a):
    browser.cookies["django_language"] = "pt-br"

    _started, page, job = _import_through_the_page(browser, team_a, "worker-leads-pt.csv")

    assert (job.status, job.imported, job.language) == (ImportStatus.DONE, 3, "pt-br")
    # The column as the file names it ("email"), the message in the uploader's language.
    assert job.errors == [
        {"row": 3, "label": "Worker Import Bruno", "error": "Email: Informe um endereço de e-mail válido."},
        {"row": 5, "label": "Worker Import Ana Again",
         "error": "Este e-mail aparece mais de uma vez no arquivo (a primeira vez na linha 2)."},
    ]
    assert "3 leads importados." in page
    assert '<td>Worker Import Bruno</td><td>Email: Informe um endereço de e-mail válido.</td>' in page

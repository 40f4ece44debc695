"""An import whose worker went silent (a deploy, a killed worker) does not poll forever: the
sweeper marks it failed, in its starter's language, and the page stops and says to try again."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.core.models import ImportJob, ImportStatus
from modules.crm.imports import lead_import_run
from modules.crm.models import Lead
from modules.workspace.tasks import import_jobs_sweep_all

HTMX = {"HTTP_HX_REQUEST": "true"}
CSV = b"name,email\nAna Souza,ana@souza.com\n"


def _job(team, *, status, quiet_minutes, language="en"):
    with tenant_context(team.tenant):
        return ImportJob.objects.create(
            kind="crm.leads", file_name="leads.csv", content=CSV, created_by=team.user, status=status,
            language=language, progressed_at=timezone.now() - timedelta(minutes=quiet_minutes),
        )


def _reload(team, job) -> ImportJob:
    with tenant_context(team.tenant):
        return ImportJob.objects.get(pk=job.pk)


def test_jobs_silent_too_long_fail_in_every_workspace_and_the_rest_are_left(team_a, team_b):
    lost_worker = _job(team_a, status=ImportStatus.RUNNING, quiet_minutes=31, language="pt-br")
    never_taken = _job(team_b, status=ImportStatus.QUEUED, quiet_minutes=45)
    busy = _job(team_a, status=ImportStatus.RUNNING, quiet_minutes=2)
    finished = _job(team_a, status=ImportStatus.DONE, quiet_minutes=600)

    assert import_jobs_sweep_all() == 2

    lost_worker, never_taken = _reload(team_a, lost_worker), _reload(team_b, never_taken)
    assert (lost_worker.status, lost_worker.failure) == (ImportStatus.FAILED, (
        "A importação parou sem terminar (o servidor foi reiniciado ou estava sobrecarregado). Tente novamente."
    ))
    assert bytes(lost_worker.content) == b"" and lost_worker.finished_at is not None
    assert (never_taken.status, never_taken.failure) == (ImportStatus.FAILED, (
        "The import stopped without finishing (the server was restarted or too busy). Try again."
    ))
    assert _reload(team_a, busy).status == ImportStatus.RUNNING
    assert _reload(team_a, finished).status == ImportStatus.DONE


def test_the_page_of_a_swept_import_stops_polling_and_a_late_message_imports_nothing(member, team_a):
    job = _job(team_a, status=ImportStatus.QUEUED, quiet_minutes=31)
    import_jobs_sweep_all()

    response = member.get(f"/crm/leads/import/{job.pk}/", **HTMX)
    page = response.content.decode()

    assert response.status_code == 422
    assert "The import stopped without finishing" in page
    assert "every 1s" not in page
    with tenant_context(team_a.tenant):
        lead_import_run(import_id=job.pk)  # the queued message reaches a worker after all
        assert not Lead.objects.exists()


def test_a_worker_taking_a_job_late_is_a_sign_of_life(team_a):
    job = _job(team_a, status=ImportStatus.QUEUED, quiet_minutes=29)
    with tenant_context(team_a.tenant):
        lead_import_run(import_id=job.pk)
        job = ImportJob.objects.get(pk=job.pk)
    assert job.status == ImportStatus.DONE
    assert timezone.now() - job.progressed_at < timedelta(minutes=1)

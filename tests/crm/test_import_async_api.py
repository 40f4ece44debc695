"""POST /api/v1/crm/leads/import/ answers the spec's report in the request by default; asked to
(`Prefer: respond-async`) it answers 202 with a job the client polls, for files
that would outlast a request. A job is seen from its own workspace only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.crm.models import Lead

URL = "/api/v1/crm/leads/import/"
CSV = b"name,email\nAna Souza,ana@souza.com\nBroken,not-an-email\nBruno,bruno@lima.com\n"


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("leads.csv", CSV, content_type="text/csv")


@pytest.mark.parametrize("how", [
    {"path": URL, "HTTP_PREFER": "respond-async"}, {"path": URL, "HTTP_PREFER": "wait=5, respond-async"},
])
def test_an_import_asked_to_run_as_a_job_answers_202_then_its_report(
    admin_api, crm_a, how, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        accepted = admin_api.post(how.pop("path"), {"file": upload()}, format="multipart", **how)

    assert accepted.status_code == 202
    job = accepted.json()
    assert (job["status"], job["progress"], job["imported"], job["file_name"]) == ("queued", 0, 0, "leads.csv")
    assert accepted["Location"] == f"http://{crm_a.team.host}{URL}{job['id']}/"
    assert crm_a.query(lambda: Lead.objects.count()) == 0

    for callback in queued:  # the commit hands the file to a worker (in-process here)
        callback()
    done = admin_api.get(f"{URL}{job['id']}/")

    assert done.status_code == 200
    assert done.json() | {"created_at": None, "finished_at": None} == {
        "id": job["id"], "file_name": "leads.csv", "status": "done", "progress": 100, "imported": 2,
        "errors": [{"row": 3, "error": "Email: Enter a valid email address."}], "warnings": [], "failure": "",
        "created_at": None, "finished_at": None,
    }
    assert crm_a.query(lambda: Lead.objects.count()) == 2


def test_without_asking_the_import_answers_in_the_request_as_the_spec_shows(admin_api, crm_a):
    response = admin_api.post(URL, {"file": upload()}, format="multipart")

    assert response.status_code == 200
    assert response.json()["imported"] == 2


def test_another_workspace_cannot_see_a_job(admin_api, api, team_b, crm_a, crm_b):
    job = admin_api.post(URL, {"file": upload()}, format="multipart", HTTP_PREFER="respond-async").json()
    crm_b.lead()  # team_b has a workspace of its own with data
    beta = api(host=team_b.host, user=team_b.admin)

    assert beta.get(f"{URL}{job['id']}/").status_code == 404
    assert admin_api.get(f"{URL}{job['id']}/").status_code == 200
    assert api(host=crm_a.team.host, user=team_b.admin).get(f"{URL}{job['id']}/").status_code in (401, 403, 404)

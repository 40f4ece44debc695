"""A statement import asked to run as a job (`Prefer: respond-async`) answers 202 with the job;
the worker imports the file (here in-process, when the request's callbacks run), and the client
polls the job for its counts or for why the file was refused."""

import pytest

from innexar.celery import route_by_lane
from tests.finance.statements_fixtures import *  # noqa: F403
from tests.finance.statements_fixtures import IMPORT, upload

pytestmark = pytest.mark.django_db


def start(client, bank_account, name, capture):
    with capture(execute=False) as queued:
        response = client.post(
            IMPORT, {"file": upload(name), "bank_account_id": bank_account.pk}, format="multipart",
            HTTP_PREFER="respond-async",
        )
    return response, queued


def test_a_job_answers_202_then_its_counts(
    manager_api, team_a, books_a, account_a, django_capture_on_commit_callbacks
):
    manager_api.post(IMPORT, {"file": upload("itau_sgml_closed.ofx"), "bank_account_id": account_a.pk},
                     format="multipart")

    accepted, queued = start(manager_api, account_a, "itau_sgml_closed.ofx", django_capture_on_commit_callbacks)

    assert accepted.status_code == 202
    job = accepted.json()
    assert (job["status"], job["progress"], job["imported"], job["duplicates"]) == ("queued", 0, 0, 0)
    assert accepted["Location"] == f"http://{team_a.host}{IMPORT}{job['id']}/"
    for callback in queued:  # the commit hands the file to a worker (in-process here)
        callback()
    done = manager_api.get(f"{IMPORT}{job['id']}/").json()
    assert done | {"created_at": None, "finished_at": None} == {
        "id": job["id"], "file_name": "itau_sgml_closed.ofx", "status": "done", "progress": 100, "imported": 0,
        "duplicates": 3, "failure": "", "created_at": None, "finished_at": None,
    }
    assert books_a.count() == 3


def test_a_refused_file_fails_its_job_with_the_reasons(manager_api, books_a, account_a,
                                                       django_capture_on_commit_callbacks):
    accepted, queued = start(manager_api, account_a, "broken.ofx", django_capture_on_commit_callbacks)
    for callback in queued:
        callback()

    job = manager_api.get(f"{IMPORT}{accepted.json()['id']}/").json()

    assert (job["status"], job["imported"]) == ("failed", 0)
    assert job["failure"].split("\n")[:2] == [
        "Nothing was imported. Fix these lines and import the file again.",
        "Line 16: “12.3.4” (TRNAMT): it is not a number.",
    ]
    assert books_a.count() == 0


def test_an_unknown_bank_account_is_refused_before_any_job(manager_api, account_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = manager_api.post(
            IMPORT, {"file": upload("itau_sgml_closed.ofx"), "bank_account_id": account_a.pk + 1000},
            format="multipart", HTTP_PREFER="respond-async",
        )

    assert response.status_code == 404
    assert queued == []


def test_another_workspace_cannot_see_a_job(manager_api, api, team_b, account_a, django_capture_on_commit_callbacks):
    accepted, _queued = start(manager_api, account_a, "itau_sgml_closed.ofx", django_capture_on_commit_callbacks)

    beta = api(host=team_b.host, user=team_b.admin)

    assert beta.get(f"{IMPORT}{accepted.json()['id']}/").status_code == 404
    assert manager_api.get(f"{IMPORT}{accepted.json()['id']}/").status_code == 200


def test_the_import_task_waits_in_the_imports_lane_and_bank_feeds_in_the_providers_lane():
    lanes = {name: route_by_lane(name, (), {}, {})["queue"].rsplit(".", 1)[-1] for name in (
        "finance.statement_import_run", "finance.bank_feeds_sync_all", "finance.bank_feeds_sync",
        "finance.bank_feed_sync",
    )}

    assert lanes == {
        "finance.statement_import_run": "imports", "finance.bank_feeds_sync_all": "providers",
        "finance.bank_feeds_sync": "providers", "finance.bank_feed_sync": "providers",
    }

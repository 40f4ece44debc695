"""The score model is retrained by a real Celery worker, in the schema of the tenant whose
outcomes changed. The worker sees only committed rows, so this test commits its leads on a
connection of its own and removes them at the end."""

import time

import psycopg
import pytest
from django_tenants.utils import tenant_context

from modules.crm.tasks import lead_scores_retrain
from tests.conftest import database_url

pytestmark = pytest.mark.redis

HISTORY = [("referral", "converted")] * 8 + [("ads", "lost")] * 8 + [("referral", "new"), ("ads", "new")]


@pytest.fixture
def committed_alpha_leads(team_a):
    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute("SET search_path TO alpha, public")
        for number, (source, status) in enumerate(HISTORY):
            conn.execute(
                "INSERT INTO crm_lead (name, email, phone, company, position, tags, notes, source, status, score,"
                " score_is_manual, closed_at, created_at, updated_at) VALUES (%s, %s, '', 'Acme', '', '{}', '',"
                " %s, %s, 50, false, CASE WHEN %s IN ('converted', 'lost') THEN now() END, now(), now())",
                (f"Worker lead {number}", f"worker{number}@acme-{number}.com", source, status, status),
            )
        try:
            yield conn
        finally:
            conn.execute(
                "DELETE FROM events_event WHERE name = 'lead.score_changed' AND aggregate_id IN"
                " (SELECT id FROM crm_lead WHERE name LIKE 'Worker lead %')"
            )
            conn.execute("DELETE FROM crm_lead WHERE name LIKE 'Worker lead %'")
            conn.execute("DELETE FROM crm_leadscoremodel")


def test_a_real_worker_retrains_the_senders_model_only(worker, team_a, team_b, committed_alpha_leads):
    with tenant_context(team_a.tenant):
        lead_scores_retrain.delay()  # its result is not kept: the rows it writes are the answer

    conn = committed_alpha_leads

    def open_scores() -> dict[str, int]:
        return dict(conn.execute("SELECT source, score FROM crm_lead WHERE status = 'new'").fetchall())

    deadline = time.monotonic() + 60
    while open_scores() == {"referral": 50, "ads": 50}:  # trained, then rescored: the last step shows
        assert time.monotonic() < deadline, "the worker did not retrain within 60 s"
        time.sleep(0.2)
    scores = open_scores()
    trained = conn.execute("SELECT converted, lost FROM crm_leadscoremodel").fetchone()
    beta_models = conn.execute("SELECT count(*) FROM beta.crm_leadscoremodel").fetchone()[0]

    rescored = conn.execute("SELECT count(*) FROM events_event WHERE name = 'lead.score_changed'").fetchone()[0]

    assert trained == (8, 8)
    assert scores["referral"] > 50 > scores["ads"]
    assert rescored == 2  # the worker's rescore is in the outbox too
    assert beta_models == 0

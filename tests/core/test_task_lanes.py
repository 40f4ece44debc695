"""Slow work waits in a lane of its own, so a stalled provider or a large import never holds up
the rest; a task stuck on a provider is stopped."""

import pytest

from innexar.celery import app
from modules.crm.tasks import lead_import_run_task, lead_scores_retrain


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize(("task_name", "lane"), [
    ("crm.lead_import_run", ".imports"),
    ("webhooks.deliver", ".webhooks"),
    ("fiscal.nfe_issue", ".providers"),
    ("integrations.quickbooks_sync", ".providers"),
    ("crm.lead_scores_retrain", ""),
    ("tenancy.replenish_spare_schemas", ""),
])
def test_each_task_waits_in_its_lane(task_name, lane):
    assert queue_of(task_name) == app.conf.task_default_queue + lane


def test_every_lane_is_a_queue_a_worker_started_without_q_consumes():
    consumed = {queue.name for queue in app.conf.task_queues}

    assert {queue_of(name) for name in ("crm.lead_import_run", "webhooks.x", "fiscal.x")} <= consumed
    assert app.conf.task_default_queue in consumed


def test_tasks_are_acknowledged_after_running_and_time_limited():
    assert (lead_scores_retrain.acks_late, lead_scores_retrain.reject_on_worker_lost) == (True, True)
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert lead_import_run_task.soft_time_limit > app.conf.task_soft_time_limit

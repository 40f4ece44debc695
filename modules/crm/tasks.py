from django.db import OperationalError

from innexar.celery import app
from modules.tenancy.scope import for_each_tenant
from modules.tenancy.tasks import TenantTask

from .imports import lead_import_run
from .scoring import leads_rescore, score_model_train


@app.task(
    base=TenantTask, name="crm.lead_scores_retrain", ignore_result=True,
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5,
)
def lead_scores_retrain() -> int:
    """Learn from the tenant's closed leads, then rescore its open ones; returns how many scores
    changed. Running it twice only repeats the same work (score_retrain_schedule queues it)."""
    score_model_train()
    return leads_rescore()


@app.task(name="crm.lead_scores_refresh_all", ignore_result=True)
def lead_scores_refresh_all() -> int:
    """Nightly: activity recency ages even when nothing happens, so every active tenant's scores
    are retrained and refreshed. One task per tenant, each in its own schema; returns how many."""
    return for_each_tenant(lambda tenant: lead_scores_retrain.delay())


# A large file takes minutes on a busy worker: more than the default limit.
@app.task(base=TenantTask, name="crm.lead_import_run", ignore_result=True, soft_time_limit=1800, time_limit=1860)
def lead_import_run_task(import_id: int) -> None:
    """A CSV import started from the leads page; the page polls its progress."""
    lead_import_run(import_id=import_id)

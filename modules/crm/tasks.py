from django.db import OperationalError

from innexar.celery import app
from modules.core.tasks import TenantTask

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

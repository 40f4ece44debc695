"""Analytics' background work; services.report_request queues it by name."""

from innexar.celery import app
from modules.tenancy.tasks import TenantTask

from .services import report_make


@app.task(base=TenantTask, name="analytics.report_make", ignore_result=True, soft_time_limit=900, time_limit=960)
def report_make_task(report_id: str) -> None:
    """A report too long to make in the request; running it twice makes it once."""
    report_make(report_id=report_id)

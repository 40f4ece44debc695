from django.conf import settings

from innexar.celery import app
from modules.tenancy.scope import for_each_tenant

from .services import outbox_purge


@app.task(name="events.outbox_purge_all", ignore_result=True)
def outbox_purge_all() -> int:
    """Nightly: every workspace drops the dispatched events older than the retention."""
    return for_each_tenant(lambda tenant: outbox_purge(older_than_days=settings.INNEXAR_OUTBOX_RETENTION_DAYS))

from django.conf import settings
from django.db import connection

from innexar.celery import app
from modules.tenancy.models import PendingOutbox, Tenant
from modules.tenancy.scope import for_each_tenant, tenant_scope
from modules.tenancy.tasks import TenantTask

from .services import RELAY_BATCH, outbox_purge, outbox_relay, outbox_relay_started


@app.task(name="events.outbox_purge_all", ignore_result=True)
def outbox_purge_all() -> int:
    """Nightly: every workspace drops the dispatched events older than the retention."""
    return for_each_tenant(lambda tenant: outbox_purge(older_than_days=settings.INNEXAR_OUTBOX_RETENTION_DAYS))


@app.task(base=TenantTask, name="events.outbox_relay", ignore_result=True)
def outbox_relay_run() -> int:
    """Relay the workspace's undispatched events; a full batch sends the next one."""
    outbox_relay_started(connection.tenant)
    relayed = outbox_relay()
    if relayed == RELAY_BATCH:
        app.signature("events.outbox_relay").delay()
    return relayed


@app.task(name="events.outbox_relay_all", ignore_result=True)
def outbox_relay_all() -> int:
    """Every few seconds: a relay for each workspace still marked as having events (a kick lost
    with a worker, events recorded where nobody was waiting)."""
    count = 0
    for tenant in Tenant.objects.filter(pk__in=PendingOutbox.objects.values("tenant_id")):
        with tenant_scope(tenant):
            app.signature("events.outbox_relay").delay()
        count += 1
    return count

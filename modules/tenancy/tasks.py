from collections.abc import Callable
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone, translation
from django_tenants.utils import get_public_schema_name

from innexar.celery import app
from modules.core.logs import current_request_id

from .schemas import spare_pool_replenish
from .scope import tenant_language, tenant_scope


class TenantRequiredError(RuntimeError):
    pass


class TenantTask(app.Task):
    """A task that must run inside a tenant schema; it refuses to run in `public`.

    The schema travels in the message headers (tenant-schemas-celery), so sending the task
    from a request of tenant A always runs it in A's schema; the task then runs in A's time zone
    and language, on a worker as in an eager test (where it would otherwise inherit the request's).
    """

    abstract = True

    def __call__(self, *args, **kwargs):
        tenant = connection.tenant
        if tenant.schema_name == get_public_schema_name():
            raise TenantRequiredError(f"Task {self.name} needs a tenant and was sent from the public schema")
        with tenant_scope(tenant, language=tenant_language(tenant)):
            return super().__call__(*args, **kwargs)


def on_commit_in_this_tenant(callback: Callable[[], None], *, robust: bool = False) -> None:
    """transaction.on_commit, run in the schema active now: by the time an outer transaction
    commits, the tenant scope that asked may have ended (the demo loader, work across tenants),
    and a tenant task sent from `public` would be refused."""
    tenant = connection.tenant

    def in_tenant() -> None:
        with tenant_scope(tenant):
            callback()

    transaction.on_commit(in_tenant, robust=robust)


@app.task(base=TenantTask, name="core.tenant_ping")
def tenant_ping(at: str | None = None) -> dict:
    """Round-trip probe used by health checks and tests: which schema did the worker run in, on
    behalf of which request, in which time zone and language, and what date is instant `at`
    (ISO 8601) there?"""
    from .models import Tenant

    tenant = Tenant.objects.get(schema_name=connection.schema_name)
    local_date = timezone.localdate(datetime.fromisoformat(at)) if at else None
    return {
        "schema_name": connection.schema_name, "tenant_id": tenant.id, "request_id": current_request_id(),
        "timezone": timezone.get_current_timezone_name(), "language": translation.get_language(),
        "local_date": local_date.isoformat() if local_date else None,
    }


@app.task(name="tenancy.replenish_spare_schemas", ignore_result=True)
def replenish_spare_schemas() -> int:
    """Keep the spare-schema pool full; running it twice at once at worst adds one spare."""
    return spare_pool_replenish()

"""Base task for work that belongs to one tenant."""

from collections.abc import Callable

from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, tenant_context

from innexar.celery import app

from .logs import current_request_id


class TenantRequiredError(RuntimeError):
    pass


class TenantTask(app.Task):
    """A task that must run inside a tenant schema; it refuses to run in `public`.

    The schema travels in the message headers (tenant-schemas-celery), so sending the task
    from a request of tenant A always runs it in A's schema.
    """

    abstract = True

    def __call__(self, *args, **kwargs):
        if connection.schema_name == get_public_schema_name():
            raise TenantRequiredError(f"Task {self.name} needs a tenant and was sent from the public schema")
        return super().__call__(*args, **kwargs)


def on_commit_in_this_tenant(callback: Callable[[], None], *, robust: bool = False) -> None:
    """transaction.on_commit, run in the schema active now: by the time an outer transaction
    commits, the tenant_context that asked may have ended (the demo loader, work across tenants),
    and a tenant task sent from `public` would be refused."""
    tenant = connection.tenant

    def in_tenant() -> None:
        with tenant_context(tenant):
            callback()

    transaction.on_commit(in_tenant, robust=robust)


@app.task(base=TenantTask, name="core.tenant_ping")
def tenant_ping() -> dict:
    """Round-trip probe used by health checks and tests: which schema did the worker run in,
    on behalf of which request?"""
    from modules.tenancy.models import Tenant

    tenant = Tenant.objects.get(schema_name=connection.schema_name)
    return {"schema_name": connection.schema_name, "tenant_id": tenant.id, "request_id": current_request_id()}

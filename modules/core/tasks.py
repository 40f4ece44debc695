"""Base task for work that belongs to one tenant."""

from django.db import connection
from django_tenants.utils import get_public_schema_name

from innexar.celery import app


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


@app.task(base=TenantTask, name="core.tenant_ping")
def tenant_ping() -> dict:
    """Round-trip probe used by health checks and tests: which schema did the worker run in?"""
    from modules.tenancy.models import Tenant

    tenant = Tenant.objects.get(schema_name=connection.schema_name)
    return {"schema_name": connection.schema_name, "tenant_id": tenant.id}

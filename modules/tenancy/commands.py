"""Management commands that work inside one tenant."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django_tenants.utils import get_public_schema_name

from .models import Tenant
from .scope import tenant_language, tenant_scope


class TenantCommand(BaseCommand):
    """`--tenant <subdomain or schema>`; `handle_tenant()` runs in the tenant's scope (schema, time
    zone, language), as a task would. The public schema is refused: it has no business data."""

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="The workspace's subdomain or schema name.")

    def handle(self, *args, tenant: str, **options):
        found = Tenant.objects.filter(Q(subdomain=tenant) | Q(schema_name=tenant)).first()
        if found is None:
            raise CommandError(f"No workspace is called {tenant!r}.")
        if found.schema_name == get_public_schema_name():
            raise CommandError("This command works inside a workspace; the public schema has none.")
        with tenant_scope(found, language=tenant_language(found)):
            return self.handle_tenant(found, *args, **options)

    def handle_tenant(self, tenant: Tenant, *args, **options):
        raise NotImplementedError

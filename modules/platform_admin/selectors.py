from django.db.models import Count, QuerySet
from django_tenants.utils import get_public_schema_name

from modules.core.search import folded_contains
from modules.tenancy.models import Tenant


def tenant_list(*, search: str = "", plan: str = "") -> QuerySet[Tenant]:
    """Customer tenants with their user count, in one query whatever the page size."""
    tenants = Tenant.objects.exclude(schema_name=get_public_schema_name()).annotate(
        users_count=Count("users")
    )
    if search.strip():
        # Folding every row is fine here: one row per customer, and staff type `sao` for São.
        tenants = tenants.filter(folded_contains(search, "name", "subdomain"))
    if plan:
        tenants = tenants.filter(plan=plan)
    return tenants

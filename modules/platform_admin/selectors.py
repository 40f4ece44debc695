from django.db.models import Count, Q, QuerySet
from django_tenants.utils import get_public_schema_name

from modules.tenancy.models import Tenant


def tenant_list(*, search: str = "", plan: str = "") -> QuerySet[Tenant]:
    """Customer tenants with their user count, in one query whatever the page size."""
    tenants = Tenant.objects.exclude(schema_name=get_public_schema_name()).annotate(
        users_count=Count("users")
    )
    if search:
        tenants = tenants.filter(Q(name__icontains=search) | Q(subdomain__icontains=search))
    if plan:
        tenants = tenants.filter(plan=plan)
    return tenants

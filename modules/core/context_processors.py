from django.conf import settings
from django_tenants.utils import get_public_schema_name

from .sites import site_url


def innexar(request) -> dict:
    tenant = getattr(request, "tenant", None)
    is_workspace = tenant is not None and tenant.schema_name != get_public_schema_name()
    return {
        "current_tenant": tenant if is_workspace else None,
        "marketing_url": site_url(),
        "admin_url": site_url("admin"),
        "LANGUAGES": settings.LANGUAGES,
    }

"""Reads about the tenant a request or task is running for."""

import zoneinfo

from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from .models import CompanyProfile


def company_profile_current() -> CompanyProfile | None:
    """The company profile of the tenant whose schema is active (None in the public schema)."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "pk", None) is None:
        return None
    return CompanyProfile.objects.filter(tenant_id=tenant.pk).first()


# Not the schema-prefixed default cache: the key must be the same from the public schema (the
# platform admin, signup, the demo) and from the tenant's own schema.
cache = caches["platform"]


def _timezone_cache_key(tenant) -> str:
    return f"tenancy:timezone:{tenant.pk}"


def tenant_timezone_name(tenant) -> str:
    """The tenant's time zone (company settings), cached: every workspace page asks for it."""
    key = _timezone_cache_key(tenant)
    name = cache.get(key)
    if name is None:
        name = CompanyProfile.objects.filter(tenant=tenant).values_list("timezone", flat=True).first() or "UTC"
        cache.set(key, name, 300)  # without Redis each process keeps its own copy
    return name


def tenant_timezone_activate(tenant) -> None:
    """Dates are read and shown in the company's time zone; the public schema's faces use UTC."""
    if tenant.schema_name == get_public_schema_name():
        timezone.deactivate()
    else:
        timezone.activate(zoneinfo.ZoneInfo(tenant_timezone_name(tenant)))


def tenant_timezone_forget(tenant) -> None:
    """After the company's time zone changes (company_profile_update)."""
    cache.delete(_timezone_cache_key(tenant))

"""Reads about the tenant a request or task is running for."""

from django.db import connection

from .models import CompanyProfile


def company_profile_current() -> CompanyProfile | None:
    """The company profile of the tenant whose schema is active (None in the public schema)."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "pk", None) is None:
        return None
    return CompanyProfile.objects.filter(tenant_id=tenant.pk).first()

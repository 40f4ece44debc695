"""Reads about the tenant a request or task is running for."""

from typing import NamedTuple

from django.conf import settings
from django.db import connection

from modules.core.snapshots import Snapshots, version_bump

from .models import CompanyProfile, Domain, Tenant


def company_profile_current() -> CompanyProfile | None:
    """The company profile of the tenant whose schema is active (None in the public schema)."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "pk", None) is None:
        return None
    return CompanyProfile.objects.filter(tenant_id=tenant.pk).first()


# Every tenant, domain or company change moves this one version: they are rare, and a request
# then checks its tenant and time zone with a single read of the shared cache.
TENANTS_VERSION = "tenancy:generation"
_tenants = Snapshots()
_defaults = Snapshots()


def tenants_changed(**kwargs) -> None:
    """After any tenant, domain or company profile change (also a signal receiver: every save
    counts, the platform admin's and Django admin's included)."""
    version_bump([TENANTS_VERSION])


def tenant_for_host(hostname: str) -> Tenant:
    """The tenant a host belongs to; Domain.DoesNotExist for a host no tenant owns."""
    return _tenants.get(
        f"host:{hostname}", (TENANTS_VERSION,),
        lambda: Domain.objects.select_related("tenant").get(domain=hostname).tenant,
    )


def tenant_by_id(tenant_id: int) -> Tenant:
    return _tenants.get(f"id:{tenant_id}", (TENANTS_VERSION,), lambda: Tenant.objects.get(pk=tenant_id))


class TenantDefaults(NamedTuple):
    timezone: str
    language: str
    country: str
    currency: str  # the company's main currency: its country's (signup, a country change) unless changed


def tenant_defaults(tenant) -> TenantDefaults:
    """The company's time zone, language, country and main currency from its settings: every
    workspace page and tenant task asks for them."""
    return _defaults.get(
        str(tenant.pk), (TENANTS_VERSION,),
        lambda: TenantDefaults(*(
            CompanyProfile.objects.filter(tenant=tenant)
            .values_list("timezone", "language", "country", "default_currency").first()
            or ("UTC", settings.LANGUAGE_CODE, "US", "USD")
        )),
    )


def tenant_country(tenant) -> str:
    """The company's country: the region its national phone numbers are read and shown in."""
    return tenant_defaults(tenant).country


def tenant_currency(tenant) -> str:
    """The company's main currency (BRL for a Brazilian company, MXN for a Mexican one, USD
    otherwise, unless its settings name another): what a report in one currency shows first."""
    return tenant_defaults(tenant).currency

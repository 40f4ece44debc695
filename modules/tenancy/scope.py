"""Working for one tenant: its schema, its time zone, its country and, when asked, a language.

Every door into tenant work goes through here — a request (the tenant middleware, JWT auth on
the API host), a Celery task, a management command, a fan-out over all tenants — so dates near
midnight, translated text and money written as the company's country writes it
(money.format_locale) come out the same whichever door the work came in by.
"""

import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext

from django.db import connection
from django.utils import timezone, translation
from django_tenants.utils import get_public_schema_name

from modules.core.logs import bind_schema, schema_var
from modules.core.money import country_activate, country_override

from .models import Tenant
from .selectors import tenant_defaults


def tenant_zone(tenant) -> zoneinfo.ZoneInfo | None:
    """The company's time zone; None for the public schema, whose faces use UTC."""
    if tenant.schema_name == get_public_schema_name():
        return None
    return zoneinfo.ZoneInfo(tenant_defaults(tenant).timezone)


def tenant_format_country(tenant) -> str | None:
    """The country numbers, money and dates are written for (money.format_locale): the company's;
    None for the public schema, whose faces go by the language alone."""
    if tenant.schema_name == get_public_schema_name():
        return None
    return tenant_defaults(tenant).country


def tenant_language(tenant) -> str:
    """The company's language, for work no user asked for in their own (tasks, commands)."""
    return tenant_defaults(tenant).language


def tenant_activate(tenant) -> None:
    """Switch this thread to the tenant for the rest of a request (middleware, JWT auth):
    the request cycle ends it by activating the next request's tenant."""
    connection.set_tenant(tenant)
    bind_schema(tenant.schema_name)
    zone = tenant_zone(tenant)
    if zone is None:
        timezone.deactivate()
    else:
        timezone.activate(zone)
    country_activate(tenant_format_country(tenant))


@contextmanager
def tenant_scope(tenant, *, language: str | None = None) -> Iterator[None]:
    """Run a block as the tenant: schema, time zone, country, log context and, if given, language;
    everything is as it was afterwards."""
    previous_tenant = getattr(connection, "tenant", None)
    schema_token = schema_var.set(tenant.schema_name)
    connection.set_tenant(tenant)
    language_override = translation.override(language) if language else nullcontext()
    try:
        with timezone.override(tenant_zone(tenant)), country_override(tenant_format_country(tenant)), language_override:
            yield
    finally:
        if previous_tenant is None:
            connection.set_schema_to_public()
        else:
            connection.set_tenant(previous_tenant)
        schema_var.reset(schema_token)


def active_tenants():
    """Tenants whose work goes on: not the public schema, not a suspended workspace."""
    return Tenant.objects.filter(is_active=True).exclude(schema_name=get_public_schema_name()).order_by("pk")


def for_each_tenant(work: Callable[[Tenant], None]) -> int:
    """Nightly and fan-out work: `work(tenant)` inside each active tenant's scope; returns how
    many tenants it ran for."""
    count = 0
    for tenant in active_tenants():
        with tenant_scope(tenant):
            work(tenant)
        count += 1
    return count

"""Plan quotas: how many of a thing a plan allows (users now, fiscal documents next), checked by
one function whatever the thing.

The module that owns the thing registers its quota from its AppConfig.ready(): the allowance
of each plan, a counter of what the tenant uses, and the message naming the plan that allows
more. tenancy knows no module's tables.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from .models import Tenant


@dataclass(frozen=True)
class Quota:
    name: str
    limit: Callable[[str], int | None]  # the plan's allowance; None for no limit
    count: Callable[[Tenant], int]  # how many the tenant uses now
    message: Callable[[str], str]  # what a tenant at its plan's limit hears: the plan that allows more


QUOTAS: dict[str, Quota] = {}


def quota_register(quota: Quota) -> None:
    """By name: registering again replaces (ready() runs again when the installed apps change)."""
    QUOTAS[quota.name] = quota


def quota_check(tenant: Tenant, quota: str) -> None:
    """Refuse (PermissionDenied: a 403 in the API and the pages) one more of `quota` past the
    tenant's plan. Call it in the writing transaction with the tenant row locked
    (select_for_update), so that two requests cannot both take the last one."""
    spec = QUOTAS[quota]
    limit = spec.limit(tenant.plan)
    if limit is not None and spec.count(tenant) >= limit:
        raise PermissionDenied(spec.message(tenant.plan))

"""Tenancy's readiness check, added to /readyz's (core/health.py) when the apps load."""

from django.conf import settings

from modules.core.health import CheckFailed

from .models import SpareSchema
from .schemas import migrations_fingerprint


def check_spare_pool() -> None:
    if not SpareSchema.objects.filter(migrations_fingerprint=migrations_fingerprint()).exists():
        raise CheckFailed("empty")


def spare_pool_configured() -> bool:
    return settings.SPARE_SCHEMA_POOL_SIZE > 0  # a pool of 0 is a choice, not a failure

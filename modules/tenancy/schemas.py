"""Fast tenant schemas: a pool of spare, already-migrated schemas, and a cheap migrate check.

Running every migration into a new schema takes seconds and grows with each migration we add;
renaming a spare schema (`ALTER SCHEMA spare_x RENAME TO acme`) takes milliseconds whatever the
number of migrations. Signup claims a spare inside its own transaction, so a failed signup puts
the spare back; a task replenishes the pool afterwards; `migrate_schemas` keeps spares in step.
"""

import hashlib
import logging
import secrets
from functools import cache

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from .models import SpareSchema

logger = logging.getLogger(__name__)

SPARE_PREFIX = "spare_"


def quote_schema(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def migration_keys() -> frozenset[tuple[str, str]]:
    """Every migration on disk, as (app_label, name): what an up-to-date schema has applied."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def migrations_fingerprint() -> str:
    digest = hashlib.sha256()
    for app_label, name in sorted(migration_keys()):
        digest.update(f"{app_label}.{name}\n".encode())
    return digest.hexdigest()


def applied_migration_keys(schema_name: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass(%s) IS NOT NULL", [f"{quote_schema(schema_name)}.django_migrations"]
        )
        if not cursor.fetchone()[0]:
            return set()
        cursor.execute(f"SELECT app, name FROM {quote_schema(schema_name)}.django_migrations")  # noqa: S608
        return set(cursor.fetchall())


def schemas_with_pending_migrations(schema_names: list[str]) -> list[str]:
    """The schemas that lack a migration on disk: one small query each, no migrate machinery.

    A squashed migration can make an up-to-date schema look behind; it then only gets the full
    (correct, slower) migrate, never a skipped one.
    """
    wanted = migration_keys()
    return [name for name in schema_names if not wanted <= applied_migration_keys(name)]


def schema_create_migrated(schema_name: str) -> None:
    """Create `schema_name` and run every tenant migration into it (the slow path)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quote_schema(schema_name)}")
    call_command("migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0)
    connection.set_schema_to_public()


def spare_schema_create() -> SpareSchema:
    name = f"{SPARE_PREFIX}{secrets.token_hex(6)}"
    with transaction.atomic():
        schema_create_migrated(name)
        return SpareSchema.objects.create(schema_name=name, migrations_fingerprint=migrations_fingerprint())


@transaction.atomic
def spare_schema_claim(*, schema_name: str) -> bool:
    """Rename a ready spare to `schema_name`; False when the pool has none for this code.

    Must run inside the caller's transaction: if the caller rolls back, the rename and the
    pool row come back with it. SKIP LOCKED lets concurrent signups take different spares.
    """
    spare = (
        SpareSchema.objects.select_for_update(skip_locked=True)
        .filter(migrations_fingerprint=migrations_fingerprint())
        .order_by("created_at")
        .first()
    )
    if spare is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER SCHEMA {quote_schema(spare.schema_name)} RENAME TO {quote_schema(schema_name)}"
        )
    spare.delete()
    return True


# Any constant of ours: the key of the session advisory lock that one replenisher holds.
REPLENISH_LOCK_KEY = 0x1E0A5E_0001


def spare_pool_replenish(*, size: int | None = None) -> int:
    """Top the pool up to `size` ready spares; returns how many it created.

    One replenisher works at a time, and keeps going until the pool is full: a burst of signups
    queues one task each, and without the lock every task would count the same shortfall and
    fill it again. The others return at once.
    """
    target = settings.SPARE_SCHEMA_POOL_SIZE if size is None else size
    ready = SpareSchema.objects.filter(migrations_fingerprint=migrations_fingerprint())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REPLENISH_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return 0
    created = 0
    try:
        while ready.count() < target:
            spare_schema_create()
            created += 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REPLENISH_LOCK_KEY])
    return created

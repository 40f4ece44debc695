"""migrate_schemas: cheap when nothing is pending, and spares stay in step with tenants."""

from io import StringIO

from django.core.management import call_command
from django.db import connection

from modules.tenancy.models import SpareSchema
from modules.tenancy.schemas import migration_keys, schemas_with_pending_migrations


def run_migrate(*args) -> str:
    out = StringIO()
    call_command("migrate_schemas", *args, interactive=False, stdout=out, stderr=StringIO())
    connection.set_schema_to_public()
    return out.getvalue()


def test_a_noop_run_skips_every_up_to_date_schema(team_a, team_b):
    output = run_migrate()

    spares = SpareSchema.objects.count()
    assert f"2 tenant and {spares} spare schemas; 0 with pending migrations." in output


def test_a_schema_missing_a_migration_is_migrated(team_a):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM alpha.django_migrations"
            " WHERE app = 'token_blacklist' AND name = '0013_alter_blacklistedtoken_options_and_more'"
        )
    assert schemas_with_pending_migrations(["alpha", "beta"]) == ["alpha"]

    output = run_migrate()

    assert "1 with pending migrations." in output
    assert schemas_with_pending_migrations(["alpha", "beta"]) == []


def test_every_spare_has_every_migration(db):
    spares = list(SpareSchema.objects.values_list("schema_name", flat=True))

    assert spares
    assert schemas_with_pending_migrations(spares) == []
    assert len(migration_keys()) > 30


def test_a_spare_from_older_code_is_migrated_and_then_handed_out(db):
    from modules.tenancy.schemas import migrations_fingerprint

    spare = SpareSchema.objects.first()
    SpareSchema.objects.filter(pk=spare.pk).update(migrations_fingerprint="older-release")

    run_migrate()

    assert SpareSchema.objects.get(pk=spare.pk).migrations_fingerprint == migrations_fingerprint()


def test_all_schemas_runs_djangos_migrate_everywhere(team_a, team_b):
    output = run_migrate("--all-schemas")

    assert f"Migrating all {2 + SpareSchema.objects.count()} schemas." in output

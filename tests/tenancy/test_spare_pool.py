"""The spare-schema pool: one replenisher at a time fills it to its size."""

import psycopg
import pytest

from modules.tenancy.models import SpareSchema
from modules.tenancy.schemas import REPLENISH_LOCK_KEY, migrations_fingerprint, spare_pool_replenish
from tests.conftest import database_url


def _ready() -> int:
    return SpareSchema.objects.filter(migrations_fingerprint=migrations_fingerprint()).count()


@pytest.fixture
def another_replenisher_running():
    with psycopg.connect(database_url(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [REPLENISH_LOCK_KEY])
        yield
        other.execute("SELECT pg_advisory_unlock(%s)", [REPLENISH_LOCK_KEY])


def test_it_fills_the_pool_up_to_its_size(db):
    before = _ready()

    assert spare_pool_replenish(size=before + 2) == 2
    assert _ready() == before + 2


def test_a_replenish_queued_while_another_runs_creates_nothing(db, another_replenisher_running):
    """A burst of signups queues a refill each: they must not each fill the same shortfall."""
    before = _ready()

    assert spare_pool_replenish(size=before + 2) == 0
    assert _ready() == before


def test_a_full_pool_is_left_alone(db):
    assert spare_pool_replenish(size=_ready()) == 0


def test_a_signup_refills_the_pool_after_it_commits(db, django_capture_on_commit_callbacks, settings):
    from modules.accounts.signup import tenant_signup

    settings.SPARE_SCHEMA_POOL_SIZE = _ready()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tenant_signup(
            name="Refill Co", subdomain="refill", plan="starter", admin_name="Ana",
            admin_email="ana@refill.example.com", admin_password="Correct-Horse-42",
        )
    assert _ready() == settings.SPARE_SCHEMA_POOL_SIZE - 1  # the signup took one

    for callback in callbacks:
        callback()

    assert _ready() == settings.SPARE_SCHEMA_POOL_SIZE


def test_a_spare_from_older_code_is_never_handed_out(db):
    """A spare migrated by an older release lacks today's tables: signup must migrate instead."""
    from modules.accounts.signup import tenant_signup

    SpareSchema.objects.update(migrations_fingerprint="older-release")
    stale = set(SpareSchema.objects.values_list("schema_name", flat=True))

    signup = tenant_signup(
        name="Fresh Co", subdomain="fresh", plan="starter", admin_name="Fê",
        admin_email="fe@fresh.example.com", admin_password="Correct-Horse-42",
    )

    assert set(SpareSchema.objects.values_list("schema_name", flat=True)) == stale
    assert signup.tenant.schema_name == "fresh"

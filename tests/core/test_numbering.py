"""Document numbers: concurrent requests never get the same number, a rolled-back document
gives its number back, and each workspace counts on its own.

The concurrent callers run in threads with connections of their own and commit for real; the
keys are unique to each test run and removed at the end."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from modules.core.models import Sequence
from modules.core.numbering import NumberingOutsideTransaction, sequence_next
from modules.tenancy.scope import tenant_scope
from tests.conftest import on_own_connection


@pytest.fixture
def key(team_a, team_b):
    name = f"invoice:test-{uuid.uuid4().hex[:8]}"
    yield name

    def clean():
        for team in (team_a, team_b):
            with tenant_scope(team.tenant):
                Sequence.objects.filter(key__startswith=name).delete()

    on_own_connection(clean)


def _take(tenant, key: str, *, keep: bool = True, barrier: threading.Barrier | None = None) -> int:
    try:
        with tenant_scope(tenant), transaction.atomic():
            if barrier is not None:
                barrier.wait(timeout=10)
            number = sequence_next(key)
            if not keep:
                transaction.set_rollback(True)
            return number
    finally:
        connection.close()


def test_concurrent_documents_get_consecutive_numbers_without_repeats(team_a, key):
    callers = 8
    barrier = threading.Barrier(callers)

    with ThreadPoolExecutor(max_workers=callers) as pool:
        numbers = list(pool.map(lambda _: _take(team_a.tenant, key, barrier=barrier), range(callers)))

    assert sorted(numbers) == list(range(1, callers + 1))


def test_a_rolled_back_document_gives_its_number_back(team_a, key):
    on_own_connection(_take, team_a.tenant, key)
    on_own_connection(lambda: _take(team_a.tenant, key, keep=False))

    assert on_own_connection(_take, team_a.tenant, key) == 2


def test_each_workspace_and_each_key_counts_on_its_own(team_a, team_b, key):
    on_own_connection(_take, team_a.tenant, key)
    on_own_connection(_take, team_a.tenant, key)

    assert on_own_connection(_take, team_b.tenant, key) == 1
    assert on_own_connection(_take, team_a.tenant, key + ":series-2") == 1


def test_a_number_taken_outside_a_transaction_is_refused(team_a, key):
    def outside():
        with tenant_scope(team_a.tenant):
            return sequence_next(key)

    with pytest.raises(NumberingOutsideTransaction):
        on_own_connection(outside)

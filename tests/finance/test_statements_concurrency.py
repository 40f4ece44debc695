"""Two imports of the same statement at the same moment write its lines once.

Each import runs in a thread of its own (its own connection, autocommit, as two web processes
would) and commits for real; `django_db(transaction=True)` would flush the session's tenants at
the end, so what these tests commit is removed by the `committed_account` fixture instead."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from modules.accounts.tokens import tokens_for_user
from modules.events.models import AuditEntry, Event
from modules.finance import statements
from modules.finance.models import BankAccount, Transaction
from tests.conftest import on_own_connection
from tests.finance.statements_fixtures import IMPORT, upload


def _in_alpha(team, function):
    def run():
        with tenant_context(team.tenant):
            return function()

    return on_own_connection(run)


@pytest.fixture
def committed_account(team_a):
    started = timezone.now()
    bank_account = _in_alpha(team_a, lambda: BankAccount.objects.create(
        name="Race account", bank="Itaú", account_number="999", currency="BRL"
    ))
    yield bank_account

    def clean():
        Transaction.objects.filter(bank_account=bank_account).delete()
        Event.objects.filter(occurred_at__gte=started).delete()
        AuditEntry.objects.filter(occurred_at__gte=started).delete()
        bank_account.delete()

    _in_alpha(team_a, clean)


def _import_through_the_api(team, bank_account) -> tuple[int, dict]:
    client = APIClient(HTTP_HOST=team.host)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(team.manager)['access']}")
    response = client.post(
        IMPORT, {"file": upload("itau_sgml_closed.ofx"), "bank_account_id": bank_account.pk}, format="multipart"
    )
    return response.status_code, response.json()


def _lines(team, bank_account) -> int:
    return _in_alpha(team, lambda: Transaction.objects.filter(bank_account=bank_account).count())


def test_the_second_import_waits_for_the_first_and_finds_every_line_there(team_a, committed_account):
    first_written, may_commit = threading.Event(), threading.Event()

    def import_and_hold():
        with transaction.atomic():
            report = statements.statement_import(
                actor=team_a.admin, bank_account_id=committed_account.pk, file=upload("itau_sgml_closed.ofx")
            )
            first_written.set()
            may_commit.wait(timeout=10)
        return report.imported, report.duplicates

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(_in_alpha, team_a, import_and_hold)
        assert first_written.wait(timeout=10)
        second = pool.submit(on_own_connection, _import_through_the_api, team_a, committed_account)
        with pytest.raises(TimeoutError):
            second.result(timeout=0.5)  # it waits on the bank account's row lock
        may_commit.set()
        assert first.result(timeout=10) == (3, 0)
        assert second.result(timeout=10) == (200, {"imported": 0, "duplicates": 3})

    assert _lines(team_a, committed_account) == 3


def test_two_imports_sent_together_write_the_lines_once(team_a, committed_account):
    both_ready = threading.Barrier(2)

    def import_together():
        both_ready.wait(timeout=10)
        return _import_through_the_api(team_a, committed_account)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = [pool.submit(on_own_connection, import_together) for _ in range(2)]
        results = sorted(answer.result(timeout=30)[1]["imported"] for answer in answers)

    assert results == [0, 3]
    assert _lines(team_a, committed_account) == 3

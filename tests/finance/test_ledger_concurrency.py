"""Two people marking the same account paid at the same moment record one payment.

Each side runs in a thread of its own (its own connection) and commits for real, through the
account's access function as the API and the pages do; the account is committed first and
everything is removed at the end."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.core.exceptions import DomainError
from modules.events.models import AuditEntry, Event
from modules.finance import access, services
from modules.finance.models import Account, Payment
from tests.conftest import on_own_connection


def _in_alpha(team, function):
    def run():
        with tenant_context(team.tenant):
            return function()

    return on_own_connection(run)


@pytest.fixture
def committed_account(team_a):
    started = timezone.now()
    account = _in_alpha(team_a, lambda: services.account_create(
        actor=team_a.admin, type="receivable", amount=Decimal("300.00"), currency="USD", due_date=date(2099, 1, 1),
        description="Race",
    ))
    yield account

    def clean():
        Account.objects.filter(pk=account.pk).delete()  # its payments go with it
        Event.objects.filter(occurred_at__gte=started).delete()
        AuditEntry.objects.filter(occurred_at__gte=started).delete()

    _in_alpha(team_a, clean)


def test_the_second_mark_paid_waits_for_the_first_and_is_refused(team_a, committed_account):
    first_applied, may_commit = threading.Event(), threading.Event()

    def mark_paid(actor):
        account = access.access_account(actor, committed_account.pk, for_write=True)
        services.account_mark_paid(actor=actor, account=account, payment_method="pix")

    def mark_paid_and_hold():
        with transaction.atomic():
            mark_paid(team_a.admin)
            first_applied.set()
            may_commit.wait(timeout=10)

    def mark_paid_again():
        try:
            with transaction.atomic():
                mark_paid(team_a.manager)
            return "paid"
        except DomainError as error:
            return error.message

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(_in_alpha, team_a, mark_paid_and_hold)
        assert first_applied.wait(timeout=10)
        second = pool.submit(_in_alpha, team_a, mark_paid_again)
        with pytest.raises(TimeoutError):
            second.result(timeout=0.5)  # it waits on the account's row lock
        may_commit.set()
        first.result(timeout=10)
        assert second.result(timeout=10) == "This account is already paid."

    payments = _in_alpha(team_a, lambda: list(Payment.objects.filter(account_id=committed_account.pk)
                                             .values_list("amount", flat=True)))
    assert payments == [Decimal("300.00")]

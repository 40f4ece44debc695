"""Two admins demoting each other at the same moment still leave the workspace an admin.

Each side runs in its own thread, so on its own database connection, and commits for real; the
test's own (rolled back) transaction never holds the rows."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from modules.accounts import services
from modules.accounts.models import Role, User
from modules.accounts.signup import tenant_signup
from modules.core.exceptions import DomainError
from modules.tenancy.models import Tenant
from tests.conftest import PASSWORD, on_own_connection


def create_team():
    signup = tenant_signup(
        name="Race Co", subdomain="race-co", plan="starter", admin_name="Ana",
        admin_email="ana@race.example.com", admin_password=PASSWORD,
    )
    connection.set_schema_to_public()
    bruno = User.objects.create_user("bruno@race.example.com", PASSWORD, name="Bruno", tenant=signup.tenant,
                                     role=Role.ADMIN)
    return signup.admin, bruno


def remove_team(tenant_id):
    User.objects.filter(tenant_id=tenant_id).delete()
    Tenant.objects.get(pk=tenant_id).delete(force_drop=True)


@pytest.fixture
def committed_team(db, settings):
    # This signup commits for real: its eager pool refill would migrate a new spare schema on the
    # spot, which on a busy machine outlasts on_own_connection's 30 s and leaves the team behind.
    settings.SPARE_SCHEMA_AUTO_REPLENISH = False
    ana, bruno = on_own_connection(create_team)
    yield ana, bruno
    on_own_connection(remove_team, ana.tenant_id)


def test_the_second_demotion_waits_for_the_first_and_is_refused(committed_team):
    ana, bruno = committed_team
    first_applied, may_commit = threading.Event(), threading.Event()

    def ana_demotes_bruno_then_holds():
        with transaction.atomic():
            services.user_change_role(actor=ana, user=bruno, role=Role.USER)
            first_applied.set()
            may_commit.wait(timeout=10)

    def bruno_demotes_ana():
        try:
            services.user_change_role(actor=bruno, user=ana, role=Role.USER)
            return "demoted"
        except DomainError as error:
            return error.message

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(on_own_connection, ana_demotes_bruno_then_holds)
        assert first_applied.wait(timeout=10)
        second = pool.submit(on_own_connection, bruno_demotes_ana)
        with pytest.raises(TimeoutError):
            second.result(timeout=0.5)  # it must wait for the first change to commit
        may_commit.set()
        first.result(timeout=10)

        assert second.result(timeout=10) == "A workspace needs at least one active admin."

    roles = on_own_connection(
        lambda: dict(User.objects.filter(pk__in=[ana.pk, bruno.pk]).values_list("email", "role"))
    )
    assert roles == {"ana@race.example.com": "admin", "bruno@race.example.com": "user"}

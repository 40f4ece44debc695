"""The team and workspace services that lock rows (select_for_update) or mail on commit open the
transaction they need.

pytest-django runs each test inside a transaction, which hides a missing `transaction.atomic`
(tests/crm/test_own_transactions.py tells how the bulk status change hid there). Each call here
runs on a connection of its own, in autocommit as a request's would, and commits for real; the
session's teams are put back as they were at the end instead of flushed away."""

import pytest
from django.core import mail

from modules.accounts import services as accounts
from modules.accounts.models import Role, User
from modules.core.exceptions import DomainError
from modules.tenancy import services as tenancy
from modules.tenancy.models import CompanyProfile, Tenant
from tests.conftest import on_own_connection

INVITED = "convidada@alpha.example.com"


@pytest.fixture
def committed(team_a, team_b):
    """What these tests change in the session's teams, put back afterwards."""
    teams = User.objects.filter(tenant__in=[team_a.tenant, team_b.tenant])
    kept_users = list(teams.values_list("pk", "role", "is_active"))
    kept_city = CompanyProfile.objects.get(tenant=team_a.tenant).city
    yield

    def restore():
        User.objects.filter(email=INVITED).delete()
        for pk, role, is_active in kept_users:
            User.objects.filter(pk=pk).update(role=role, is_active=is_active)
        Tenant.objects.filter(pk__in=[team_a.tenant.pk, team_b.tenant.pk]).update(is_active=True)
        CompanyProfile.objects.filter(tenant=team_a.tenant).update(city=kept_city)

    on_own_connection(restore)


def test_an_invitation_commits_and_mails_once_committed(committed, team_a):
    invited = on_own_connection(lambda: accounts.user_invite(
        actor=team_a.admin, email=INVITED, name="Convidada", role=Role.USER,
    ))

    assert on_own_connection(lambda: User.objects.filter(pk=invited.pk, tenant=team_a.tenant).exists())
    assert [message.to for message in mail.outbox] == [[INVITED]]


def test_an_admins_edit_of_a_teammate_commits_whole(committed, team_a):
    member = on_own_connection(lambda: accounts.member_update(
        actor=team_a.admin, user=team_a.manager, role=Role.USER, is_active=False,
    ))
    assert (member.role, member.is_active) == (Role.USER, False)

    member = on_own_connection(lambda: accounts.member_update(actor=team_a.admin, user=member, is_active=True))

    stored = on_own_connection(lambda: User.objects.get(pk=team_a.manager.pk))
    assert (stored.role, stored.is_active) == (Role.USER, True)


def test_an_admins_edit_refused_halfway_leaves_nothing_changed(committed, team_a):
    """Demoting oneself applies, deactivating oneself is refused: the demotion must not stay."""
    on_own_connection(lambda: accounts.user_change_role(actor=team_a.admin, user=team_a.manager, role=Role.ADMIN))

    with pytest.raises(DomainError):
        on_own_connection(lambda: accounts.member_update(
            actor=team_a.manager, user=team_a.manager, role=Role.USER, is_active=False,
        ))

    stored = on_own_connection(lambda: User.objects.get(pk=team_a.manager.pk))
    assert (stored.role, stored.is_active) == (Role.ADMIN, True)


def test_deactivating_and_reactivating_a_user_commit(committed, team_a):
    on_own_connection(lambda: accounts.user_deactivate(actor=team_a.admin, user=team_a.user))
    assert on_own_connection(lambda: User.objects.get(pk=team_a.user.pk).is_active) is False

    on_own_connection(lambda: accounts.user_reactivate(actor=team_a.admin, user=team_a.user))
    assert on_own_connection(lambda: User.objects.get(pk=team_a.user.pk).is_active) is True


def test_suspending_a_workspace_commits(committed, team_a, team_b):
    on_own_connection(lambda: tenancy.tenant_set_active(actor=team_a.admin, tenant=team_b.tenant, active=False))

    assert on_own_connection(lambda: Tenant.objects.get(pk=team_b.tenant.pk).is_active) is False


def test_a_company_profile_change_commits(committed, team_a):
    on_own_connection(lambda: tenancy.company_profile_update(
        actor=team_a.admin, tenant=team_a.tenant, changes={"city": "Campinas"},
    ))

    assert on_own_connection(lambda: CompanyProfile.objects.get(tenant=team_a.tenant).city) == "Campinas"

"""A plan's user limit: inviting or reactivating past it is a 403 naming the plan that has
room, in the API and on the team page, and writes nothing. team_b is on Starter (3 users) and
has 3 active ones; team_a is on Professional (15)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from modules.accounts import services
from modules.accounts.models import User
from modules.core.exceptions import DomainError
from modules.tenancy.models import Tenant
from tests.conftest import on_own_connection

USERS = "/api/v1/users/"
FULL = "Your Starter plan includes 3 active users. Upgrade to the Professional plan to add more."
HTMX = {"HTTP_HX_REQUEST": "true"}


def invitation(email="nora@beta.example.com") -> dict:
    return {"email": email, "name": "Nora New", "role": "user", "language": "en"}


def test_the_api_refuses_an_invitation_past_the_plans_users(api, team_b):
    response = api(user=team_b.admin, language="pt-br").post(USERS, invitation())

    assert response.status_code == 403
    assert response.json() == {"detail": (
        "Seu plano Inicial inclui 3 usuários ativos. Faça upgrade para o plano Profissional para adicionar mais."
    )}
    assert not User.objects.filter(email="nora@beta.example.com").exists()


def test_a_freed_seat_can_be_used_once_and_reactivating_past_the_limit_is_refused(api, team_b):
    admin = api(user=team_b.admin)
    assert admin.delete(f"{USERS}{team_b.user.pk}/").status_code == 204

    invited = admin.post(USERS, invitation())
    second = admin.post(USERS, invitation("omar@beta.example.com"))
    reactivated = admin.patch(f"{USERS}{team_b.user.pk}/", {"is_active": True, "name": "Renamed"})

    assert invited.status_code == 201
    assert second.status_code == reactivated.status_code == 403
    assert reactivated.json() == {"detail": FULL}
    user = User.objects.get(pk=team_b.user.pk)
    assert (user.is_active, user.name) == (False, team_b.user.name)  # nothing of the edit applied
    assert User.objects.filter(tenant=team_b.tenant, is_active=True).count() == 3


def test_the_team_page_refuses_an_invitation_past_the_plans_users(client, team_b):
    client.force_login(team_b.admin)

    response = client.post("/settings/team/invite/", invitation(), HTTP_HOST=team_b.host, **HTMX)

    assert response.status_code == 403
    assert FULL in response.content.decode()
    assert not User.objects.filter(email="nora@beta.example.com").exists()


def test_the_team_page_refuses_a_reactivation_past_the_plans_users(client, team_b):
    services.user_deactivate(actor=team_b.admin, user=team_b.user)
    services.user_invite(actor=team_b.admin, **invitation())
    client.force_login(team_b.admin)

    response = client.post(f"/settings/team/{team_b.user.pk}/", {"is_active": "true"}, HTTP_HOST=team_b.host, **HTMX)

    assert response.status_code == 403
    assert FULL in response.content.decode()
    assert User.objects.get(pk=team_b.user.pk).is_active is False


def test_an_unlimited_plan_invites_without_counting(api, team_a):
    Tenant.objects.filter(pk=team_a.tenant.pk).update(plan="enterprise")
    admin = api(user=team_a.admin)

    assert all(admin.post(USERS, invitation(f"p{n}@alpha.example.com")).status_code == 201 for n in range(14))


# --- Two invitations for the last seat ---------------------------------------------------------


@pytest.fixture
def last_seat(team_b):
    """team_b with one seat free, committed (each side runs on its own connection and commits
    for real); put back as it was afterwards."""
    on_own_connection(lambda: User.objects.filter(pk=team_b.user.pk).update(is_active=False))
    yield team_b
    on_own_connection(lambda: User.objects.filter(email__endswith="@seat.example.com").delete())
    on_own_connection(lambda: User.objects.filter(pk=team_b.user.pk).update(is_active=True))


def test_two_invitations_for_the_last_seat_do_not_both_pass(last_seat):
    first_invited, may_commit = threading.Event(), threading.Event()

    def invite_then_hold():
        with transaction.atomic():
            services.user_invite(actor=last_seat.admin, **invitation("one@seat.example.com"))
            first_invited.set()
            may_commit.wait(timeout=10)

    def invite():
        try:
            services.user_invite(actor=last_seat.admin, **invitation("two@seat.example.com"))
            return "invited"
        except PermissionDenied as refusal:
            return str(refusal)

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(on_own_connection, invite_then_hold)
        assert first_invited.wait(timeout=10)
        second = pool.submit(on_own_connection, invite)
        with pytest.raises(TimeoutError):
            second.result(timeout=0.5)  # it waits for the first to commit
        may_commit.set()
        first.result(timeout=10)

        assert second.result(timeout=10) == FULL

    invited = on_own_connection(
        lambda: list(User.objects.filter(email__endswith="@seat.example.com").values_list("email", flat=True))
    )
    assert invited == ["one@seat.example.com"]


def test_two_workspaces_inviting_one_address_at_once_get_one_invitation_and_a_clear_refusal(team_a, team_b):
    """The tenant lock serializes one workspace; across workspaces the unique index decides,
    and the loser hears the usual answer instead of a 500."""
    first_invited, may_commit = threading.Event(), threading.Event()
    email = "both@seat.example.com"

    def alpha_invites_then_holds():
        with transaction.atomic():
            services.user_invite(actor=team_a.admin, **invitation(email))
            first_invited.set()
            may_commit.wait(timeout=10)

    def beta_invites():
        try:
            services.user_invite(actor=team_b.admin, **invitation(email))
            return "invited"
        except DomainError as error:
            return error.message

    on_own_connection(lambda: User.objects.filter(pk=team_b.user.pk).update(is_active=False))  # a free seat
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            first = pool.submit(on_own_connection, alpha_invites_then_holds)
            assert first_invited.wait(timeout=10)
            second = pool.submit(on_own_connection, beta_invites)
            with pytest.raises(TimeoutError):
                second.result(timeout=0.5)  # the index makes it wait for the first
            may_commit.set()
            first.result(timeout=10)

            assert second.result(timeout=10) == "A user with this email already exists."
    finally:
        on_own_connection(lambda: User.objects.filter(email=email).delete())
        on_own_connection(lambda: User.objects.filter(pk=team_b.user.pk).update(is_active=True))

"""/api/v1/users/: admins manage their team; managers look; users and outsiders cannot."""

import pytest

from modules.accounts.models import Role, User

USERS = "/api/v1/users/"


def test_an_admin_lists_only_their_own_team(api, team_a, team_b):
    response = api(user=team_a.admin).get(USERS)

    assert response.status_code == 200
    emails = [row["email"] for row in response.json()["results"]]
    assert sorted(emails) == sorted([team_a.admin.email, team_a.manager.email, team_a.user.email])
    assert response.json()["count"] == 3


def test_a_manager_may_list_but_not_change(api, team_a):
    client = api(user=team_a.manager)

    assert client.get(USERS).status_code == 200
    response = client.patch(f"{USERS}{team_a.user.id}/", {"role": "admin"})
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert User.objects.get(pk=team_a.user.pk).role == Role.USER


def test_a_plain_user_cannot_see_the_team(api, team_a):
    response = api(user=team_a.user).get(USERS)

    assert response.status_code == 403


def test_an_admin_invites_a_teammate_who_gets_a_link(api, team_a, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(user=team_a.admin).post(USERS, {"email": "New@Alpha.example.com", "name": "New Person",
                                                       "role": "manager"})

    assert response.status_code == 201
    assert response.json()["email"] == "new@alpha.example.com"
    assert response.json()["role"] == "manager"
    invited = User.objects.get(email="new@alpha.example.com")
    assert invited.tenant == team_a.tenant
    assert not invited.has_usable_password()
    assert mailoutbox[0].to == ["new@alpha.example.com"]
    assert "http://alpha.localhost:8000/invitation/" in mailoutbox[0].body


def test_inviting_an_existing_email_is_refused(api, team_a, team_b):
    response = api(user=team_a.admin).post(USERS, {"email": team_b.user.email, "name": "Dup"})

    assert response.status_code == 400
    assert response.json() == {"email": ["A user with this email already exists."]}


def test_an_admin_changes_a_role(api, team_a):
    response = api(user=team_a.admin).patch(f"{USERS}{team_a.user.id}/", {"role": "manager"})

    assert response.status_code == 200
    assert response.json()["role"] == "manager"
    assert User.objects.get(pk=team_a.user.pk).role == Role.MANAGER


def test_the_last_admin_cannot_be_demoted(api, team_a):
    response = api(user=team_a.admin).patch(f"{USERS}{team_a.admin.id}/", {"role": "user"})

    assert response.status_code == 400
    assert response.json() == {"role": ["A workspace needs at least one active admin."]}
    assert User.objects.get(pk=team_a.admin.pk).role == Role.ADMIN


def test_an_admin_deactivates_a_teammate_whose_tokens_then_fail(api, team_a):
    teammate = api(user=team_a.user)

    response = api(user=team_a.admin).delete(f"{USERS}{team_a.user.id}/")

    assert response.status_code == 204
    assert User.objects.get(pk=team_a.user.pk).is_active is False
    assert teammate.get("/api/v1/auth/me/").status_code == 401


def test_an_admin_cannot_deactivate_themselves(api, team_a):
    response = api(user=team_a.admin).patch(f"{USERS}{team_a.admin.id}/", {"is_active": False})

    assert response.status_code == 400
    assert User.objects.get(pk=team_a.admin.pk).is_active is True


def test_a_failed_edit_changes_nothing(api, team_a):
    """Role and deactivation in one PATCH: the second fails, so the first must not stick."""
    second_admin = User.objects.create_user("admin2@alpha.example.com", "x", name="Second", tenant=team_a.tenant,
                                            role=Role.ADMIN)

    response = api(user=second_admin).patch(f"{USERS}{second_admin.id}/", {"name": "Renamed", "is_active": False})

    assert response.status_code == 400
    assert User.objects.get(pk=second_admin.pk).name == "Second"


def test_a_step_that_fails_after_another_applied_undoes_it(api, team_a):
    """The role change is written first; the self-deactivation after it fails: neither sticks."""
    second_admin = User.objects.create_user("admin2@alpha.example.com", "x", name="Second", tenant=team_a.tenant,
                                            role=Role.ADMIN)

    response = api(user=second_admin).patch(f"{USERS}{second_admin.id}/", {"role": "manager", "is_active": False})

    assert response.status_code == 400
    assert User.objects.get(pk=second_admin.pk).role == Role.ADMIN


@pytest.mark.parametrize("method, body", [("get", None), ("patch", {"role": "admin"}), ("delete", None)])
def test_another_tenants_user_is_not_found(api, team_a, team_b, method, body):
    response = getattr(api(user=team_a.admin), method)(f"{USERS}{team_b.user.id}/", body)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    unchanged = User.objects.get(pk=team_b.user.pk)
    assert (unchanged.role, unchanged.is_active) == (Role.USER, True)


def test_another_tenants_admin_token_is_refused_on_this_host(api, team_a, team_b):
    response = api(host=team_a.host, user=team_b.admin).get(USERS)

    assert response.status_code == 401


def test_page_size_is_capped_at_200(api, team_a):
    response = api(user=team_a.admin).get(USERS, {"page_size": 1000})

    assert response.status_code == 200
    assert response.json()["next"] is None


def test_filters_accept_comma_separated_roles(api, team_a):
    response = api(user=team_a.admin).get(USERS, {"role": "admin,manager", "ordering": "-email"})

    assert [row["email"] for row in response.json()["results"]] == [team_a.manager.email, team_a.admin.email]


@pytest.mark.parametrize("field", ["password", "-password", "tenant__schema_name"])
def test_ordering_by_a_field_the_list_does_not_offer_is_refused(api, team_a, field):
    response = api(user=team_a.admin).get(USERS, {"ordering": field})

    assert response.status_code == 400
    assert list(response.json()) == ["ordering"]


def test_the_list_query_count_does_not_grow_with_page_size(api, team_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(10):
        User.objects.create_user(f"extra{n}@alpha.example.com", None, name=f"Extra {n}", tenant=team_a.tenant)
    client = api(user=team_a.admin)
    client.get(USERS)  # the first request of a workspace also caches its time zone

    with CaptureQueriesContext(connection) as small:
        assert len(client.get(USERS, {"page_size": 2}).json()["results"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(USERS, {"page_size": 13}).json()["results"]) == 13

    assert len(large) == len(small)

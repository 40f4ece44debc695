"""A token's user comes from a per-process snapshot: deactivating a user, changing their password
or their role still counts on the very next request, in every process. A token whose signature
a process has checked still expires."""

from datetime import timedelta

from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import aware_utcnow

from modules.accounts import authentication
from modules.accounts.models import Role, User
from modules.accounts.selectors import user_version_of_bearer
from modules.accounts.services import password_reset_confirm, password_reset_link, user_change_role, user_deactivate
from modules.accounts.tokens import tokens_for_user
from modules.core import snapshots
from tests.conftest import in_another_process

ME = "/api/v1/auth/me/"
USERS = "/api/v1/users/"


def test_a_deactivated_user_is_refused_at_once_in_every_process(api, team_a):
    client = api(host=team_a.host, user=team_a.user)
    assert client.get(ME).status_code == 200  # this process now keeps the user

    with in_another_process():
        user_deactivate(actor=team_a.admin, user=team_a.user)

    assert client.get(ME).status_code == 401
    assert api(user=team_a.user).get(ME).status_code == 401  # on the API host too


def test_a_new_password_revokes_older_tokens_at_once(api, team_a):
    client = api(host=team_a.host, user=team_a.user)
    assert client.get(ME).status_code == 200

    with in_another_process():
        uid, token, _ = password_reset_link(team_a.user)
        password_reset_confirm(uid=uid, token=token, new_password="Another-Horse-43")

    assert client.get(ME).status_code == 401


def test_a_role_change_counts_at_once(api, team_a):
    manager, user = api(host=team_a.host, user=team_a.manager), api(host=team_a.host, user=team_a.user)
    assert manager.get(USERS).status_code == 200
    assert user.get(USERS).status_code == 403

    with in_another_process():
        user_change_role(actor=team_a.admin, user=team_a.manager, role=Role.USER)
        user_change_role(actor=team_a.admin, user=team_a.user, role=Role.MANAGER)

    assert manager.get(USERS).status_code == 403
    assert user.get(USERS).status_code == 200
    assert user.get(ME).json()["role"] == "manager"


def test_a_deleted_user_is_refused_at_once(api, team_a):
    client = api(host=team_a.host, user=team_a.user)
    assert client.get(ME).status_code == 200

    with in_another_process():
        type(team_a.user).objects.get(pk=team_a.user.pk).delete()

    assert client.get(ME).status_code == 401


def test_an_api_request_reads_its_tenant_and_user_versions_in_one_round_trip(api, team_a, monkeypatch):
    client = api(host=team_a.host, user=team_a.user)
    client.get(ME)
    reads = []
    real = snapshots.cache.get_many
    monkeypatch.setattr(snapshots.cache, "get_many", lambda keys: reads.append(keys) or real(keys))

    assert client.get(ME).status_code == 200
    assert len(reads) == 1


def test_the_guess_at_a_tokens_user_is_the_key_a_save_moves(team_a):
    access = tokens_for_user(team_a.user)["access"]

    assert user_version_of_bearer({"HTTP_AUTHORIZATION": f"Bearer {access}"}) == [f"accounts:user:{team_a.user.pk}"]
    assert user_version_of_bearer({"HTTP_AUTHORIZATION": "Bearer not.a.token"}) == []
    assert user_version_of_bearer({"HTTP_AUTHORIZATION": "Basic dXNlcjpwdw=="}) == []
    assert user_version_of_bearer({}) == []


def test_a_token_verified_before_still_expires(api, team_a, monkeypatch):
    client = api(host=team_a.host, user=team_a.user)
    assert client.get(ME).status_code == 200  # this process has now checked its signature
    later = aware_utcnow() + api_settings.ACCESS_TOKEN_LIFETIME + timedelta(seconds=1)
    monkeypatch.setattr(authentication, "aware_utcnow", lambda: later)

    response = client.get(ME)

    assert response.status_code == 401
    assert response.json() == {"detail": "Token is invalid or expired"}


def test_a_bulk_deactivation_is_refused_at_once(api, team_a):
    """QuerySet.update() sends no signal of its own: the snapshot must not miss it."""
    client = api(host=team_a.host, user=team_a.user)
    assert client.get(ME).status_code == 200

    with in_another_process():
        User.objects.filter(pk=team_a.user.pk).update(is_active=False)

    assert client.get(ME).status_code == 401

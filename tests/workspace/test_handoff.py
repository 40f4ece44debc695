"""The one-time sign-in handoff from signup on the marketing site to the new workspace."""

import time
from urllib.parse import urlsplit

from django.core import signing
from django.test import Client

from modules.workspace.handoff import SALT, handoff_payload, handoff_token_make
from tests.conftest import PASSWORD, PUBLIC_HOST


def sign_up(client) -> str:
    """Sign Newco up on the marketing site; returns the handoff path and query it redirects to."""
    response = client.post(
        "/signup/",
        {
            "name": "Newco",
            "subdomain": "newco",
            "plan": "starter",
            "admin_name": "Nina Newco",
            "email": "nina@newco.example.com",
            "password": PASSWORD,
        },
        HTTP_HOST=PUBLIC_HOST,
    )
    location = urlsplit(response["Location"])
    assert location.netloc == "newco.localhost:8000"
    return f"{location.path}?{location.query}"


def test_it_lands_the_new_admin_signed_in_on_the_dashboard(client, db):
    handoff = sign_up(client)

    response = client.get(handoff, HTTP_HOST="newco.localhost")

    assert response.status_code == 302
    assert response["Location"] == "/"
    dashboard = client.get("/", HTTP_HOST="newco.localhost")
    assert dashboard.status_code == 200
    assert "Welcome, Nina" in dashboard.content.decode()
    assert dashboard.context["user"].email == "nina@newco.example.com"


def test_it_cannot_be_used_twice(client, db):
    handoff = sign_up(client)
    client.get(handoff, HTTP_HOST="newco.localhost")

    replay = Client()
    response = replay.get(handoff, HTTP_HOST="newco.localhost")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in replay.session


def test_it_is_refused_on_another_tenants_host(client, team_a, team_b):
    token = handoff_token_make(team_a.admin)

    response = client.get(f"/auth/handoff/?token={token}", HTTP_HOST=team_b.host)

    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def token_made_seconds_ago(user, seconds: int) -> str:
    class Backdated(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - seconds)

    return Backdated(salt=SALT).sign_object({**handoff_payload(user), "tenant": user.tenant_id}, compress=True)


def test_it_still_works_after_one_minute(client, team_a):
    client.get(f"/auth/handoff/?token={token_made_seconds_ago(team_a.admin, 60)}", HTTP_HOST=team_a.host)

    assert client.session["_auth_user_id"] == str(team_a.admin.pk)


def test_it_expires_after_two_minutes(client, team_a):
    token = token_made_seconds_ago(team_a.admin, 121)

    response = client.get(f"/auth/handoff/?token={token}", HTTP_HOST=team_a.host)

    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_token_signed_for_something_else(client, team_a):
    token = signing.dumps({"user": team_a.admin.pk, "last_login": None}, salt="another.purpose")

    client.get(f"/auth/handoff/?token={token}", HTTP_HOST=team_a.host)

    assert "_auth_user_id" not in client.session


def test_it_says_the_link_expired_on_the_sign_in_page(client, team_a):
    response = client.get("/auth/handoff/?token=garbage", HTTP_HOST=team_a.host, follow=True)

    assert "This sign-in link has expired or was already used. Please sign in." in response.content.decode()


def test_a_token_signed_with_the_key_alone_is_refused(client, team_a):
    """Whoever knows SECRET_KEY (the repository's fallback was public) could sign the old token,
    which held only the user id and an empty last login: it proves nothing about the user."""
    assert team_a.user.last_login is None
    forged = signing.dumps({"user": team_a.user.pk, "last_login": None}, salt=SALT, compress=True)

    response = client.get(f"/auth/handoff/?token={forged}", HTTP_HOST=team_a.host)

    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_a_password_change_voids_a_token(client, team_a):
    token = handoff_token_make(team_a.admin)
    team_a.admin.set_password("Another-Horse-43")
    team_a.admin.save(update_fields=["password"])

    client.get(f"/auth/handoff/?token={token}", HTTP_HOST=team_a.host)

    assert "_auth_user_id" not in client.session


def test_a_token_is_spent_by_its_first_use_even_without_a_sign_in(team_a):
    from modules.workspace.handoff import handoff_user

    token = handoff_token_make(team_a.user)

    assert handoff_user(token=token, tenant=team_a.tenant) == team_a.user
    assert handoff_user(token=token, tenant=team_a.tenant) is None

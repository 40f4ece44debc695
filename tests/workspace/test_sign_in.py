"""Signing in and out of a workspace (allauth), bound to the workspace's own tenant."""

import pytest

from tests.conftest import PASSWORD


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_it_shows_the_sign_in_page_with_the_company_name(client, team_a):
    response = client.get("/accounts/login/", HTTP_HOST=team_a.host)

    assert response.status_code == 200
    page = response.content.decode()
    assert "to the Alpha Industries workspace" in page
    assert 'name="login"' in page and 'name="password"' in page
    assert 'href="/password/reset/"' in page


def test_it_signs_a_member_in_with_email_and_password(client, team_a):
    response = client.post(
        "/accounts/login/",
        {"login": "Manager@Alpha.example.com", "password": PASSWORD},
        HTTP_HOST=team_a.host,
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == str(team_a.manager.pk)


def test_it_returns_to_the_page_asked_for_after_signing_in(client, team_a):
    response = client.post(
        "/accounts/login/?next=/crm/",
        {"login": team_a.user.email, "password": PASSWORD, "next": "/crm/"},
        HTTP_HOST=team_a.host,
    )

    assert response["Location"] == "/crm/"


def test_it_refuses_a_wrong_password(client, team_a):
    response = client.post(
        "/accounts/login/", {"login": team_a.user.email, "password": "wrong"}, HTTP_HOST=team_a.host
    )

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert signed_in_user_id(client) is None


def test_it_refuses_a_member_of_another_tenant(client, team_a, team_b):
    response = client.post(
        "/accounts/login/", {"login": team_b.admin.email, "password": PASSWORD}, HTTP_HOST=team_a.host
    )

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert signed_in_user_id(client) is None


def test_it_does_not_honour_a_session_of_tenant_a_on_tenant_b(client, team_a, team_b):
    client.force_login(team_a.admin)

    response = client.get("/", HTTP_HOST=team_b.host)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/crm/",
        "/finance/",
        "/invoicing/",
        "/inventory/",
        "/projects/",
        "/integrations/",
        "/analytics/",
        "/webhooks/",
        "/settings/",
        "/settings/profile/",
        "/settings/team/",
    ],
)
def test_it_asks_for_sign_in_on_every_workspace_page(client, team_a, path):
    response = client.get(path, HTTP_HOST=team_a.host)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_it_signs_out(client, team_a):
    client.force_login(team_a.user)

    response = client.post("/accounts/logout/", HTTP_HOST=team_a.host)

    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert client.get("/", HTTP_HOST=team_a.host).status_code == 302


def test_it_has_no_self_signup_in_a_workspace(client, team_a):
    assert client.get("/accounts/signup/", HTTP_HOST=team_a.host).status_code == 404


def test_it_answers_too_many_sign_in_attempts_with_our_429_page(client, team_a):
    for _ in range(30):
        client.post(
            "/accounts/login/", {"login": "x@example.com", "password": "wrong"}, HTTP_HOST=team_a.host
        )

    response = client.post(
        "/accounts/login/", {"login": "x@example.com", "password": "wrong"}, HTTP_HOST=team_a.host
    )

    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()

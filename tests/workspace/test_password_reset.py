"""Forgot password → email → choose a new one, on the user's own workspace."""

import re

import pytest

from modules.accounts.models import User
from modules.accounts.services import password_reset_link
from tests.conftest import PASSWORD

NEW_PASSWORD = "Battery-Staple-77"


@pytest.fixture
def request_reset(client, django_capture_on_commit_callbacks):
    def post(host: str, email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/password/reset/", {"email": email}, HTTP_HOST=host)

    return post


def test_it_shows_the_forgot_password_page(client, team_a):
    response = client.get("/password/reset/", HTTP_HOST=team_a.host)

    assert response.status_code == 200
    assert "Forgot your password?" in response.content.decode()


def test_it_mails_a_reset_link_to_the_users_workspace(request_reset, team_a, mailoutbox):
    response = request_reset(team_a.host, "User@Alpha.example.com")

    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent/"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["user@alpha.example.com"]
    assert mail.subject == "Reset your password for Alpha Industries on Innexar"
    assert re.search(r"^http://alpha\.localhost:8000/password/reset/[^/]+/[^/]+/$", mail.body, re.MULTILINE)
    assert mail.body.startswith("Hello Alpha,\n")


def test_it_answers_the_same_for_an_unknown_address_and_sends_nothing(request_reset, team_a, mailoutbox):
    response = request_reset(team_a.host, "nobody@example.com")

    assert response["Location"] == "/password/reset/sent/"
    assert mailoutbox == []


def test_it_says_to_check_the_email(client, team_a):
    page = client.get("/password/reset/sent/", HTTP_HOST=team_a.host).content.decode()

    assert "Check your email" in page


def test_it_sets_the_new_password_from_the_emailed_link(client, request_reset, team_a, mailoutbox):
    request_reset(team_a.host, team_a.user.email)
    path = re.search(r"http://alpha\.localhost:8000(/password/reset/\S+/)", mailoutbox[0].body).group(1)

    page = client.get(path, HTTP_HOST=team_a.host)
    response = client.post(
        path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, HTTP_HOST=team_a.host
    )

    assert page.status_code == 200
    assert "user@alpha.example.com" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert User.objects.get(pk=team_a.user.pk).check_password(NEW_PASSWORD)
    signed_in = client.post(
        "/accounts/login/", {"login": team_a.user.email, "password": NEW_PASSWORD}, HTTP_HOST=team_a.host
    )
    assert signed_in["Location"] == "/"


def test_it_refuses_a_used_link(client, team_a):
    uid, token, _ = password_reset_link(team_a.user)
    path = f"/password/reset/{uid}/{token}/"
    client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, HTTP_HOST=team_a.host)

    response = client.get(path, HTTP_HOST=team_a.host)

    assert response.status_code == 400
    assert "This password reset link is invalid or has expired." in response.content.decode()


def test_it_refuses_a_link_on_another_tenants_host(client, team_a, team_b):
    uid, token, _ = password_reset_link(team_a.user)

    response = client.post(
        f"/password/reset/{uid}/{token}/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        HTTP_HOST=team_b.host,
    )

    assert response.status_code == 400
    assert User.objects.get(pk=team_a.user.pk).check_password(PASSWORD)


def test_it_refuses_two_different_passwords(client, team_a):
    uid, token, _ = password_reset_link(team_a.user)

    response = client.post(
        f"/password/reset/{uid}/{token}/",
        {"new_password1": NEW_PASSWORD, "new_password2": "Other-Pass-88"},
        HTTP_HOST=team_a.host,
    )

    assert response.status_code == 422
    assert response.context["form"].errors == {"new_password2": ["The two passwords do not match."]}


def test_it_shows_the_password_validators_reasons(client, team_a):
    uid, token, _ = password_reset_link(team_a.user)

    response = client.post(
        f"/password/reset/{uid}/{token}/",
        {"new_password1": "short", "new_password2": "short"},
        HTTP_HOST=team_a.host,
    )

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "new_password1": ["This password is too short. It must contain at least 8 characters."]
    }
    assert User.objects.get(pk=team_a.user.pk).check_password(PASSWORD)


def test_it_limits_reset_requests_per_account(request_reset, team_a, mailoutbox):
    for _ in range(5):
        request_reset(team_a.host, team_a.user.email)

    response = request_reset(team_a.host, team_a.user.email)

    assert response.status_code == 429
    assert len(mailoutbox) == 5

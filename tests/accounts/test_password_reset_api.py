"""Password reset: one answer for every address, single-use expiring links, tenant-bound."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from modules.accounts.models import User
from tests.conftest import PASSWORD

RESET = "/api/v1/public/auth/password/reset/"
CONFIRM = "/api/v1/public/auth/password/reset/confirm/"
LOGIN = "/api/v1/public/auth/login/"
NEW_PASSWORD = "Nova-Senha@2026"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def link_parts(message) -> tuple[str, str]:
    match = re.search(r"/password/reset/([^/]+)/([^/]+)/", message.body)
    return match.group(1), match.group(2)


def test_it_mails_a_link_to_the_users_workspace(api, team_a, mailoutbox, commit):
    with commit():
        response = api().post(RESET, {"email": team_a.user.email})

    assert response.status_code == 200
    assert response.json() == {"detail": "Password reset email sent"}
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [team_a.user.email]
    assert "http://alpha.localhost:8000/password/reset/" in mailoutbox[0].body


def test_unknown_addresses_get_the_same_answer_and_no_mail(api, db, mailoutbox, commit):
    with commit():
        response = api().post(RESET, {"email": "ghost@example.com"})

    assert response.status_code == 200
    assert response.json() == {"detail": "Password reset email sent"}
    assert mailoutbox == []


def test_inactive_users_get_no_mail(api, team_a, mailoutbox, commit):
    team_a.user.is_active = False
    team_a.user.save()

    with commit():
        api().post(RESET, {"email": team_a.user.email})

    assert mailoutbox == []


def test_the_link_sets_a_new_password_once(api, team_a, mailoutbox, commit):
    with commit():
        api().post(RESET, {"email": team_a.user.email})
    uid, token = link_parts(mailoutbox[0])

    first = api().post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD})
    second = api().post(CONFIRM, {"uid": uid, "token": token, "new_password": "Outra-Senha@2027"})

    assert first.status_code == 200
    assert first.json() == {"detail": "Password reset successful"}
    assert second.status_code == 400
    assert second.json() == {"token": ["This password reset link is invalid or has expired."]}
    assert api().post(LOGIN, {"email": team_a.user.email, "password": NEW_PASSWORD}).status_code == 200
    assert api().post(LOGIN, {"email": team_a.user.email, "password": PASSWORD}).status_code == 401


def test_an_expired_link_is_refused(api, team_a, settings):
    uid = urlsafe_base64_encode(force_bytes(team_a.user.pk))
    token = default_token_generator.make_token(team_a.user)
    settings.PASSWORD_RESET_TIMEOUT = -1

    response = api().post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD})

    assert response.status_code == 400
    assert User.objects.get(pk=team_a.user.pk).check_password(PASSWORD)


def test_a_weak_new_password_is_refused_and_the_link_still_works(api, team_a):
    uid = urlsafe_base64_encode(force_bytes(team_a.user.pk))
    token = default_token_generator.make_token(team_a.user)

    weak = api().post(CONFIRM, {"uid": uid, "token": token, "new_password": "123"})
    strong = api().post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD})

    assert weak.status_code == 400
    assert list(weak.json()) == ["new_password"]
    assert strong.status_code == 200


def test_a_made_up_uid_or_token_is_refused(api, team_a):
    uid = urlsafe_base64_encode(force_bytes(team_a.user.pk))

    for body in ({"uid": uid, "token": "abc123-def456"}, {"uid": "MQ", "token": "x"}, {"uid": "!!", "token": "x"}):
        response = api().post(CONFIRM, {**body, "new_password": NEW_PASSWORD})
        assert response.status_code == 400
        assert list(response.json()) == ["token"]


def test_a_reset_revokes_tokens_issued_before_it(api, team_a):
    client = api(user=team_a.user)
    uid = urlsafe_base64_encode(force_bytes(team_a.user.pk))
    token = default_token_generator.make_token(team_a.user)

    api().post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD})

    assert client.get("/api/v1/auth/me/").status_code == 401


def test_the_reset_mail_is_in_the_users_language(api, team_a, mailoutbox, commit):
    team_a.user.language = "pt-br"
    team_a.user.save()

    with commit():
        api().post(RESET, {"email": team_a.user.email})

    assert "senha" in mailoutbox[0].subject.lower()

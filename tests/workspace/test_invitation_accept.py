"""An invitee follows the mailed link: welcomed by name and company, chooses a password, and is
in the workspace at once; the link works once, and only on its own workspace's host."""

import re

import pytest

from modules.accounts.models import User
from modules.accounts.services import password_reset_link, user_invite

PASSWORD = "Pão-de-Queijo-2026"


@pytest.fixture
def invited(team_a, mailoutbox, django_capture_on_commit_callbacks):
    """Nora, invited by Alpha's admin in Portuguese, and the path her mail links to."""
    with django_capture_on_commit_callbacks(execute=True):
        nora = user_invite(
            actor=team_a.admin, email="nora@alpha.example.com", name="Nora Nova", role="user", language="pt-br"
        )
    path = re.search(r"http://alpha\.localhost:8000(/\S+/)$", mailoutbox[0].body, re.MULTILINE).group(1)
    return nora, path


def accept(client, host: str, path: str, password: str = PASSWORD, again: str | None = None):
    return client.post(path, {"new_password1": password, "new_password2": again or password}, HTTP_HOST=host)


def test_the_mail_links_to_the_invitation_page_not_a_password_reset(invited):
    _, path = invited

    assert path.startswith("/invitation/")


def test_it_welcomes_the_invitee_by_name_and_company_in_their_language(client, team_a, invited):
    _, path = invited

    response = client.get(path, HTTP_HOST=team_a.host, HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Bem-vindo(a), Nora — entre na Alpha Industries no Innexar" in page
    assert "nora@alpha.example.com" in page
    assert "redefinir" not in page.lower()


def test_it_welcomes_the_invitee_in_the_language_they_picked_on_the_page(client, team_a, invited):
    _, path = invited
    client.cookies["django_language"] = "en"

    page = client.get(path, HTTP_HOST=team_a.host).content.decode()

    assert "Welcome, Nora — join Alpha Industries on Innexar" in page


def test_choosing_a_password_signs_the_invitee_in_on_the_workspace(client, team_a, invited):
    nora, path = invited

    response = accept(client, team_a.host, path)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert User.objects.get(pk=nora.pk).check_password(PASSWORD)
    dashboard = client.get("/", HTTP_HOST=team_a.host)
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.user.pk == nora.pk
    assert dashboard.templates[0].name == "workspace/dashboard.html"


def test_the_link_works_once(client, team_a, invited):
    nora, path = invited
    accept(client, team_a.host, path)
    client.logout()

    page = client.get(path, HTTP_HOST=team_a.host)
    again = accept(client, team_a.host, path, password="Someone-Else-99")

    assert page.status_code == 400
    assert "This invitation link no longer works" in page.content.decode()
    assert again.status_code == 400
    assert User.objects.get(pk=nora.pk).check_password(PASSWORD)
    assert client.get("/", HTTP_HOST=team_a.host).status_code == 302  # not signed in


def test_an_expired_or_broken_link_says_what_to_do_in_the_invitees_language(client, team_a):
    response = client.get("/invitation/MTIz/abc-def/", HTTP_HOST=team_a.host, HTTP_ACCEPT_LANGUAGE="es")

    page = response.content.decode()
    assert response.status_code == 400
    assert "Este enlace de invitación ya no funciona" in page
    assert 'href="/password/reset/"' in page
    assert 'href="/accounts/login/"' in page


def test_an_invitation_for_one_workspace_is_refused_on_anothers_host(client, team_a, team_b, invited):
    nora, path = invited

    page = client.get(path, HTTP_HOST=team_b.host)
    response = accept(client, team_b.host, path)

    assert page.status_code == 400
    assert "Nora" not in page.content.decode()
    assert response.status_code == 400
    assert not User.objects.get(pk=nora.pk).has_usable_password()
    assert client.get("/", HTTP_HOST=team_b.host).status_code == 302


def test_a_password_reset_link_does_not_open_the_invitation_page(client, team_a):
    uid, token, _ = password_reset_link(team_a.user)

    response = accept(client, team_a.host, f"/invitation/{uid}/{token}/")

    assert response.status_code == 400
    assert client.get("/", HTTP_HOST=team_a.host).status_code == 302


def test_it_shows_the_password_validators_reasons_and_keeps_the_link_good(client, team_a, invited):
    nora, path = invited
    client.cookies["django_language"] = "en"

    response = accept(client, team_a.host, path, password="iloveyou")

    assert response.status_code == 422
    assert response.context["form"].errors == {"new_password1": ["This password is too common."]}
    assert not User.objects.get(pk=nora.pk).has_usable_password()
    assert accept(client, team_a.host, path).status_code == 302


def test_it_refuses_two_different_passwords(client, team_a, invited):
    nora, path = invited
    client.cookies["django_language"] = "en"

    response = accept(client, team_a.host, path, again="Other-Pass-88")

    assert response.status_code == 422
    assert response.context["form"].errors == {"new_password2": ["The two passwords do not match."]}
    assert not User.objects.get(pk=nora.pk).has_usable_password()

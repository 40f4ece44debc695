"""Every face has a language switch: Django's set_language, posted from a small form."""

import pytest

from tests.conftest import ADMIN_HOST, PUBLIC_HOST


def test_it_switches_the_marketing_site_to_the_chosen_language(client, db):
    response = client.post(
        "/i18n/setlang/", {"language": "pt-br", "next": "/pricing/"}, HTTP_HOST=PUBLIC_HOST
    )

    assert response.status_code == 302
    assert response["Location"] == "/pricing/"
    assert response.cookies["django_language"].value == "pt-br"
    page = client.get("/pricing/", HTTP_HOST=PUBLIC_HOST).content.decode()
    assert '<html lang="pt-br"' in page
    assert "US$ 79,00" in page


def test_it_switches_a_workspace_to_the_chosen_language(client, team_a):
    client.force_login(team_a.user)

    client.post("/i18n/setlang/", {"language": "es", "next": "/"}, HTTP_HOST=team_a.host)

    assert '<html lang="es"' in client.get("/", HTTP_HOST=team_a.host).content.decode()


@pytest.mark.parametrize(
    ("host", "path"), [(PUBLIC_HOST, "/"), (PUBLIC_HOST, "/signup/"), (ADMIN_HOST, "/login/")]
)
def test_it_offers_the_language_switch_on_every_public_face(client, db, host, path):
    page = client.get(path, HTTP_HOST=host).content.decode()

    assert '<form action="/i18n/setlang/" method="post" class="language-switch">' in page
    assert f'<input type="hidden" name="next" value="{path}">' in page
    assert '<option value="pt-br">Português (Brasil)</option>' in page
    assert '<option value="es">Español</option>' in page


def test_it_offers_the_language_switch_in_the_workspace(client, team_a):
    client.force_login(team_a.user)

    page = client.get("/crm/leads/", HTTP_HOST=team_a.host).content.decode()

    assert '<form action="/i18n/setlang/" method="post" class="language-switch">' in page
    assert '<input type="hidden" name="next" value="/crm/leads/">' in page
    assert '<option value="en" selected>English</option>' in page

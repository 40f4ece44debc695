"""Pages speak the visitor's language: Accept-Language, the language cookie, the user's own."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy

from modules.accounts.models import User
from modules.tenancy.plans import Feature
from modules.workspace.navigation import WorkspaceModule


@pytest.mark.parametrize("language, title", [
    ("en", "Workspace not found"),
    ("pt-BR", "Espaço de trabalho não encontrado"),
    ("es", "Espacio de trabajo no encontrado"),
])
def test_the_unknown_host_page_speaks_the_visitors_language(client, db, language, title):
    client.get("/", HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="es" if language == "en" else "en")

    response = client.get("/", HTTP_HOST="nobody.localhost", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    assert title in response.content.decode()


def test_a_signed_in_user_sees_their_own_language(client, team_a):
    User.objects.filter(pk=team_a.user.pk).update(language="pt-br")
    client.force_login(team_a.user)

    response = client.get("/", HTTP_HOST=team_a.host, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert '<html lang="pt-br"' in response.content.decode()


def test_the_language_switch_wins_over_the_users_setting(client, team_a):
    User.objects.filter(pk=team_a.user.pk).update(language="pt-br")
    client.force_login(team_a.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    response = client.get("/", HTTP_HOST=team_a.host)

    assert '<html lang="es"' in response.content.decode()


@pytest.mark.parametrize("language, heading", [("pt-BR", "Preços"), ("es", "Precios")])
def test_the_marketing_site_is_translated(client, db, language, heading):
    response = client.get("/pricing/", HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE=language)

    assert heading in response.content.decode()


@pytest.mark.parametrize("language", ["pt_BR", "es"])
def test_every_message_of_ours_is_translated(language):
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as po:
        catalog = read_po(po)

    untranslated = [
        message.id for message in catalog
        if message.id and (message.fuzzy or not all(message.string if isinstance(message.string, tuple)
                                                    else [message.string]))
    ]
    assert len(catalog) > 250
    assert untranslated == []


# A stand-in module not built yet, named as Integrations was (its words are in the catalogs):
# the placeholder page must not depend on a real module being unbuilt.
STAND_IN = WorkspaceModule(
    "stand-in", gettext_lazy("Integrations"), "puzzle-piece", Feature.INTEGRATIONS,
    gettext_lazy("Connect Innexar to the tools you already use."), (),
)


@pytest.mark.parametrize("language, text", [
    ("en", "Integrations is on its way. Here is what it will do for you:"),
    ("pt-br", "Em breve: Integrações. Veja o que você poderá fazer:"),
    ("es", "Integraciones está en camino. Esto es lo que hará por usted:"),
])
def test_a_module_placeholder_names_the_module_in_every_language(rf, team_a, language, text):
    request = rf.get("/stand-in/", HTTP_HOST=team_a.host)
    request.user, request.tenant = team_a.user, team_a.tenant

    with translation.override(language):
        page = render_to_string("workspace/module_home.html", {"module": STAND_IN}, request=request)

    assert text in page

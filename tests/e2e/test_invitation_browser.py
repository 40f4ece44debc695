"""An invitee opens the mailed link in Chromium, on a phone, chooses a password and is in the
workspace; the server commits for real, so the locked acceptance runs in its own transaction."""

import uuid

import pytest
from django.db import connection

from modules.accounts.models import Role, User
from modules.accounts.services import invitation_link
from tests.e2e.conftest import chromium

pytestmark = pytest.mark.browser

PASSWORD = "Tacos-al-Pastor-2026"


@pytest.fixture(scope="module")
def invitee(django_db_setup, django_db_blocker):
    team = django_db_setup["alpha"]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = User.objects.create_user(
            f"lupita.{uuid.uuid4().hex[:8]}@alpha.example.com", None, name="Lupita Luna",
            tenant=team.tenant, role=Role.USER, language="es",
        )
        _, _, url = invitation_link(user)
    yield {"user": user, "path": url.split(":8000", 1)[1], "host": team.host}
    with django_db_blocker.unblock():
        user.delete()


@pytest.mark.django_db
def test_an_invitee_chooses_a_password_and_lands_on_the_dashboard(server, invitee):
    from playwright.sync_api import expect

    base = f"http://{invitee['host']}:{server}"
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
        page.goto(f"{base}{invitee['path']}")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Bienvenido(a), Lupita — únase a Alpha Industries en Innexar"
        )
        page.get_by_label("Elija una contraseña").fill(PASSWORD)
        page.get_by_label("La misma contraseña otra vez").fill(PASSWORD)
        page.get_by_role("button", name="Unirme al espacio de trabajo").click()
        page.wait_for_url(f"{base}/")
        expect(page.get_by_text("¡Bienvenido(a) al equipo de Alpha Industries!")).to_be_visible()

        page.goto(f"{base}{invitee['path']}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Este enlace de invitación ya no funciona")

    # The server hashes with the production hashers, which the tests' settings leave out.
    assert User.objects.get(pk=invitee["user"].pk).has_usable_password()

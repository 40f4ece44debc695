"""`/api/v1/invoicing/pix/settings/`: the workspace's PIX key (checked, and written as the DICT
stores it), the name and city its codes show and its PSP; the webhook secret made on the first
save and shown that once. Managers and admins only."""

import pytest
from django.test import override_settings

from modules.events.models import Event
from modules.invoicing.models import PixSettings
from tests.invoicing.charges_fixtures import *  # noqa: F403 (its fixtures)
from tests.invoicing.charges_fixtures import PIX_KEY

URL = "/api/v1/invoicing/pix/settings/"
SETTINGS = {"key": "+55 (11) 98765-4321", "merchant_name": "Padaria São José", "merchant_city": "São Paulo"}


@pytest.fixture
def manager(api, team_a):
    return api(host=team_a.host, user=team_a.manager)


def test_before_the_first_save_the_company_settings_are_proposed(manager, charges_a):
    charges_a.company(trade_name="Padaria São José", city="Campinas", pix_key="11222333000181")

    body = manager.get(URL).json()

    assert {name: body[name] for name in ("id", "key", "merchant_name", "merchant_city", "psp", "webhook_secret_set")} \
        == {"id": None, "key": "11222333000181", "merchant_name": "Padaria São José", "merchant_city": "Campinas",
            "psp": "sandbox", "webhook_secret_set": False}


def test_the_first_save_makes_the_webhook_secret_and_shows_it_once(manager, charges_a):
    saved = manager.put(URL, SETTINGS)
    read = manager.get(URL).json()
    changed = manager.patch(URL, {"merchant_city": "Campinas"}).json()

    assert saved.status_code == 200
    assert saved.json()["key"] == "+5511987654321"  # as the DICT stores it
    assert len(saved.json()["webhook_secret"]) >= 40 and saved.json()["webhook_secret_set"] is True
    assert "webhook_secret" not in read and read["webhook_secret_set"] is True
    assert "webhook_secret" not in changed and changed["merchant_city"] == "Campinas"
    assert charges_a.query(lambda: PixSettings.objects.get().webhook_secret) == saved.json()["webhook_secret"]
    events = charges_a.query(lambda: list(Event.objects.filter(name="pix_settings.updated").order_by("id")))
    assert [event.changes for event in events] == [None, {"merchant_city": {"old": "São Paulo", "new": "Campinas"}}]
    assert saved.json()["webhook_secret"] not in str([(event.payload, event.changes) for event in events])


def test_rotating_the_secret_shows_the_new_one(manager, charges_a):
    first = manager.put(URL, SETTINGS).json()["webhook_secret"]

    rotated = manager.patch(URL, {"rotate_webhook_secret": True}).json()["webhook_secret"]

    assert rotated != first
    assert charges_a.query(lambda: PixSettings.objects.get().webhook_secret) == rotated


def test_the_psps_secret_is_kept_and_never_shown(manager, charges_a):
    manager.put(URL, {**SETTINGS, "psp": "api_pix", "psp_base_url": "https://pix.example.com/api",
                      "psp_client_id": "client", "psp_client_secret": "s3cr3t"})

    body = manager.patch(URL, {"psp_client_id": "client-2"}).json()

    assert body["psp_client_secret_set"] is True and "psp_client_secret" not in body
    assert charges_a.query(lambda: PixSettings.objects.get().psp_client_secret) == "s3cr3t"


@pytest.mark.parametrize("changes, field, message", [
    ({"key": "123.456.789-00"}, "key", "This CPF is not valid."),
    ({"key": "not a key"}, "key", "This is not a PIX key"),
    ({"merchant_name": "---"}, "merchant_name", "The receiver's name needs letters or digits."),
    ({"merchant_name": "A" * 26}, "merchant_name", "no more than 25 characters"),
    ({"psp": "api_pix"}, "psp_base_url", "A PSP needs its API address, client id and client secret."),
])
def test_what_a_pix_code_could_not_carry_is_refused(manager, charges_a, changes, field, message):
    response = manager.put(URL, {**SETTINGS, **changes})

    assert response.status_code == 400
    assert list(response.json()) == [field] and message in response.json()[field][0]
    assert charges_a.query(lambda: PixSettings.objects.count()) == 0


def test_a_bad_key_is_refused_in_the_readers_language(api, team_a, charges_a):
    response = api(host=team_a.host, user=team_a.admin, language="es").put(URL, {**SETTINGS, "key": "nada"})

    assert response.json() == {"key": [
        "Esta no es una clave PIX: use un CPF, un CNPJ, un correo, un teléfono con +55 o una clave aleatoria."]}


@override_settings(DEVELOPMENT=False)
def test_outside_development_the_psp_is_called_over_tls_only(manager, charges_a):
    response = manager.put(URL, {**SETTINGS, "psp": "api_pix", "psp_base_url": "http://pix.example.com/api",
                                 "psp_client_id": "client", "psp_client_secret": "s3cr3t"})

    assert response.status_code == 400 and list(response.json()) == ["psp_base_url"]


def test_only_managers_and_admins_see_or_set_them(api, team_a, charges_a):
    member = api(host=team_a.host, user=team_a.user)

    assert member.get(URL).status_code == 403
    assert member.put(URL, SETTINGS).status_code == 403
    assert charges_a.query(lambda: PixSettings.objects.count()) == 0


def test_each_workspace_has_its_own(api, team_b, charges_a, charges_b):
    charges_a.pix_settings()

    body = api(host=team_b.host, user=team_b.admin).get(URL).json()

    assert body["id"] is None and body["key"] != PIX_KEY

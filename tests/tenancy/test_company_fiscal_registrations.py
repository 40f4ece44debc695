"""The company's fiscal registrations in its settings: Brazil's IE checked for the company's state
(or ISENTO), the municipal registration, the IBGE city code (found from city and state when left
out), NF-e or NFS-e; through the API and the settings page."""

import pytest

from modules.tenancy.models import CompanyProfile

URL = "/api/v1/settings/company/"
BRAZIL = {"country": "BR", "tax_id": "11222333000181", "state": "SP", "city": "Sao Paulo"}


def profile(team):
    return CompanyProfile.objects.get(tenant=team.tenant)


def test_the_city_code_is_found_from_city_and_state_typed_without_accents(api, team_a):
    response = api(user=team_a.admin).patch(URL, BRAZIL)

    assert response.status_code == 200
    assert (response.json()["city_code"], response.json()["fiscal_document"]) == ("3550308", "nfe")


def test_moving_city_finds_the_new_code_and_an_unknown_city_leaves_it_empty(api, team_a):
    client = api(user=team_a.admin)
    client.patch(URL, BRAZIL)

    moved = client.patch(URL, {"city": "Rio de Janeiro", "state": "RJ"}).json()
    unknown = client.patch(URL, {"city": "Atlantida"}).json()

    assert moved["city_code"] == "3304557"
    assert unknown["city_code"] == ""


def test_a_city_code_given_must_be_ibges_and_of_the_companys_state(api, team_a):
    client = api(user=team_a.admin, language="pt-BR")

    unknown = client.patch(URL, {**BRAZIL, "city_code": "3550309"})
    elsewhere = client.patch(URL, {**BRAZIL, "city_code": "3304557"})

    assert unknown.status_code == 400 and list(unknown.json()) == ["city_code"]
    assert elsewhere.json() == {"city_code": ["O código IBGE 3304557 é Rio de Janeiro, não uma cidade de SP."]}
    assert profile(team_a).country == "US"


@pytest.mark.parametrize(("registration", "stored"), [("110.042.490.114", "110.042.490.114"), ("isento", "ISENTO")])
def test_a_state_registration_valid_for_the_state_or_isento_is_taken(api, team_a, registration, stored):
    response = api(user=team_a.admin).patch(URL, {**BRAZIL, "state_registration": registration,
                                                  "municipal_registration": " 12345 ", "fiscal_document": "nfse"})

    assert response.status_code == 200
    saved = profile(team_a)
    assert (saved.state_registration, saved.municipal_registration, saved.fiscal_document) == (stored, "12345", "nfse")


def test_a_state_registration_of_another_state_is_refused_in_spanish(api, team_a):
    response = api(user=team_a.admin, language="es").patch(URL, {**BRAZIL, "state": "RJ",
                                                                  "state_registration": "110.042.490.114"})

    assert response.status_code == 400
    assert response.json() == {"state_registration": [
        "No es una inscripción estatal (IE) válida de RJ: revise sus dígitos o escriba ISENTO."
    ]}


def test_the_settings_page_asks_a_brazilian_company_for_its_registrations(client, team_a, api):
    api(user=team_a.admin).patch(URL, BRAZIL)
    client.force_login(team_a.admin)

    page = client.get("/settings/", HTTP_HOST=team_a.host).content.decode()

    for name in ("state_registration", "municipal_registration", "city_code", "fiscal_document"):
        assert f'name="{name}"' in page
    assert 'value="3550308"' in page

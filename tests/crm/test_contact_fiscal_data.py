"""A contact's fiscal data, what an NF-e or a CFDI needs of the customer: the tax ID checked with its
real check digits by the contact's country (the company's when it names none), the IE for the
contact's state, SAT's regime and CFDI use from their catalogues; through the API and the page."""

import pytest

from modules.crm.models import Contact
from tests.finance.conftest import company_in

URL = "/api/v1/crm/contacts/"


def new_contact(client, **fields):
    return client.post(URL, {"name": "Joana Prado", "email": "joana@mercado.example", **fields})


@pytest.mark.parametrize(("country", "tax_id", "stored"), [
    ("BR", "81493979000189", "81.493.979/0001-89"),
    ("BR", "529.982.247-25", "529.982.247-25"),
    ("MX", "URE180429TM6", "URE 180429 TM6"),
    ("MX", "xaxx010101000", "XAXX010101000"),  # SAT's RFC of the public in general
    ("US", "12-3456789", "12-3456789"),
])
def test_a_valid_tax_id_is_stored_formatted_for_its_country(admin_api, crm_a, country, tax_id, stored):
    response = new_contact(admin_api, country=country, tax_id=tax_id)

    assert response.status_code == 201, response.json()
    assert (response.json()["tax_id"], response.json()["country"]) == (stored, country)


@pytest.mark.parametrize(("country", "tax_id", "message"), [
    ("BR", "81.493.979/0001-80", "Informe um CNPJ ou CPF válido."),
    ("MX", "URE180429TM7", "Informe um RFC válido."),
    ("US", "12-345678", "Informe um EIN válido (00-0000000)."),
])
def test_a_tax_id_with_wrong_check_digits_is_refused_in_the_readers_language(
    api, team_a, crm_a, country, tax_id, message
):
    client = api(host=team_a.host, user=team_a.admin, language="pt-BR")

    response = new_contact(client, country=country, tax_id=tax_id)

    assert response.status_code == 400
    assert response.json() == {"tax_id": [message]}
    assert crm_a.query(lambda: Contact.objects.count()) == 0


def test_without_a_country_the_tax_id_is_the_companys_countrys(admin_api, team_a, crm_a):
    company_in(team_a, country="MX")

    refused = new_contact(admin_api, tax_id="81493979000189")
    taken = new_contact(admin_api, tax_id="URE180429TM6")

    assert refused.json() == {"tax_id": ["Enter a valid RFC."]}
    assert taken.status_code == 201


def test_the_state_registration_is_checked_for_the_customers_state(admin_api, crm_a):
    wrong = new_contact(admin_api, country="BR", state="SP", state_registration="460.429.771.335")
    exempt = new_contact(admin_api, country="BR", state="São Paulo", state_registration="isento")
    contact = exempt.json()

    valid = admin_api.patch(f"{URL}{contact['id']}/", {"state_registration": "460.429.771.334"})

    assert wrong.json() == {"state_registration": [
        "Not a valid state registration (IE) of SP: check its digits, or enter ISENTO."
    ]}
    assert contact["state_registration"] == "ISENTO"
    assert valid.json()["state_registration"] == "460.429.771.334"


def test_mexican_regime_and_cfdi_use_come_from_sats_catalogues(admin_api, crm_a):
    refused = new_contact(admin_api, country="MX", tax_regime="999", cfdi_use="Z99")
    taken = new_contact(admin_api, country="MX", tax_id="URE180429TM6", tax_regime="601", cfdi_use="G03",
                        postal_code="86991")

    assert set(refused.json()) == {"tax_regime", "cfdi_use"}
    assert (taken.json()["tax_regime"], taken.json()["cfdi_use"], taken.json()["postal_code"]) == (
        "601", "G03", "86991"
    )


def test_changing_the_country_checks_the_tax_id_again(admin_api, crm_a):
    contact = new_contact(admin_api, country="BR", tax_id="81493979000189").json()

    response = admin_api.patch(f"{URL}{contact['id']}/", {"country": "MX"})

    assert response.status_code == 400
    assert list(response.json()) == ["tax_id"]


def test_the_contact_page_saves_the_fiscal_data(member, crm_a):
    contact = crm_a.contact(name="Joana Prado")

    response = member.post(f"/crm/contacts/{contact.pk}/edit/", {
        "name": "Joana Prado", "email": contact.email, "tax_id": "81493979000189", "country": "BR",
        "address": "Rua Samuel Morse, 135 - Brooklin", "city": "São Paulo", "state": "SP",
        "postal_code": "04576-060",
    })

    assert response.status_code == 302
    saved = crm_a.query(lambda: Contact.objects.get(pk=contact.pk))
    assert (saved.tax_id, saved.address, saved.city) == ("81.493.979/0001-89", "Rua Samuel Morse, 135 - Brooklin",
                                                         "São Paulo")


def test_the_contact_page_shows_a_wrong_tax_id_beside_its_field(member, crm_a):
    contact = crm_a.contact(name="Joana Prado")

    response = member.post(f"/crm/contacts/{contact.pk}/edit/", {
        "name": "Joana Prado", "email": contact.email, "tax_id": "81493979000180", "country": "BR",
    })

    assert response.status_code == 422
    assert response.context["edit_form"].errors == {"tax_id": ["Enter a valid CNPJ or CPF."]}

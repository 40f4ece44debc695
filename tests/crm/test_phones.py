"""Phones as people type them: national numbers read in the workspace's country and only there,
shown for reading in the pages, kept in E.164 in the API, and found however they are typed."""

import pytest
from django_tenants.utils import tenant_context

from modules.crm.imports import leads_import
from modules.crm.models import Lead
from modules.tenancy.models import CompanyProfile, Tenant
from modules.tenancy.services import company_profile_update
from tests.conftest import in_another_process
from tests.crm.test_import import upload
from tests.tenancy.test_signup_api import URL as SIGNUP_URL
from tests.tenancy.test_signup_api import payload

LEADS = "/api/v1/crm/leads/"
CONTACTS = "/api/v1/crm/contacts/"
DEALS = "/api/v1/crm/deals/"


def in_country(team, country: str) -> None:
    CompanyProfile.objects.filter(tenant=team.tenant).update(country=country)


def create(client, phone: str):
    return client.post(LEADS, {"name": "Ana", "email": "ana@example.com", "phone": phone})


# --- Reading what was typed ------------------------------------------------------------------------


@pytest.mark.parametrize(("country", "typed", "stored"), [
    ("BR", "(41) 99123-4567", "+5541991234567"),
    ("BR", "41991234567", "+5541991234567"),
    ("MX", "55 1234 5678", "+525512345678"),
    ("MX", "(55) 1234-5678", "+525512345678"),
    ("US", "(551) 234-5678", "+15512345678"),
    ("US", "5512345678", "+15512345678"),
])
def test_a_national_number_is_read_in_the_workspaces_country(admin_api, team_a, country, typed, stored):
    in_country(team_a, country)

    response = create(admin_api, typed)

    assert response.status_code == 201
    assert response.json()["phone"] == stored


@pytest.mark.parametrize(("country", "typed", "stored"), [
    ("US", "+52 55 1234 5678", "+525512345678"),
    ("BR", "00 52 55 1234 5678", "+525512345678"),
    ("MX", "00 55 41 99123-4567", "+5541991234567"),
    ("US", "011 55 41 99123 4567", "+5541991234567"),
])
def test_a_number_with_its_country_code_is_read_as_international(admin_api, team_a, country, typed, stored):
    in_country(team_a, country)

    assert create(admin_api, typed).json()["phone"] == stored


def test_a_brazilian_number_in_an_american_workspace_is_refused_with_its_international_form(api, team_a):
    client = api(host=team_a.host, user=team_a.admin, language="pt-BR")

    response = create(client, "(41) 99123-4567")

    assert response.status_code == 400
    assert response.json() == {"phone": [
        "Não é um telefone válido no país da sua empresa (Estados Unidos). Se for um número do exterior, "
        "escreva-o com o código do país: +55 41 99123-4567."
    ]}


def test_a_mexican_number_in_an_american_workspace_is_never_stored_as_new_jersey(admin_api, crm_a):
    response = create(admin_api, "55 1234 5678")

    assert response.status_code == 400
    assert response.json() == {"phone": [
        "This number is written as in another country. Write it with its country code (+52 55 1234 5678), "
        "or as a number of your company's country ((551) 234-5678)."
    ]}
    assert crm_a.query(lambda: Lead.objects.count()) == 0


def test_the_same_digits_are_read_in_each_workspaces_own_country(api, team_a, team_b, crm_a, crm_b):
    in_country(team_a, "MX")

    mexican = create(api(host=team_a.host, user=team_a.admin), "55 1234 5678")
    american = create(api(host=team_b.host, user=team_b.admin), "(551) 234-5678")

    assert (mexican.json()["phone"], american.json()["phone"]) == ("+525512345678", "+15512345678")


def test_a_workspace_signed_up_in_portuguese_imports_200_brazilian_leads(api, db):
    api(language="pt-BR").post(SIGNUP_URL, payload(schema_name="padaria"))
    tenant = Tenant.objects.get(subdomain="padaria")
    rows = "".join(f"Cliente {n};cliente{n}@padaria.com.br;(41) 99{n:03d}-4567\r\n" for n in range(200))

    with tenant_context(tenant):
        report = leads_import(actor=tenant.users.get(), file=upload("Nome;E-mail;Telefone\r\n" + rows))

    assert (report.imported, report.errors) == (200, [])


# --- Shown for reading, kept in E.164 -------------------------------------------------------------


def test_pages_show_the_workspaces_own_numbers_nationally_and_others_internationally(member, team_a, crm_a):
    in_country(team_a, "BR")
    home = crm_a.lead(name="Ana", phone="+5541991234567")
    abroad = crm_a.contact(name="Sofía", phone="+525512345678")

    lead_page = member.get(f"/crm/leads/{home.pk}/").content.decode()
    contact_page = member.get(f"/crm/contacts/{abroad.pk}/").content.decode()
    contacts = member.get("/crm/contacts/").content.decode()
    member.force_login(team_a.admin)  # who may change it: the page holds the edit form
    edit = member.get(f"/crm/leads/{home.pk}/").content.decode()

    assert "<dd>(41) 99123-4567</dd>" in lead_page
    assert "<dd>+52 55 1234 5678</dd>" in contact_page
    assert "<td >+52 55 1234 5678</td>" in contacts
    assert 'value="(41) 99123-4567"' in edit


def test_the_same_number_reads_nationally_only_in_its_own_countrys_workspace(client, team_a, team_b, crm_a, crm_b):
    in_country(team_a, "MX")
    mexican = crm_a.lead(name="Sofía", phone="+525512345678")
    in_b = crm_b.lead(name="Sofía", phone="+525512345678")

    client.force_login(team_a.admin)
    page_a = client.get(f"/crm/leads/{mexican.pk}/", HTTP_HOST=team_a.host).content.decode()
    client.force_login(team_b.admin)
    page_b = client.get(f"/crm/leads/{in_b.pk}/", HTTP_HOST=team_b.host).content.decode()

    assert "<dd>55 1234 5678</dd>" in page_a
    assert "<dd>+52 55 1234 5678</dd>" in page_b


def test_the_api_keeps_e164(admin_api, team_a, crm_a):
    in_country(team_a, "BR")
    lead = crm_a.lead(phone="(41) 99123-4567")

    assert admin_api.get(f"{LEADS}{lead.pk}/").json()["phone"] == "+5541991234567"


# --- Found however it is typed ---------------------------------------------------------------------

TYPED = ["(41) 99123-4567", "41991234567", "+55 41 99123-4567", "5541991234567", "99123", "1234567"]


def _names(response) -> list[str]:
    assert response.status_code == 200
    return [row.get("name") or row["title"] for row in response.json()["results"]]


@pytest.mark.parametrize("typed", TYPED)
def test_a_lead_a_contact_and_their_deal_are_found_by_the_phone_as_typed(admin_api, team_a, crm_a, typed):
    in_country(team_a, "BR")
    crm_a.lead(name="Ana", phone="+5541991234567")
    crm_a.lead(name="Other", phone="+5511987654321")
    contact = crm_a.contact(name="Ana C", phone="+5541991234567")
    crm_a.deal(title="Padaria", contact=contact)

    assert _names(admin_api.get(LEADS, {"search": typed})) == ["Ana"]
    assert _names(admin_api.get(CONTACTS, {"search": typed})) == ["Ana C"]
    assert _names(admin_api.get(DEALS, {"search": typed})) == ["Padaria"]


def test_the_leads_page_finds_a_lead_by_its_phone_as_typed(member, team_a, crm_a):
    in_country(team_a, "BR")
    crm_a.lead(name="Ana Phone", phone="+5541991234567")
    crm_a.lead(name="Bia Other", phone="+5511987654321")

    page = member.get("/crm/leads/", {"search": "(41) 99123-4567"}).content.decode()

    assert "Ana Phone" in page and "Bia Other" not in page


def test_a_phone_search_never_finds_another_workspaces_lead(api, team_a, team_b, crm_b):
    crm_b.lead(name="Beta's lead", phone="+5541991234567")

    assert _names(api(host=team_a.host, user=team_a.admin).get(LEADS, {"search": "99123"})) == []


def test_a_refused_number_is_shown_back_as_typed_never_regrouped_into_a_local_one(member, team_a, crm_a):
    lead = crm_a.lead(name="Ana")
    member.force_login(team_a.admin)

    response = member.post(f"/crm/leads/{lead.pk}/edit/", {"name": "Ana", "email": lead.email, "phone": "55 1234 5678"})

    assert response.status_code == 422
    assert 'value="55 1234 5678"' in response.content.decode()
    assert crm_a.query(lambda: Lead.objects.get(pk=lead.pk).phone) == ""


def test_a_new_country_counts_at_once_in_every_process(admin_api, team_a):
    assert create(admin_api, "55 1234 5678").status_code == 400  # this process now keeps "US"
    with in_another_process():
        company_profile_update(actor=team_a.admin, tenant=team_a.tenant, changes={"country": "MX"})

    assert create(admin_api, "55 1234 5678").json()["phone"] == "+525512345678"


def test_an_import_into_an_american_workspace_says_how_to_write_a_brazilian_number(team_a):
    with tenant_context(team_a.tenant):
        report = leads_import(actor=team_a.admin, file=upload("name,email,phone\nAna,ana@x.com.br,(41) 99123-4567\n"))

    assert report.imported == 0
    assert report.errors == [{"row": 2, "label": "Ana", "error": (
        "Phone: Not a valid phone number in your company's country (United States). If it is a number from "
        "abroad, write it with its country code: +55 41 99123-4567."
    )}]

"""Searching the CRM as Brazilian and Mexican users do: without accents, in any case, and the
other way round (an accented search finds a name saved without accents)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

LEADS = "/api/v1/crm/leads/"
CONTACTS = "/api/v1/crm/contacts/"
DEALS = "/api/v1/crm/deals/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def names(response) -> list[str]:
    assert response.status_code == 200
    return sorted(row.get("name") or row["title"] for row in response.json()["results"])


# Saved as people write them, searched as people type them.
NAMES = [
    ("João Conceição", "joao conceicao"),
    ("Ação Social", "acao"),
    ("Pão de Açúcar", "pao de acucar"),
    ("José Núñez", "jose nunez"),
    ("Ana Peña", "pena"),
    ("Luis Muñoz", "MUNOZ"),
    ("Martín Güemes", "guemes"),
]


def test_the_new_users_lead_is_found_however_it_is_typed(admin_api, crm_a):
    crm_a.lead(name="João Conceição", company="Padaria São José", email="joao.c@exemplo.com.br")
    crm_a.lead(name="Maria Silva", company="Silva Tech")
    typed = [
        "João", "joao", "JOÃO", "conceicao", "Conceição", "CONCEICAO", "São José", "sao jose", "SAO JOSE",
        "padaria", "Padaria São José", "joao.c@exemplo.com.br",
    ]

    found = {words: names(admin_api.get(LEADS, {"search": words})) for words in typed}

    assert found == dict.fromkeys(typed, ["João Conceição"])


@pytest.mark.parametrize(("saved", "typed"), NAMES)
def test_leads_are_found_without_accents_and_in_any_case(admin_api, crm_a, saved, typed):
    crm_a.lead(name=saved)
    crm_a.lead(name="Someone Else")

    assert names(admin_api.get(LEADS, {"search": typed})) == [saved]
    assert names(admin_api.get(LEADS, {"search": saved.upper()})) == [saved]


@pytest.mark.parametrize(("typed", "saved"), [
    ("João Conceição", "Joao Conceicao"),
    ("Ação", "ACAO SOCIAL"),
    ("Pão de Açúcar", "pao de acucar"),
    ("José Núñez", "Jose Nunez"),
    ("Peña", "Ana Pena"),
    ("MUÑOZ", "Luis Munoz"),
    ("güemes", "Martin Guemes"),
])
def test_an_accented_search_finds_a_name_saved_without_accents(admin_api, crm_a, typed, saved):
    crm_a.contact(name=saved)
    crm_a.contact(name="Someone Else")

    assert names(admin_api.get(CONTACTS, {"search": typed})) == [saved]


def test_deals_are_found_by_their_title_or_their_contact_without_accents(admin_api, crm_a):
    nunez = crm_a.contact(name="José Núñez", company="Panadería Güemes")
    crm_a.deal(title="Pão de Açúcar rollout")
    crm_a.deal(title="CRM for Muñoz", contact=nunez)
    crm_a.deal(title="Other deal")

    assert names(admin_api.get(DEALS, {"search": "pao de acucar"})) == ["Pão de Açúcar rollout"]
    assert names(admin_api.get(DEALS, {"search": "MUNOZ"})) == ["CRM for Muñoz"]
    assert names(admin_api.get(DEALS, {"search": "nunez"})) == ["CRM for Muñoz"]
    assert names(admin_api.get(DEALS, {"search": "panaderia guemes"})) == ["CRM for Muñoz"]


def test_a_deal_search_finds_its_contacts_accented_name_by_word_prefix_at_a_flat_query_cost(admin_api, crm_a):
    joao = crm_a.contact(name="João Conceição", company="Padaria São José")
    for number in range(12):
        crm_a.deal(title=f"Rollout {number}", contact=joao)
    crm_a.deal(title="Someone else's deal")
    admin_api.get(DEALS)  # the first request of a workspace also fills per-tenant caches

    def found(page_size: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = admin_api.get(DEALS, {"search": "joao conc", "page_size": page_size})
        assert response.json()["count"] == 12
        return len(response.json()["results"]), len(queries)

    (few, few_queries), (many, many_queries) = found(2), found(12)
    assert (few, many) == (2, 12)
    assert few_queries == many_queries


def test_the_lead_and_contact_pages_search_without_accents(member, crm_a):
    crm_a.lead(name="João Conceição", company="Padaria São José", email="joao.c@exemplo.com.br")
    crm_a.lead(name="Maria Silva")
    crm_a.contact(name="Luis Muñoz")
    crm_a.contact(name="Zeca")

    leads = member.get("/crm/leads/", {"search": "sao jose"}, **HTMX).content.decode()
    contacts = member.get("/crm/contacts/", {"search": "munoz"}).content.decode()

    assert "João Conceição" in leads and "Maria Silva" not in leads
    assert "Luis Muñoz" in contacts and "Zeca" not in contacts


@pytest.mark.parametrize(("record_type", "typed"), [("lead", "conceicao"), ("contact", "peña"), ("deal", "acucar")])
def test_the_record_pickers_search_without_accents(member, crm_a, record_type, typed):
    crm_a.lead(name="João Conceição")
    crm_a.contact(name="Ana Pena")
    crm_a.deal(title="Pão de Açúcar rollout")

    options = member.get("/crm/lookup/", {"related_to_type": record_type, "q": typed}).content.decode()

    found = {"lead": "João Conceição", "contact": "Ana Pena", "deal": "Pão de Açúcar rollout"}[record_type]
    assert found in options
    assert options.count("<option") == 2  # the blank one and the match

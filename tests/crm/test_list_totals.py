"""Each CRM list says how many records it holds (with its filters), counted the way the API counts:
exact up to INNEXAR_EXACT_COUNT_LIMIT, an estimate said as such beyond, at the same queries however
many rows there are."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.crm.models import Lead

HTMX = {"HTTP_HX_REQUEST": "true"}


def total_of(response) -> str:
    found = re.search(r'<p class="list-total" data-list-total>(.*?)</p>', response.content.decode())
    return found.group(1) if found else ""


def test_the_leads_list_says_how_many_leads_it_holds_and_how_many_match(member, crm_a):
    crm_a.lead(name="Ana", status="new")
    crm_a.lead(name="Bia", status="new")
    crm_a.lead(name="Caio", status="qualified")

    assert total_of(member.get("/crm/leads/")) == "3 leads"
    assert total_of(member.get("/crm/leads/?status=qualified", **HTMX)) == "1 lead"


def test_the_total_counts_every_page_not_the_one_shown(member, crm_a):
    for number in range(27):
        crm_a.lead(name=f"Lead {number}")

    page_two = member.get("/crm/leads/?page=2")

    assert total_of(page_two) == "27 leads"
    assert page_two.content.decode().count('name="leads"') == 2


def test_the_total_is_in_the_users_language(member, crm_a):
    crm_a.lead()
    member.cookies["django_language"] = "es"

    assert total_of(member.get("/crm/leads/")) == "1 prospecto"


def test_contacts_and_activities_say_their_totals_too(member, crm_a):
    crm_a.contact()
    crm_a.contact()
    crm_a.activity()

    assert total_of(member.get("/crm/contacts/")) == "2 contacts"
    assert total_of(member.get("/crm/activities/")) == "1 activity"


def test_past_the_exact_count_limit_the_total_says_it_is_an_estimate(member, crm_a, settings):
    settings.INNEXAR_EXACT_COUNT_LIMIT = 2
    crm_a.query(lambda: Lead.objects.bulk_create(
        Lead(name=f"Bulk {n}", email=f"bulk{n}@example.com") for n in range(30)
    ))

    first_page = total_of(member.get("/crm/leads/"))
    last_page = total_of(member.get("/crm/leads/?page=2"))

    assert re.fullmatch(r"About \d+ leads", first_page)
    assert last_page == "30 leads"  # the last page knows


def test_a_page_far_past_the_end_of_an_estimated_list_is_not_an_error(member, crm_a, settings):
    settings.INNEXAR_EXACT_COUNT_LIMIT = 2
    crm_a.query(lambda: Lead.objects.bulk_create(
        Lead(name=f"Bulk {n}", email=f"bulk{n}@example.com") for n in range(30)
    ))

    response = member.get("/crm/leads/?page=4000")

    # The last page, when the estimate finds it, else not found; never a server error.
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("url", ["/crm/leads/", "/crm/contacts/"])
def test_counting_costs_the_same_queries_for_3_or_40_rows(member, crm_a, url):
    def add(count: int) -> None:
        for _ in range(count):
            crm_a.lead() if url == "/crm/leads/" else crm_a.contact()

    add(3)
    member.get(url)  # the first page of a session also fills per-tenant caches
    with CaptureQueriesContext(connection) as few:
        member.get(url)
    add(37)
    with CaptureQueriesContext(connection) as many:
        assert total_of(member.get(url)).startswith("40 ")

    assert len(many) == len(few)

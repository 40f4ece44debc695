"""What every CRM list promises: the same queries at any page size, at most 200 rows a page, and
ties in the ordering broken by id so that pages never repeat or skip a row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from modules.crm.models import Lead

LISTS = ["/api/v1/crm/leads/", "/api/v1/crm/contacts/", "/api/v1/crm/deals/", "/api/v1/crm/activities/"]


@pytest.fixture
def thirty_of_each(crm_a, team_a):
    for number in range(30):
        owner = team_a.manager if number % 2 else team_a.user
        contact = crm_a.contact(name=f"Contact {number}", assigned_to=owner)
        crm_a.deal(title=f"Deal {number}", contact=contact, assigned_to=owner)
        crm_a.activity(subject=f"Call {number}", assigned_to=owner)


@pytest.mark.parametrize("url", LISTS)
def test_a_list_costs_the_same_queries_whatever_the_page_size(admin_api, thirty_of_each, url):
    admin_api.get(url)  # the first request of a workspace also fills per-tenant caches

    def queries_for(page_size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = admin_api.get(url, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(queries)

    assert queries_for(2) == queries_for(30)


def test_a_page_holds_at_most_200_rows_whatever_is_asked(admin_api, team_a):
    with tenant_context(team_a.tenant):
        Lead.objects.bulk_create(Lead(name=f"Bulk {n}", email=f"bulk{n}@example.com") for n in range(201))

    page = admin_api.get(LISTS[0], {"page_size": 100000}).json()

    assert len(page["results"]) == 200
    assert page["next"] is not None


@pytest.mark.parametrize("ordering, newest_first", [("-score", True), ("score", False)])
def test_rows_that_tie_come_in_id_order_in_the_direction_asked(admin_api, crm_a, ordering, newest_first):
    leads = [crm_a.lead(name=f"Tie {n}", score=50) for n in range(5)]
    expected = [lead.name for lead in (reversed(leads) if newest_first else leads)]

    pages = [admin_api.get(LISTS[0], {"ordering": ordering, "page_size": 2, "page": page}).json()
             for page in (1, 2, 3)]

    assert [row["name"] for page in pages for row in page["results"]] == expected

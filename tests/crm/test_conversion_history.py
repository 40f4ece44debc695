"""Conversion keeps history: what was logged on a lead shows on the contact and the deal made from
it (their pages and the API's activity list), and the lead page's score follows its activities."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.crm import services
from modules.crm.models import Activity, Lead

HTMX = {"HTTP_HX_REQUEST": "true"}
ACTIVITIES = "/api/v1/crm/activities/"


@pytest.fixture
def converted(crm_a, team_a):
    """A lead with a call logged on it, converted: (lead, call, contact, deal)."""
    lead = crm_a.lead(name="Padaria Pão Quente", email="dono@paoquente.com.br")
    call = crm_a.activity(
        related_to_type="lead", related_to_id=lead.pk, subject="Called about the oven", assigned_to=team_a.user
    )
    with tenant_context(team_a.tenant):
        conversion = services.lead_convert(actor=team_a.admin, lead=lead)
    return lead, call, conversion.contact, conversion.deal


def subjects(response) -> list[str]:
    return sorted(activity["subject"] for activity in response.json()["results"])


def test_the_leads_call_shows_on_the_contacts_and_the_deals_page(member, converted, crm_a):
    lead, call, contact, deal = converted
    crm_a.activity(related_to_type="deal", related_to_id=deal.pk, subject="Sent the proposal")

    contact_page = member.get(f"/crm/contacts/{contact.pk}/").content.decode()
    deal_page = member.get(f"/crm/deals/{deal.pk}/").content.decode()

    assert "Called about the oven" in contact_page
    assert "Called about the oven" in deal_page
    assert "Sent the proposal" in deal_page and "Sent the proposal" not in contact_page
    assert contact_page.count("Logged on the lead") == deal_page.count("Logged on the lead") == 1


def test_the_activity_list_of_the_contact_or_the_deal_includes_the_leads(admin_api, converted, crm_a):
    lead, call, contact, deal = converted
    crm_a.activity(related_to_type="contact", related_to_id=contact.pk, subject="Welcome call")
    crm_a.activity(subject="Someone else's call")  # another lead's

    of_contact = admin_api.get(ACTIVITIES, {"related_to_type": "contact", "related_to_id": contact.pk})
    of_deal = admin_api.get(ACTIVITIES, {"related_to_type": "deal", "related_to_id": deal.pk})
    of_lead = admin_api.get(ACTIVITIES, {"related_to_type": "lead", "related_to_id": lead.pk})

    assert subjects(of_contact) == ["Called about the oven", "Welcome call"]
    assert subjects(of_deal) == ["Called about the oven"]
    assert subjects(of_lead) == ["Called about the oven"]  # the lead keeps its own, and only those
    assert of_contact.json()["count"] == 2


def test_either_filter_alone_still_filters_by_itself(admin_api, converted):
    lead, call, contact, deal = converted

    by_type = admin_api.get(ACTIVITIES, {"related_to_type": "contact"})
    by_id = admin_api.get(ACTIVITIES, {"related_to_id": lead.pk})

    assert by_type.json()["count"] == 0  # the call is the lead's: no contact has activities of its own
    assert [activity["id"] for activity in by_id.json()["results"]] == [call.pk]


def test_a_lead_joining_an_existing_contact_brings_its_history_along(admin_api, crm_a, team_a):
    contact = crm_a.contact(name="Dona Rosa", email="rosa@paoquente.com.br")
    crm_a.activity(related_to_type="contact", related_to_id=contact.pk, subject="Welcome call")
    lead = crm_a.lead(name="Rosa (trade fair)", email="ROSA@paoquente.com.br")
    crm_a.activity(related_to_type="lead", related_to_id=lead.pk, subject="Met at the trade fair")
    with tenant_context(team_a.tenant):
        conversion = services.lead_convert(actor=team_a.admin, lead=lead)

    assert conversion.contact.pk == contact.pk
    of_contact = admin_api.get(ACTIVITIES, {"related_to_type": "contact", "related_to_id": contact.pk})
    of_deal = admin_api.get(ACTIVITIES, {"related_to_type": "deal", "related_to_id": conversion.deal.pk})
    assert subjects(of_contact) == ["Met at the trade fair", "Welcome call"]
    assert subjects(of_deal) == ["Met at the trade fair"]


def test_another_workspace_asking_for_the_contact_gets_none_of_its_history(api, client, team_b, converted):
    lead, call, contact, deal = converted
    beta = api(host=team_b.host, user=team_b.admin)
    client.force_login(team_b.admin)

    for record_type, record in (("contact", contact), ("deal", deal), ("lead", lead)):
        response = beta.get(ACTIVITIES, {"related_to_type": record_type, "related_to_id": record.pk})
        assert response.status_code == 200
        assert response.json()["count"] == 0, record_type
    assert client.get(f"/crm/contacts/{contact.pk}/", HTTP_HOST=team_b.host).status_code == 404


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def test_the_contacts_timeline_and_list_cost_the_same_with_one_call_or_many(member, admin_api, converted, crm_a):
    lead, call, contact, deal = converted
    filters = {"related_to_type": "contact", "related_to_id": contact.pk}
    member.get(f"/crm/contacts/{contact.pk}/")  # the first request loads the user's and workspace's snapshots
    admin_api.get(ACTIVITIES, filters)
    page_one = _queries(lambda: member.get(f"/crm/contacts/{contact.pk}/"))
    list_one = _queries(lambda: admin_api.get(ACTIVITIES, filters))
    for number in range(6):
        crm_a.activity(related_to_type="lead", related_to_id=lead.pk, subject=f"Call {number}")

    assert _queries(lambda: member.get(f"/crm/contacts/{contact.pk}/")) == page_one
    assert _queries(lambda: admin_api.get(ACTIVITIES, filters)) == list_one
    assert admin_api.get(ACTIVITIES, filters).json()["count"] == 7


def test_completing_the_leads_call_on_the_deals_timeline_redraws_the_deals(member, converted, crm_a):
    lead, call, contact, deal = converted

    response = member.post(f"/crm/activities/{call.pk}/complete/", {
        "from": "timeline", "timeline_type": "deal", "timeline_id": deal.pk,
    }, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="related_to_type" value="deal"' in page  # its add form adds to the deal
    assert f'name="related_to_id" value="{deal.pk}"' in page and "Logged on the lead" in page
    assert "Done on" in page
    assert crm_a.query(lambda: Activity.objects.get(pk=call.pk).completed) is True


@pytest.mark.parametrize("timeline", [
    {"timeline_type": "invoice", "timeline_id": "1"},
    {"timeline_type": "deal", "timeline_id": "999999"},
    {"timeline_type": "deal", "timeline_id": "abc"},
], ids=["unknown type", "no such deal", "not an id"])
def test_a_timeline_that_does_not_exist_is_not_found_and_completes_nothing(member, converted, crm_a, timeline):
    lead, call, contact, deal = converted

    response = member.post(f"/crm/activities/{call.pk}/complete/", {"from": "timeline", **timeline}, **HTMX)

    assert response.status_code == 404
    assert crm_a.query(lambda: Activity.objects.get(pk=call.pk).completed) is False


# --- The lead page's score follows its activities ------------------------------------------------------

OUT_OF_BAND_SCORE = re.compile(
    r'<article id="lead-score" class="score-card" hx-swap-oob="true">.*?<meter [^>]*value="(\d+)"', re.S
)


def stored_score(crm, lead) -> int:
    return crm.query(lambda: Lead.objects.get(pk=lead.pk).score)


def test_completing_an_activity_on_the_lead_page_redraws_its_score_out_of_band(member, crm_a, team_a):
    lead = crm_a.lead(company="Pão Quente", position="Dona")
    call = crm_a.activity(
        related_to_type="lead", related_to_id=lead.pk, subject="Call about the oven", assigned_to=team_a.user
    )
    month_ago = timezone.now() - timedelta(days=40)
    crm_a.query(lambda: Activity.objects.filter(pk=call.pk).update(created_at=month_ago))  # planned long ago
    crm_a.query(lambda: services.lead_update(actor=None, lead=Lead.objects.get(pk=lead.pk), changes={}))
    before = stored_score(crm_a, lead)

    response = member.post(f"/crm/activities/{call.pk}/complete/", {"from": "timeline"}, **HTMX)

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="timeline"')
    after = stored_score(crm_a, lead)
    assert after > before  # done today: the last activity is now recent
    assert OUT_OF_BAND_SCORE.search(page).group(1) == str(after)
    assert "Last activity within 7 days" in page


def test_adding_an_activity_on_the_lead_page_redraws_its_score_out_of_band(member, crm_a):
    lead = crm_a.lead(company="Pão Quente")
    before = stored_score(crm_a, lead)

    response = member.post("/crm/activities/new/", {
        "from": "timeline", "related_to_type": "lead", "related_to_id": lead.pk, "type": "call",
        "subject": "First call",
    }, **HTMX)

    after = stored_score(crm_a, lead)
    assert after != before
    assert OUT_OF_BAND_SCORE.search(response.content.decode()).group(1) == str(after)


def test_a_contacts_timeline_answer_carries_no_score(member, converted):
    lead, call, contact, deal = converted

    response = member.post(f"/crm/activities/{call.pk}/complete/", {
        "from": "timeline", "timeline_type": "contact", "timeline_id": contact.pk,
    }, **HTMX)

    assert 'id="lead-score"' not in response.content.decode()

"""Crafted input on the CRM pages answers a 4xx with a translated message and writes nothing."""

import pytest

from modules.crm.models import Deal, Lead

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_card_dropped_at_an_impossible_place_is_refused(member, crm_a, api, team_a):
    deal = crm_a.deal()

    page = member.post(f"/crm/pipeline/deals/{deal.pk}/move/", {"stage": "proposal", "position": "99999999999"})
    # The API has no `position`: a PATCH that sends one moves the stage and ignores the place.
    patched = api(host=team_a.host, user=team_a.admin).patch(
        f"/api/v1/crm/deals/{deal.pk}/", {"position": 99999999999}
    )

    assert page.status_code == 422
    assert "This move could not be saved." in page.content.decode()
    assert patched.status_code == 200
    deal = crm_a.query(lambda: Deal.objects.get(pk=deal.pk))
    assert (deal.stage, deal.position) == ("prospect", 0)


def test_a_bulk_change_with_an_oversized_id_changes_only_real_leads(member, crm_a):
    lead = crm_a.lead()

    response = member.post("/crm/leads/status/", {"leads": [lead.pk, "9" * 30], "status": "lost"}, **HTMX)

    assert response.status_code == 200
    assert "1 lead changed." in response.content.decode()
    assert crm_a.query(lambda: Lead.objects.get(pk=lead.pk).status) == "lost"


@pytest.mark.parametrize("crafted", ["²", "-1", "1e3"])
def test_a_bulk_change_with_an_id_that_is_no_plain_number_is_refused(member, crm_a, crafted):
    lead = crm_a.lead()

    response = member.post("/crm/leads/status/", {"leads": [lead.pk, crafted], "status": "lost"}, **HTMX)

    assert response.status_code == 422
    assert f"Select a valid choice. {crafted} is not one of the available choices." in response.content.decode()
    assert crm_a.query(lambda: Lead.objects.get(pk=lead.pk).status) == "new"

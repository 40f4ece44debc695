"""No CRM list of one workspace ever shows another's records, and no token crosses over. Every
route that names a record is checked, from the URL configuration, in
tests/core/test_cross_tenant_routes.py."""

import pytest


@pytest.fixture
def alpha_records(crm_a):
    lead = crm_a.lead(name="Alpha secret lead")
    deal = crm_a.deal(title="Alpha secret deal")
    activity = crm_a.activity(related_to_type="lead", related_to_id=lead.pk)
    return {"leads": lead.pk, "contacts": deal.contact_id, "deals": deal.pk, "activities": activity.pk}


@pytest.mark.parametrize(("resource", "own_rows"), [("leads", 0), ("contacts", 1), ("deals", 1), ("activities", 0)])
def test_lists_show_only_the_workspaces_own_records(api, team_b, crm_b, alpha_records, resource, own_rows):
    crm_b.deal(title="Beta deal")

    rows = api(host=team_b.host, user=team_b.admin).get(f"/api/v1/crm/{resource}/").json()["results"]

    assert len(rows) == own_rows
    assert all("Alpha" not in str(row) for row in rows)


def test_a_token_of_one_workspace_is_refused_on_another(api, team_a, team_b, alpha_records):
    client = api(host=team_b.host, user=team_a.admin)

    assert client.get(f"/api/v1/crm/leads/{alpha_records['leads']}/").status_code in (401, 403)
    assert client.get("/api/v1/crm/leads/").status_code in (401, 403)


def test_without_a_token_the_crm_is_closed(api, team_a):
    assert api(host=team_a.host).get("/api/v1/crm/leads/").status_code == 401

"""No CRM route of one workspace ever shows or changes another's records."""

import pytest

from modules.crm.models import Activity, Deal, Lead


@pytest.fixture
def alpha_records(crm_a):
    lead = crm_a.lead(name="Alpha secret lead")
    deal = crm_a.deal(title="Alpha secret deal")
    activity = crm_a.activity(related_to_type="lead", related_to_id=lead.pk)
    return {"leads": lead.pk, "contacts": deal.contact_id, "deals": deal.pk, "activities": activity.pk}


ROUTES = [
    ("get", "leads", ""), ("patch", "leads", ""), ("delete", "leads", ""), ("post", "leads", "convert/"),
    ("get", "leads", "score/"),
    ("get", "contacts", ""), ("patch", "contacts", ""), ("delete", "contacts", ""),
    ("get", "deals", ""), ("patch", "deals", ""), ("delete", "deals", ""), ("post", "deals", "mark_won/"),
    ("post", "deals", "mark_lost/"), ("get", "deals", "history/"),
    ("get", "activities", ""), ("patch", "activities", ""), ("delete", "activities", ""),
    ("post", "activities", "complete/"),
]


@pytest.mark.parametrize(("method", "resource", "action"), ROUTES, ids=lambda part: str(part))
def test_another_workspaces_record_is_not_found(api, team_b, crm_a, alpha_records, method, resource, action):
    client = api(host=team_b.host, user=team_b.admin)
    url = f"/api/v1/crm/{resource}/{alpha_records[resource]}/{action}"

    response = getattr(client, method)(url, {"name": "Hijacked"} if method == "patch" else None)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_nothing_changed_after_the_attempts(api, team_b, crm_a, alpha_records):
    client = api(host=team_b.host, user=team_b.admin)
    for method, resource, action in ROUTES:
        getattr(client, method)(f"/api/v1/crm/{resource}/{alpha_records[resource]}/{action}")

    assert crm_a.query(lambda: Lead.objects.get(pk=alpha_records["leads"]).status) == "new"
    assert crm_a.query(lambda: Deal.objects.get(pk=alpha_records["deals"]).stage) == "prospect"
    assert crm_a.query(lambda: Activity.objects.get(pk=alpha_records["activities"]).completed) is False


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

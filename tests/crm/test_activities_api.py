from datetime import timedelta

from django.utils import timezone

ACTIVITIES = "/api/v1/crm/activities/"


def _subjects(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [activity["subject"] for activity in response.json()["results"]]


def test_create_an_activity_about_a_deal(admin_api, crm_a, team_a):
    deal = crm_a.deal()

    response = admin_api.post(ACTIVITIES, {
        "type": "call", "subject": "Follow-up call", "description": "Discutir proposta",
        "related_to_type": "deal", "related_to_id": deal.pk, "due_date": "2025-11-15T14:00:00Z",
    })

    assert response.status_code == 201
    activity = response.json()
    assert activity["due_date"] == "2025-11-15T14:00:00Z"
    assert (activity["completed"], activity["completed_at"]) == (False, None)
    assert activity["assigned_to"]["id"] == team_a.admin.pk  # whoever plans it, unless told
    assert crm_a.events("activity.created")[0].payload["id"] == activity["id"]


def test_the_related_record_must_exist_in_this_workspace(api, team_a, crm_a, crm_b):
    foreign_lead = crm_b.lead()
    client = api(host=team_a.host, user=team_a.admin, language="pt-br")

    missing = client.post(ACTIVITIES, {
        "type": "task", "subject": "X", "related_to_type": "lead", "related_to_id": foreign_lead.pk + 1000,
    })
    foreign = client.post(ACTIVITIES, {
        "type": "task", "subject": "X", "related_to_type": "lead", "related_to_id": foreign_lead.pk,
    })
    bad_type = client.post(ACTIVITIES, {"type": "fax", "subject": "X", "related_to_type": "lead", "related_to_id": 1})

    assert missing.status_code == foreign.status_code == 400
    assert missing.json() == {"related_to_id": ["Não existe lead com este id."]}
    assert set(bad_type.json()) == {"type"}


def test_activity_filters(admin_api, crm_a):
    lead = crm_a.lead()
    now = timezone.now()
    crm_a.activity(type="call", subject="Call soon", due_date=now + timedelta(days=1),
                   related_to_type="lead", related_to_id=lead.pk)
    crm_a.activity(type="meeting", subject="Meet later", due_date=now + timedelta(days=30))
    done = crm_a.activity(type="task", subject="Send deck", due_date=now - timedelta(days=2))
    admin_api.post(f"{ACTIVITIES}{done.pk}/complete/")

    assert sorted(_subjects(admin_api.get(ACTIVITIES, {"type": "call,meeting"}))) == ["Call soon", "Meet later"]
    assert _subjects(admin_api.get(ACTIVITIES, {"completed": "true"})) == ["Send deck"]
    assert sorted(_subjects(admin_api.get(ACTIVITIES, {"completed": "false"}))) == ["Call soon", "Meet later"]
    before = (now + timedelta(days=2)).date().isoformat()
    assert sorted(_subjects(admin_api.get(ACTIVITIES, {"due_before": before}))) == ["Call soon", "Send deck"]
    after = (now + timedelta(days=10)).date().isoformat()
    assert _subjects(admin_api.get(ACTIVITIES, {"due_after": after})) == ["Meet later"]
    assert _subjects(admin_api.get(ACTIVITIES, {"related_to_type": "lead", "related_to_id": lead.pk})) == ["Call soon"]


def test_complete_sets_completed_at_once(admin_api, crm_a):
    activity = crm_a.activity()

    first = admin_api.post(f"{ACTIVITIES}{activity.pk}/complete/")
    second = admin_api.post(f"{ACTIVITIES}{activity.pk}/complete/")

    assert first.status_code == second.status_code == 200
    assert first.json()["completed"] is True
    assert first.json()["completed_at"] is not None
    assert second.json()["completed_at"] == first.json()["completed_at"]
    assert len(crm_a.events("activity.completed")) == 1


def test_patch_and_delete(admin_api, crm_a):
    activity = crm_a.activity()

    patched = admin_api.patch(f"{ACTIVITIES}{activity.pk}/", {"subject": "Call back", "completed": True})
    half_pair = admin_api.patch(f"{ACTIVITIES}{activity.pk}/", {"related_to_type": "deal"})

    assert patched.json()["subject"] == "Call back"
    assert patched.json()["completed_at"] is not None
    assert half_pair.status_code == 400
    assert [event.payload["subject"] for event in crm_a.events("activity.updated")] == ["Call back"]
    assert admin_api.delete(f"{ACTIVITIES}{activity.pk}/").status_code == 204
    assert [event.payload["id"] for event in crm_a.events("activity.deleted")] == [activity.pk]


def test_an_activity_on_a_lead_counts_in_its_score(admin_api, crm_a):
    lead = crm_a.lead()
    before = admin_api.get(f"/api/v1/crm/leads/{lead.pk}/score/").json()

    for _ in range(3):
        crm_a.activity(related_to_type="lead", related_to_id=lead.pk)
    after = admin_api.get(f"/api/v1/crm/leads/{lead.pk}/score/").json()

    assert after["score"] > before["score"]

def test_the_openapi_schema_documents_every_crm_route(api, db):
    schema = api().get("/api/v1/schema/?format=json").json()

    paths = schema["paths"]
    assert {
        "/api/v1/crm/leads/", "/api/v1/crm/leads/{id}/", "/api/v1/crm/leads/{id}/convert/",
        "/api/v1/crm/leads/{id}/score/", "/api/v1/crm/leads/import/", "/api/v1/crm/contacts/",
        "/api/v1/crm/contacts/{id}/", "/api/v1/crm/deals/", "/api/v1/crm/deals/{id}/",
        "/api/v1/crm/deals/{id}/mark_won/", "/api/v1/crm/deals/{id}/mark_lost/", "/api/v1/crm/deals/{id}/history/",
        "/api/v1/crm/activities/",
        "/api/v1/crm/activities/{id}/", "/api/v1/crm/activities/{id}/complete/",
    } <= set(paths)
    lead_list = paths["/api/v1/crm/leads/"]["get"]
    assert {"search", "status", "source", "score_min", "score_max", "created_after", "created_before",
            "assigned_to", "tags", "ordering", "page", "page_size"} <= {p["name"] for p in lead_list["parameters"]}
    lead = schema["components"]["schemas"]["Lead"]["properties"]
    assert {"id", "name", "email", "score", "status", "tags", "assigned_to", "created_at"} <= set(lead)


def test_the_documented_fields_are_the_fields_sent(crm_a):
    """The read serializers declare the fields for the schema; events.py builds the JSON (the
    API adds the deal's value written for its reader)."""
    from django_tenants.utils import tenant_context

    from modules.crm import api as crm_api
    from modules.crm import events

    deal = crm_a.deal()
    activity = crm_a.activity()
    with tenant_context(crm_a.team.tenant):
        lead = crm_a.lead()
        pairs = [
            (crm_api.LeadSerializer, events.lead_json(lead)),
            (crm_api.ContactSerializer, events.contact_json(deal.contact)),
            (crm_api.DealSerializer, crm_api.deal_representation(deal)),
            (crm_api.ActivitySerializer, events.activity_json(activity)),
        ]
    for serializer, sent in pairs:
        assert list(serializer.Meta.fields) == list(sent), serializer.__name__

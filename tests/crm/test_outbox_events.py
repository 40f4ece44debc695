"""What the CRM puts in the outbox: the fields an update changed, nothing for an update that
changes nothing, payloads that read the same whoever made the change, and the model's score
changes as events of their own."""

from decimal import Decimal

import pytest
from django.db import connection

from modules.crm import services
from modules.crm.models import Lead, LeadStatus, Source
from modules.crm.scoring import leads_rescore, score_model_train
from modules.events.models import AuditEntry, Event
from tests.crm.test_scoring import history, make_leads

DEALS = "/api/v1/crm/deals/"


def _events(crm_a, name):
    return crm_a.query(lambda: list(Event.objects.filter(name=name).order_by("id")))


def test_an_update_carries_each_changed_field_old_and_new(crm_a, admin_api):
    lead = crm_a.lead(name="Ana", email="ana@padaria.com.br", company="Padaria", notes="")

    admin_api.patch(f"/api/v1/crm/leads/{lead.pk}/", {"notes": "Ligar depois das 14h", "name": "Ana"})
    admin_api.patch(f"/api/v1/crm/leads/{lead.pk}/", {"company": ""})

    notes, company = _events(crm_a, "lead.updated")
    assert notes.changes == {"notes": {"old": "", "new": "Ligar depois das 14h"}}
    assert company.changes["company"] == {"old": "Padaria", "new": ""}
    assert "score" in company.changes  # a company counts in the score: the change says so too
    audit = crm_a.query(lambda: [
        entry.fields for entry in AuditEntry.objects.filter(action="lead.updated", aggregate_id=lead.pk)
    ])
    assert audit == [["notes"], sorted(company.changes)]


@pytest.mark.parametrize("kind, path, body", [
    ("lead", "leads", {"name": "Ana Souza", "source": "other"}),
    ("contact", "contacts", {"name": "Carlos Mendes"}),
    ("deal", "deals", {"title": "ERP rollout", "value": "1000.00"}),
    ("activity", "activities", {"subject": "Follow-up call"}),
])
def test_an_update_that_changes_nothing_records_nothing_and_keeps_the_record_as_it_was(
    crm_a, admin_api, kind, path, body,
):
    record = getattr(crm_a, kind)()
    model = type(record)
    stamp = "updated_at" if hasattr(record, "updated_at") else "created_at"
    before = crm_a.query(lambda: getattr(model.objects.get(pk=record.pk), stamp))

    response = admin_api.patch(f"/api/v1/crm/{path}/{record.pk}/", body)

    assert response.status_code == 200
    assert _events(crm_a, f"{kind}.updated") == []
    assert crm_a.query(lambda: getattr(model.objects.get(pk=record.pk), stamp)) == before


def test_a_deals_payload_has_its_currencys_digits_and_reads_the_same_in_every_language(crm_a, api, team_a):
    deal = crm_a.deal(value="5000", currency="CLP")
    for language, title in (("pt-br", "Implantação"), ("en", "Rollout")):
        api(host=team_a.host, user=team_a.admin, language=language).patch(f"{DEALS}{deal.pk}/", {"title": title})

    created, *updated = _events(crm_a, "deal.created") + _events(crm_a, "deal.updated")

    assert created.payload["value"] == "5000"
    assert "value_formatted" not in created.payload
    assert [event.payload["value"] for event in updated] == ["5000", "5000"]
    assert crm_a.deal(value="1234.5").value == Decimal("1234.5")
    assert _events(crm_a, "deal.created")[-1].payload["value"] == "1234.50"


def test_the_api_still_writes_the_value_for_its_reader(crm_a, api, team_a):
    deal = crm_a.deal(value="5000.00", currency="BRL")

    shown = api(host=team_a.host, user=team_a.admin, language="pt-br").get(f"{DEALS}{deal.pk}/").json()

    assert (shown["value"], shown["value_formatted"]) == ("5000.00", "R$ 5.000,00")


def test_an_activity_that_moves_a_leads_score_records_the_change(crm_a):
    lead = crm_a.lead(name="Ana", email="ana@padaria.com.br")
    before = crm_a.query(lambda: Lead.objects.get(pk=lead.pk).score)

    crm_a.activity(related_to_type="lead", related_to_id=lead.pk)

    after = crm_a.query(lambda: Lead.objects.get(pk=lead.pk).score)
    changes = [event.payload for event in _events(crm_a, "lead.score_changed")]
    assert after != before
    assert changes == [{"id": lead.pk, "score": after, "previous_score": before}]


def test_a_rescore_records_one_event_per_changed_lead_after_its_earlier_ones(team_a):
    connection.set_tenant(team_a.tenant)
    history(source=Source.REFERRAL, converted=64, lost=16)
    history(source=Source.ADS, converted=8, lost=72)
    [good, poor] = make_leads(1, source=Source.REFERRAL) + make_leads(1, source=Source.ADS)
    services.lead_update(actor=team_a.admin, lead=good, changes={"company": "Padaria Pão Quente"})
    score_model_train()

    changed = leads_rescore()

    events = {event.aggregate_id: event for event in Event.objects.filter(name="lead.score_changed")}
    assert changed == len(events) == 2
    assert events[good.pk].aggregate_version == 2  # after its lead.updated
    assert events[poor.pk].aggregate_version == 1
    assert events[good.pk].payload["score"] == Lead.objects.get(pk=good.pk).score
    assert not AuditEntry.objects.filter(action="lead.score_changed").exists()
    assert Lead.objects.filter(status=LeadStatus.NEW).count() == 2

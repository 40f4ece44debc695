from datetime import date

import pytest

from modules.crm.models import DealStageChange

DEALS = "/api/v1/crm/deals/"
CONTACTS = "/api/v1/crm/contacts/"


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [deal["title"] for deal in response.json()["results"]]


# --- Contacts -------------------------------------------------------------------------------


def test_contact_crud(admin_api, crm_a):
    created = admin_api.post(CONTACTS, {
        "name": "Carla Dias", "email": "carla@dias.com.br", "phone": "+55 21 99876-5432", "company": "Dias ME",
        "position": "Owner", "tags": ["cliente"],
    })
    assert created.status_code == 201
    contact = created.json()
    assert contact["phone"] == "+5521998765432"

    patched = admin_api.patch(f"{CONTACTS}{contact['id']}/", {"position": "CEO"})
    listed = admin_api.get(CONTACTS, {"search": "dias"}).json()

    assert patched.json()["position"] == "CEO"
    assert [row["id"] for row in listed["results"]] == [contact["id"]]
    assert admin_api.delete(f"{CONTACTS}{contact['id']}/").status_code == 204
    assert [event.name for event in crm_a.events()] == ["contact.created", "contact.updated", "contact.deleted"]


def test_contacts_take_the_same_list_params(admin_api, crm_a, team_a):
    crm_a.contact(name="Zeca", tags=["vip"], assigned_to=team_a.user)
    crm_a.contact(name="Amanda")

    assert [c["name"] for c in admin_api.get(CONTACTS, {"ordering": "name"}).json()["results"]] == ["Amanda", "Zeca"]
    assert [c["name"] for c in admin_api.get(CONTACTS, {"tags": "vip"}).json()["results"]] == ["Zeca"]
    assert [c["name"] for c in admin_api.get(CONTACTS, {"assigned_to": team_a.user.pk}).json()["results"]] == ["Zeca"]


def test_a_contact_with_deals_is_not_deleted_and_the_answer_says_why(api, team_a, crm_a):
    deal = crm_a.deal()
    client = api(host=team_a.host, user=team_a.admin, language="pt-br")

    response = client.delete(f"{CONTACTS}{deal.contact_id}/")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [
        "Este contato tem 1 negócio. Exclua-o ou transfira-o antes de excluir o contato."
    ]}
    assert client.get(f"{CONTACTS}{deal.contact_id}/").status_code == 200


# --- Deals ----------------------------------------------------------------------------------


def test_create_a_deal_with_contact_id_and_read_the_contact_nested(admin_api, crm_a):
    contact = crm_a.contact(name="ACME Buyer")

    response = admin_api.post(DEALS, {
        "title": "ACME Enterprise License", "contact_id": contact.pk, "value": "25000.00", "currency": "USD",
        "stage": "proposal", "probability": 60, "expected_close_date": "2025-12-31",
    })

    assert response.status_code == 201
    deal = response.json()
    assert deal["contact"]["name"] == "ACME Buyer"
    assert deal["value"] == "25000.00"
    assert deal["value_formatted"] == "$25,000.00"
    assert (deal["stage"], deal["probability"]) == ("proposal", 60)
    assert deal["expected_close_date"] == "2025-12-31"


@pytest.mark.parametrize(("value", "currency"), [("0", "USD"), ("-5.00", "USD"), ("12.5", "CLP"), ("abc", "USD")])
def test_a_deal_value_must_be_a_positive_amount_in_its_currency(admin_api, crm_a, value, currency):
    contact = crm_a.contact()

    response = admin_api.post(DEALS, {"title": "X", "contact_id": contact.pk, "value": value, "currency": currency})

    assert response.status_code == 400
    assert set(response.json()) == {"value"}


def test_a_deal_needs_a_contact_of_this_workspace(admin_api, crm_b):
    foreign = crm_b.contact()

    response = admin_api.post(DEALS, {"title": "X", "contact_id": foreign.pk, "value": "10.00", "currency": "USD"})

    assert response.status_code == 400
    assert set(response.json()) == {"contact_id"}


def test_deal_filters(admin_api, crm_a):
    buyer = crm_a.contact(name="Buyer")
    crm_a.deal(title="Small", value="500.00", stage="prospect", contact=buyer, expected_close_date=date(2026, 1, 15))
    crm_a.deal(title="Medium", value="5000.00", currency="BRL", stage="proposal")
    crm_a.deal(title="Large", value="50000.00", stage="negotiation", expected_close_date=date(2026, 6, 1))

    assert sorted(_titles(admin_api.get(DEALS, {"stage": "prospect,proposal"}))) == ["Medium", "Small"]
    assert sorted(_titles(admin_api.get(DEALS, {"value_min": 1000, "value_max": 50000}))) == ["Large", "Medium"]
    assert _titles(admin_api.get(DEALS, {"currency": "BRL"})) == ["Medium"]
    assert _titles(admin_api.get(DEALS, {"contact_id": buyer.pk})) == ["Small"]
    assert _titles(admin_api.get(DEALS, {"expected_close_before": "2026-01-15"})) == ["Small"]
    assert _titles(admin_api.get(DEALS, {"expected_close_after": "2026-02-01"})) == ["Large"]
    assert _titles(admin_api.get(DEALS, {"ordering": "-value"})) == ["Large", "Medium", "Small"]


def test_a_stage_change_is_recorded_with_when_and_by_whom(api, team_a, crm_a):
    deal = crm_a.deal(stage="prospect")
    client = api(host=team_a.host, user=team_a.manager)

    response = client.patch(f"{DEALS}{deal.pk}/", {"stage": "negotiation", "probability": 80})

    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["probability"]) == ("negotiation", 80)
    history = crm_a.query(lambda: list(DealStageChange.objects.filter(deal_id=deal.pk).values_list(
        "from_stage", "to_stage", "changed_by_id"
    )))
    assert history == [("", "prospect", team_a.admin.pk), ("prospect", "negotiation", team_a.manager.pk)]
    assert crm_a.events("deal.stage_changed")[0].payload["previous_stage"] == "prospect"


def test_the_history_action_lists_every_stage_change(api, team_a, crm_a):
    deal = crm_a.deal(stage="prospect")
    api(host=team_a.host, user=team_a.manager).post(f"{DEALS}{deal.pk}/mark_won/")

    history = api(host=team_a.host, user=team_a.user).get(f"{DEALS}{deal.pk}/history/").json()

    assert [(change["from_stage"], change["to_stage"], change["changed_by"]["id"]) for change in history] == [
        ("", "prospect", team_a.admin.pk), ("prospect", "closed_won", team_a.manager.pk),
    ]
    assert history[1]["changed_at"].endswith("Z")


def test_a_stage_without_probability_takes_the_stages_default(admin_api, crm_a):
    deal = crm_a.deal(stage="prospect")

    assert admin_api.patch(f"{DEALS}{deal.pk}/", {"stage": "proposal"}).json()["probability"] == 40


def test_mark_won(admin_api, crm_a):
    deal = crm_a.deal()

    response = admin_api.post(f"{DEALS}{deal.pk}/mark_won/")

    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["probability"]) == ("closed_won", 100)
    assert response.json()["closed_at"] is not None
    assert [event.payload["id"] for event in crm_a.events("deal.won")] == [deal.pk]
    again = admin_api.post(f"{DEALS}{deal.pk}/mark_won/")
    assert again.status_code == 400
    assert again.json() == {"stage": ["This deal is already marked as won."]}


def test_mark_lost_keeps_the_reason(admin_api, crm_a):
    deal = crm_a.deal()

    response = admin_api.post(f"{DEALS}{deal.pk}/mark_lost/", {"lost_reason": "Preço muito alto"})

    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["lost_reason"]) == ("closed_lost", "Preço muito alto")
    assert admin_api.get(f"{DEALS}{deal.pk}/").json()["lost_reason"] == "Preço muito alto"
    assert crm_a.events("deal.lost")[0].payload["lost_reason"] == "Preço muito alto"


def test_reopening_a_lost_deal_clears_the_outcome(admin_api, crm_a):
    deal = crm_a.deal()
    admin_api.post(f"{DEALS}{deal.pk}/mark_lost/", {"lost_reason": "Timing"})

    reopened = admin_api.patch(f"{DEALS}{deal.pk}/", {"stage": "negotiation"}).json()

    assert (reopened["closed_at"], reopened["lost_reason"]) == (None, "")


def test_an_edit_records_one_deal_updated_event_with_the_new_values(admin_api, crm_a):
    deal = crm_a.deal()

    admin_api.patch(f"{DEALS}{deal.pk}/", {"title": "ERP rollout, phase 2", "value": "2500.00"})

    [updated] = crm_a.events("deal.updated")
    assert (updated.payload["id"], updated.payload["title"], updated.payload["value"]) == (
        deal.pk, "ERP rollout, phase 2", "2500.00")


def test_delete_a_deal(admin_api, crm_a):
    deal = crm_a.deal()

    assert admin_api.delete(f"{DEALS}{deal.pk}/").status_code == 204
    assert admin_api.get(f"{DEALS}{deal.pk}/").status_code == 404
    assert [event.payload["id"] for event in crm_a.events("deal.deleted")] == [deal.pk]
    assert admin_api.delete(f"{CONTACTS}{deal.contact_id}/").status_code == 204

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.crm import services
from modules.crm.models import Contact, Deal, Lead

LEADS = "/api/v1/crm/leads/"


def lead_url(lead_id, action: str = "") -> str:
    return f"{LEADS}{lead_id}/{action + '/' if action else ''}"


# --- Create ---------------------------------------------------------------------------------


def test_creating_a_lead_answers_the_lead_with_a_model_score(admin_api, crm_a):
    response = admin_api.post(LEADS, {
        "name": "John Doe", "email": "John@Example.com", "phone": "+1 415 555 2671", "company": "Tech Corp",
        "source": "website", "notes": "Interessado em plano Professional", "tags": ["vip", " vip ", "retail"],
    })

    assert response.status_code == 201
    lead = response.json()
    assert lead["name"] == "John Doe"
    assert lead["email"] == "john@example.com"
    assert lead["phone"] == "+14155552671"
    assert lead["status"] == "new"
    assert lead["tags"] == ["vip", "retail"]
    assert 0 < lead["score"] <= 100
    assert lead["score_is_manual"] is False
    assert lead["assigned_to"] is None
    assert lead["created_at"].endswith("Z")
    assert [event.payload["id"] for event in crm_a.events("lead.created")] == [lead["id"]]


def test_a_national_phone_is_read_in_the_tenants_country(admin_api):
    # Alpha's company is in the US (the default country).
    response = admin_api.post(LEADS, {"name": "Jane", "email": "jane@example.com", "phone": "(415) 555-2671"})

    assert response.status_code == 201
    assert response.json()["phone"] == "+14155552671"


def test_the_api_contracts_own_example_creates_a_lead(admin_api):
    """E.164 as written is kept even where no carrier uses the number yet (+1 234 567 890)."""
    response = admin_api.post(LEADS, {
        "name": "John Doe", "email": "john@example.com", "phone": "+1234567890", "company": "Tech Corp",
        "source": "website", "notes": "Interessado em plano Professional",
    })

    assert response.status_code == 201
    assert response.json()["phone"] == "+1234567890"


@pytest.mark.parametrize("phone", ["+999 1234 5678", "+12345", "+1 415 555 2671 99999"])
def test_an_international_number_needs_a_country_code_that_exists_and_a_possible_length(admin_api, phone):
    response = admin_api.post(LEADS, {"name": "Jane", "email": "jane@example.com", "phone": phone})

    assert response.status_code == 400
    assert list(response.json()) == ["phone"]


def test_a_lead_can_be_assigned_to_a_teammate_only(admin_api, team_a, team_b):
    mine = admin_api.post(LEADS, {"name": "A", "email": "a@example.com", "assigned_to": team_a.user.pk})
    theirs = admin_api.post(LEADS, {"name": "B", "email": "b@example.com", "assigned_to": team_b.user.pk})

    assert mine.status_code == 201
    assert mine.json()["assigned_to"] == {"id": team_a.user.pk, "name": team_a.user.name, "email": team_a.user.email}
    assert theirs.status_code == 400
    assert set(theirs.json()) == {"assigned_to"}


def test_invalid_fields_are_refused_in_portuguese(api, team_a, crm_a):
    client = api(host=team_a.host, user=team_a.admin, language="pt-br")

    response = client.post(LEADS, {
        "name": "", "email": "not-an-email", "source": "tv", "score": 101, "tags": "vip",
    })

    assert response.status_code == 400
    errors = response.json()
    assert errors["name"] == ["Este campo não pode ficar em branco."]
    assert errors["email"] == ["Informe um endereço de e-mail válido."]
    assert errors["source"] == ['"tv" não é uma escolha válida.']
    assert errors["score"] == ["Certifique-se de que este valor seja inferior ou igual a 100."]
    assert "tags" in errors
    assert crm_a.query(Lead.objects.count) == 0


def test_a_phone_nobody_can_dial_is_refused_in_portuguese(api, team_a):
    client = api(host=team_a.host, user=team_a.admin, language="pt-br")

    response = client.post(LEADS, {"name": "Ana", "email": "ana@example.com", "phone": "12345"})

    assert response.status_code == 400
    assert response.json()["phone"] == [
        "Informe um telefone válido, no formato internacional (+5511987654321) ou no formato do seu país."
    ]


def test_an_email_already_used_by_a_lead_is_refused_whatever_its_case(admin_api, crm_a):
    crm_a.lead(email="maria@example.com")

    response = admin_api.post(LEADS, {"name": "Maria", "email": "MARIA@example.com"})

    assert response.status_code == 400
    assert response.json() == {"email": ["A lead with this email already exists."]}


# --- List -----------------------------------------------------------------------------------


def test_the_list_is_paginated_as_the_spec_shows(admin_api, crm_a):
    for number in range(3):
        crm_a.lead(name=f"Lead {number}")

    page = admin_api.get(LEADS, {"page_size": 2}).json()

    assert page["count"] == 3
    assert page["next"].endswith("?page=2&page_size=2")
    assert page["previous"] is None
    assert len(page["results"]) == 2
    assert admin_api.get(LEADS, {"page_size": 2, "page": 2}).json()["results"][0]["name"] in {
        "Lead 0", "Lead 1", "Lead 2"
    }
    assert admin_api.get(LEADS, {"page_size": 2, "page": 3}).status_code == 404


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [lead["name"] for lead in response.json()["results"]]


def test_search_finds_words_by_their_beginning_in_name_email_company_and_phone(admin_api, crm_a):
    crm_a.lead(name="Johnny Walker", email="jw@walker.com")
    crm_a.lead(name="Ana", email="ana@johnson-labs.com")
    crm_a.lead(name="Bia", email="bia@example.com", company="Johnston Motors")
    crm_a.lead(name="Caio", email="caio@example.com", phone="+5511987654321")
    crm_a.lead(name="Dora", email="dora@example.com")

    assert sorted(_names(admin_api.get(LEADS, {"search": "john"}))) == ["Ana", "Bia", "Johnny Walker"]
    assert _names(admin_api.get(LEADS, {"search": "johnny walk"})) == ["Johnny Walker"]
    assert _names(admin_api.get(LEADS, {"search": "+55 11 9876"})) == ["Caio"]
    assert _names(admin_api.get(LEADS, {"search": "dora@example.com"})) == ["Dora"]
    assert _names(admin_api.get(LEADS, {"search": "zzz"})) == []


def test_status_and_source_take_several_values(admin_api, crm_a):
    crm_a.lead(name="New web", status="new", source="website")
    crm_a.lead(name="Contacted ads", status="contacted", source="ads")
    crm_a.lead(name="Qualified web", status="qualified", source="website")

    assert sorted(_names(admin_api.get(LEADS, {"status": "new,contacted"}))) == ["Contacted ads", "New web"]
    assert sorted(_names(admin_api.get(LEADS, {"source": "website"}))) == ["New web", "Qualified web"]
    bad = admin_api.get(LEADS, {"status": "new,hot"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"status"}


def test_score_range_and_ordering(admin_api, crm_a):
    crm_a.lead(name="Low", score=20)
    crm_a.lead(name="Mid", score=70)
    crm_a.lead(name="High", score=95)

    assert _names(admin_api.get(LEADS, {"score_min": 70, "ordering": "-score"})) == ["High", "Mid"]
    assert _names(admin_api.get(LEADS, {"score_max": 70, "ordering": "score"})) == ["Low", "Mid"]
    assert _names(admin_api.get(LEADS, {"ordering": "name"})) == ["High", "Low", "Mid"]
    assert admin_api.get(LEADS, {"ordering": "password"}).status_code == 400


def test_created_range_includes_both_days(admin_api, crm_a):
    old, recent = crm_a.lead(name="Old"), crm_a.lead(name="Recent")
    with tenant_context(crm_a.team.tenant):
        Lead.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    today = timezone.now().date()

    assert _names(admin_api.get(LEADS, {"created_after": today.isoformat()})) == ["Recent"]
    assert _names(admin_api.get(LEADS, {"created_before": (today - timedelta(days=40)).isoformat()})) == ["Old"]
    assert recent.pk != old.pk
    assert admin_api.get(LEADS, {"created_after": "last week"}).status_code == 400


def test_assigned_to_and_tags_filters(admin_api, crm_a, team_a):
    crm_a.lead(name="Mine", assigned_to=team_a.user, tags=["vip"])
    crm_a.lead(name="Other", tags=["retail", "sp"])
    crm_a.lead(name="Untagged")

    assert _names(admin_api.get(LEADS, {"assigned_to": team_a.user.pk})) == ["Mine"]
    assert sorted(_names(admin_api.get(LEADS, {"tags": "vip,sp"}))) == ["Mine", "Other"]


def test_the_list_costs_the_same_queries_whatever_the_page_size(admin_api, crm_a, team_a):
    for number in range(30):
        crm_a.lead(name=f"Lead {number}", assigned_to=team_a.manager if number % 2 else team_a.user)

    admin_api.get(LEADS)  # the first request of a workspace also fills per-tenant caches

    def queries_for(page_size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = admin_api.get(LEADS, {"page_size": page_size, "ordering": "-score"})
        assert len(response.json()["results"]) == page_size
        return len(queries)

    assert queries_for(2) == queries_for(30)


def test_beyond_the_exact_count_limit_the_count_is_an_estimate_and_says_so(admin_api, crm_a, settings):
    settings.INNEXAR_EXACT_COUNT_LIMIT = 3
    for number in range(5):
        crm_a.lead(name=f"Lead {number}")

    small = admin_api.get(LEADS, {"search": "lead", "status": "qualified"})
    large = admin_api.get(LEADS, {"page_size": 2})

    assert small.json()["count"] == 0
    assert "X-Count-Estimated" not in small
    assert large["X-Count-Estimated"] == "true"
    assert large.json()["count"] >= 4


def test_pages_beyond_the_limit_follow_the_rows_not_the_estimate(admin_api, crm_a, settings):
    settings.INNEXAR_EXACT_COUNT_LIMIT = 2
    for number in range(7):
        crm_a.lead(name=f"Lead {number}")

    seen, pages, url = [], [], f"{LEADS}?page_size=3&ordering=name"
    while url:
        response = admin_api.get(url)
        assert response.status_code == 200
        body = response.json()
        pages.append((body["count"], response.get("X-Count-Estimated")))
        seen += [lead["name"] for lead in body["results"]]
        url = body["next"]

    assert seen == [f"Lead {number}" for number in range(7)]
    assert pages[-1] == (7, None)  # the last page knows how many there are
    assert all(estimated == "true" for _, estimated in pages[:-1])
    assert admin_api.get(LEADS, {"page_size": 3, "page": 4}).status_code == 404
    assert admin_api.get(LEADS, {"page_size": 3, "page": "x"}).status_code == 404


def test_with_an_estimate_a_last_page_that_is_full_has_no_next_and_pages_beyond_are_404(admin_api, crm_a, settings):
    settings.INNEXAR_EXACT_COUNT_LIMIT = 2
    for number in range(6):
        crm_a.lead(name=f"Lead {number}")

    first = admin_api.get(LEADS, {"page_size": 3, "ordering": "name"})
    last = admin_api.get(first.json()["next"])

    assert first["X-Count-Estimated"] == "true"
    assert first.json()["next"].endswith("?ordering=name&page=2&page_size=3")
    assert [lead["name"] for lead in last.json()["results"]] == ["Lead 3", "Lead 4", "Lead 5"]
    assert (last.json()["count"], last.json()["next"], last.get("X-Count-Estimated")) == (6, None, None)
    # Past the rows, before page 1, and past what SQL's OFFSET (a bigint) can skip: not a page.
    for page_size, page in [(6, 2), (3, 3), (3, 0), (3, -1), (3, 2**62), (3, 3074457345618258604)]:
        assert admin_api.get(LEADS, {"page_size": page_size, "page": page}).status_code == 404, (page_size, page)


# --- Retrieve, update, delete ---------------------------------------------------------------


def test_retrieve_and_patch(admin_api, crm_a):
    lead = crm_a.lead(name="Old name")

    assert admin_api.get(lead_url(lead.pk)).json()["name"] == "Old name"
    response = admin_api.patch(lead_url(lead.pk), {"status": "contacted", "company": "ACME"})

    assert response.status_code == 200
    assert response.json()["status"] == "contacted"
    assert response.json()["company"] == "ACME"
    assert [event.name for event in crm_a.events()][-1] == "lead.updated"


def test_a_manual_score_sticks_until_it_is_reset(admin_api, crm_a):
    lead = crm_a.lead()
    model_score = lead.score

    manual = admin_api.patch(lead_url(lead.pk), {"status": "contacted", "score": 85}).json()
    after_edit = admin_api.patch(lead_url(lead.pk), {"company": "Big Corp", "phone": "+14155552671"}).json()
    reset = admin_api.patch(lead_url(lead.pk), {"score": None}).json()

    assert (manual["score"], manual["score_is_manual"]) == (85, True)
    assert (after_edit["score"], after_edit["score_is_manual"]) == (85, True)
    assert reset["score_is_manual"] is False
    assert reset["score"] != 85
    assert reset["score"] >= model_score  # company and phone only ever help


def test_losing_a_lead_records_the_outcome(admin_api, crm_a):
    lead = crm_a.lead()

    response = admin_api.patch(lead_url(lead.pk), {"status": "lost"})

    assert response.json()["status"] == "lost"
    assert crm_a.query(lambda: Lead.objects.get(pk=lead.pk).closed_at) is not None
    assert [event.payload["id"] for event in crm_a.events("lead.lost")] == [lead.pk]


def test_delete(admin_api, crm_a):
    lead = crm_a.lead()
    crm_a.activity(related_to_type="lead", related_to_id=lead.pk)

    assert admin_api.delete(lead_url(lead.pk)).status_code == 204
    assert admin_api.get(lead_url(lead.pk)).status_code == 404
    assert crm_a.events("lead.deleted")[0].payload["email"] == lead.email


def test_a_user_deletes_no_lead_not_even_one_assigned_to_them(api, team_a, crm_a):
    """Assignment is not a delete right: a user could assign any free lead to themselves
    (tests/crm/test_permissions.py has the whole table)."""
    client = api(host=team_a.host, user=team_a.user)
    theirs, others = crm_a.lead(assigned_to=team_a.user), crm_a.lead(assigned_to=team_a.manager)

    assert client.delete(lead_url(others.pk)).status_code == 403
    assert client.delete(lead_url(theirs.pk)).status_code == 403
    assert crm_a.query(lambda: Lead.objects.filter(pk__in=[theirs.pk, others.pk]).count()) == 2


def test_put_is_not_offered(admin_api, crm_a):
    lead = crm_a.lead()

    assert admin_api.put(lead_url(lead.pk), {"name": "X", "email": "x@example.com"}).status_code == 405


# --- Convert --------------------------------------------------------------------------------


def test_convert_makes_a_contact_and_a_prospect_deal(admin_api, crm_a, team_a):
    lead = crm_a.lead(name="Paula Lima", company="Lima Foods", phone="+5511987654321", assigned_to=team_a.user)

    response = admin_api.post(lead_url(lead.pk, "convert"))

    assert response.status_code == 200
    body = response.json()
    assert body["contact"]["name"] == "Paula Lima"
    assert body["contact"]["email"] == lead.email
    assert body["contact"]["phone"] == "+5511987654321"
    assert body["deal"]["stage"] == "prospect"
    assert body["deal"]["title"] == "Lima Foods"
    assert body["deal"]["contact"]["id"] == body["contact"]["id"]
    assert body["deal"]["assigned_to"]["id"] == team_a.user.pk
    assert admin_api.get(lead_url(lead.pk)).json()["status"] == "converted"
    assert [event.name for event in crm_a.events()][-3:] == ["contact.created", "deal.created", "lead.converted"]


def test_converting_twice_is_refused(admin_api, crm_a):
    lead = crm_a.lead()
    admin_api.post(lead_url(lead.pk, "convert"))

    again = admin_api.post(lead_url(lead.pk, "convert"))

    assert again.status_code == 400
    assert again.json() == {"status": ["This lead was already converted."]}
    assert crm_a.query(Deal.objects.count) == 1


def test_convert_takes_the_deal_terms_when_given(admin_api, crm_a):
    lead = crm_a.lead()

    body = admin_api.post(lead_url(lead.pk, "convert"), {
        "title": "Annual plan", "value": "12000.00", "currency": "BRL", "expected_close_date": "2026-12-31",
    }).json()

    assert body["deal"]["title"] == "Annual plan"
    assert body["deal"]["value"] == "12000.00"
    assert body["deal"]["currency"] == "BRL"
    assert body["deal"]["expected_close_date"] == "2026-12-31"


def test_a_lead_converts_into_the_contact_that_already_has_its_email(admin_api, crm_a):
    contact = crm_a.contact(email="same@example.com")
    lead = crm_a.lead(email="same@example.com")

    body = admin_api.post(lead_url(lead.pk, "convert")).json()

    assert body["contact"]["id"] == contact.pk
    assert crm_a.query(Contact.objects.count) == 1


def test_patching_the_status_to_converted_converts(admin_api, crm_a):
    lead = crm_a.lead()

    response = admin_api.patch(lead_url(lead.pk), {"status": "converted"})

    assert response.json()["status"] == "converted"
    assert crm_a.query(lambda: Deal.objects.filter(lead_id=lead.pk).count()) == 1
    assert admin_api.patch(lead_url(lead.pk), {"status": "new"}).status_code == 400


def test_a_conversion_that_fails_half_way_leaves_nothing_behind(api, team_a, crm_a):
    """The deal's INSERT fails after the contact's: the contact must go too, the lead stays new."""
    lead = crm_a.lead()
    with tenant_context(team_a.tenant), connection.cursor() as cursor:
        cursor.execute("""
            CREATE FUNCTION refuse_deal() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'deals are refused'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_deal BEFORE INSERT ON crm_deal FOR EACH ROW EXECUTE FUNCTION refuse_deal();
        """)
    client = api(host=team_a.host, user=team_a.admin)
    client.client.raise_request_exception = False

    response = client.post(lead_url(lead.pk, "convert"))

    assert response.status_code == 500
    assert crm_a.query(Contact.objects.count) == 0
    assert crm_a.query(lambda: Lead.objects.get(pk=lead.pk).status) == "new"
    assert crm_a.events("lead.converted") == []


def test_the_conversion_service_is_all_or_nothing_by_itself(team_a, crm_a):
    """Not only inside the API action's transaction: a task or a page calling lead_convert gets
    the same guarantee (the contact's INSERT is undone with the failed deal's)."""
    lead = crm_a.lead()
    with tenant_context(team_a.tenant):
        with connection.cursor() as cursor:
            cursor.execute("""
                CREATE FUNCTION refuse_deal() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'deals are refused'; END $$ LANGUAGE plpgsql;
                CREATE TRIGGER refuse_deal BEFORE INSERT ON crm_deal FOR EACH ROW EXECUTE FUNCTION refuse_deal();
            """)
        with pytest.raises(DatabaseError, match="deals are refused"):
            services.lead_convert(actor=team_a.admin, lead=Lead.objects.get(pk=lead.pk))

        assert Contact.objects.count() == 0
        assert Lead.objects.get(pk=lead.pk).status == "new"


# --- Score ----------------------------------------------------------------------------------


def test_the_score_endpoint_explains_the_score(admin_api, crm_a):
    lead = crm_a.lead(source="referral", company="Acme", phone="+14155552671", email="ceo@acme-industries.com",
                      position="CEO")

    response = admin_api.get(lead_url(lead.pk, "score"))

    assert response.status_code == 200
    body = response.json()
    assert body["score"] == lead.score
    assert body["is_manual"] is False
    assert body["factors_up"]
    assert all(factor["label"] for factor in body["factors_up"] + body["factors_down"])

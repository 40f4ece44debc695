"""The CRM workspace pages (/crm/): lists with live filters, record pages, the pipeline board and
activities. The rules belong to modules.crm.services; these tests check that each page carries
them out through the same services, answers htmx with the right fragment, shows refusals
inline (422), and that another workspace's ids are simply not found."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.crm.models import Activity, Contact, Deal, DealStageChange, Lead, Stage

HTMX = {"HTTP_HX_REQUEST": "true"}


def page_of(response) -> str:
    return response.content.decode()


# --- Every page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_it_renders_every_crm_page_in_the_users_language(member, crm_a, language):
    member.cookies["django_language"] = language
    lead = crm_a.lead(name="Ana Souza")
    deal = crm_a.deal(title="ERP rollout", value="5000.00", currency="BRL")
    activity = crm_a.activity(related_to_type="lead", related_to_id=lead.pk, subject="Call Ana")
    pages = [
        "/crm/leads/", f"/crm/leads/{lead.pk}/", "/crm/contacts/", f"/crm/contacts/{deal.contact_id}/",
        "/crm/pipeline/", f"/crm/deals/{deal.pk}/", "/crm/deals/new/", "/crm/activities/",
    ]

    responses = {path: member.get(path) for path in pages}

    assert {path: response.status_code for path, response in responses.items()} == dict.fromkeys(pages, 200)
    for response in responses.values():
        assert f'<html lang="{language}"' in page_of(response)
    money = "R$ 5.000,00" if language == "pt-br" else "R$5,000.00"
    assert money in page_of(responses["/crm/pipeline/"])
    assert money in page_of(responses[f"/crm/deals/{deal.pk}/"])
    assert "Ana Souza" in page_of(responses["/crm/leads/"])
    assert activity.subject in page_of(responses[f"/crm/leads/{lead.pk}/"])
    assert activity.subject in page_of(responses["/crm/activities/"])


def test_it_opens_the_crm_on_the_leads_and_marks_it_in_the_sidebar(member):
    response = member.get("/crm/")

    assert response.status_code == 302
    assert response["Location"] == "/crm/leads/"
    sidebar = page_of(member.get("/crm/leads/"))
    assert '<a href="/crm/" aria-current="page">' in sidebar


def test_it_says_when_there_is_nothing_yet(member):
    assert "<h2>No leads yet</h2>" in page_of(member.get("/crm/leads/"))
    assert "No contacts yet. Add one, or convert a lead." in page_of(member.get("/crm/contacts/"))
    assert "No activities yet. Plan a call, a meeting or a task." in page_of(member.get("/crm/activities/"))
    assert 'data-empty="No deals here"' in page_of(member.get("/crm/pipeline/"))


def test_a_workspace_without_leads_shows_how_to_add_or_import_them_instead_of_filters(member):
    page = page_of(member.get("/crm/leads/"))

    assert 'id="leads-empty"' in page
    assert "Leads are the people and companies you may sell to." in page
    assert '<summary role="button" class="small">New lead</summary>' in page
    assert 'action="/crm/leads/import/"' in page
    assert 'id="lead-filters"' not in page and 'id="lead-bulk"' not in page


def test_a_filter_that_finds_nothing_keeps_the_filters_and_says_so(member, crm_a):
    crm_a.lead(name="Ana Souza")

    page = page_of(member.get("/crm/leads/?search=zzzz"))

    assert 'id="lead-filters"' in page and 'id="leads-empty"' not in page
    assert "No leads match these filters." in page


def test_it_asks_for_a_sign_in_first(client, team_a):
    response = client.get("/crm/leads/", HTTP_HOST=team_a.host)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Leads list --------------------------------------------------------------------------------------


def test_it_filters_leads_with_htmx_answering_the_table_alone(member, crm_a):
    crm_a.lead(name="Ana Souza", status="new", source="referral")
    crm_a.lead(name="Bruno Lima", status="contacted", source="ads")
    crm_a.lead(name="Carla Dias", status="lost", source="ads")

    response = member.get("/crm/leads/", {"status": ["new", "contacted"], "source": "ads"}, **HTMX)

    page = page_of(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="lead-results" class="list-results"')
    assert "<html" not in page
    assert "Bruno Lima" in page
    assert "Ana Souza" not in page and "Carla Dias" not in page


def test_it_searches_leads_and_says_when_nothing_matches(member, crm_a):
    crm_a.lead(name="Ana Souza", company="Souza Tech")
    crm_a.lead(name="Bruno Lima")

    found = page_of(member.get("/crm/leads/", {"search": "souz"}, **HTMX))
    nothing = page_of(member.get("/crm/leads/", {"search": "zzz"}, **HTMX))

    assert "Ana Souza" in found and "Bruno Lima" not in found
    assert "No leads match these filters." in nothing


def test_it_orders_and_pages_leads_through_the_boosted_table(member, crm_a):
    for score in (10, 90, 50):
        crm_a.lead(name=f"Lead {score}", score=score)

    page = page_of(member.get("/crm/leads/", {"sort": "-score"}, **HTMX))

    assert page.index("Lead 90") < page.index("Lead 50") < page.index("Lead 10")
    assert 'hx-boost="true" hx-target="#lead-results"' in page


def test_a_history_restore_gets_the_whole_page(member):
    response = member.get("/crm/leads/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert "<html" in page_of(response)


def test_it_changes_the_status_of_the_ticked_leads(member, crm_a):
    ana, bruno = crm_a.lead(name="Ana"), crm_a.lead(name="Bruno")
    crm_a.lead(name="Carla")

    response = member.post(
        "/crm/leads/status/?search=a", {"leads": [ana.pk, bruno.pk], "status": "qualified"}, **HTMX
    )

    assert response.status_code == 200
    assert "2 leads changed." in page_of(response)
    statuses = crm_a.query(lambda: dict(Lead.objects.values_list("name", "status")))
    assert statuses == {"Ana": "qualified", "Bruno": "qualified", "Carla": "new"}


def test_without_javascript_the_bulk_change_goes_back_to_the_same_list(member, crm_a):
    ana = crm_a.lead(name="Ana")

    response = member.post("/crm/leads/status/?status=new&page=1", {"leads": [ana.pk], "status": "lost"})

    assert response.status_code == 302
    assert response["Location"] == "/crm/leads/?status=new&page=1"
    assert crm_a.query(lambda: Lead.objects.get(pk=ana.pk).status) == "lost"


def test_a_bulk_change_says_which_converted_leads_kept_their_status(member, crm_a):
    ana, bruno = crm_a.lead(name="Ana"), crm_a.lead(name="Bruno")
    crm_a.query(lambda: Lead.objects.filter(pk=bruno.pk).update(status="converted"))

    response = member.post("/crm/leads/status/", {"leads": [ana.pk, bruno.pk], "status": "lost"}, **HTMX)

    assert "1 lead changed. 1 converted lead kept its status." in page_of(response)
    assert crm_a.query(lambda: dict(Lead.objects.values_list("name", "status"))) == {
        "Ana": "lost", "Bruno": "converted",
    }


def test_a_bulk_change_without_ticked_leads_says_so(member, crm_a):
    response = member.post("/crm/leads/status/", {"status": "lost"}, **HTMX)

    assert response.status_code == 422
    assert "Tick the leads to change first." in page_of(response)


def test_it_creates_a_lead_and_opens_it(member, crm_a, team_a):
    response = member.post(
        "/crm/leads/new/",
        {"name": "Dora Reis", "email": "Dora@Reis.com", "source": "website", "status": "new",
         "tags": "vip, retail", "assigned_to": team_a.user.pk},
        **HTMX,
    )

    lead = crm_a.query(lambda: Lead.objects.get(email="dora@reis.com"))
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/crm/leads/{lead.pk}/"
    assert (lead.name, lead.source, lead.tags, lead.assigned_to_id) == (
        "Dora Reis", "website", ["vip", "retail"], team_a.user.pk,
    )


def test_a_lead_with_an_invalid_email_comes_back_with_the_error_beside_it(member, crm_a):
    response = member.post("/crm/leads/new/", {"name": "Dora", "email": "not-an-email", "source": "other",
                                               "status": "new"}, **HTMX)

    page = page_of(response)
    assert response.status_code == 422
    assert page.lstrip().startswith('<form id="lead-form"')
    assert '<small class="field-error" id="id_email_error">Enter a valid email address.</small>' in page
    assert crm_a.query(lambda: Lead.objects.count()) == 0


def test_the_services_refusal_shows_beside_its_field(member, crm_a):
    crm_a.lead(email="taken@example.com")

    response = member.post("/crm/leads/new/", {"name": "Dup", "email": "taken@example.com", "source": "other",
                                               "status": "new"}, **HTMX)

    assert response.status_code == 422
    assert "A lead with this email already exists." in page_of(response)


def test_it_imports_a_csv_and_reports_the_rows_left_out(member, crm_a, django_capture_on_commit_callbacks):
    csv = "name,email,company\nAna Souza,ana@souza.com,Souza\nBroken,not-an-email,\nBruno,bruno@lima.com,\n"
    upload = SimpleUploadedFile("leads.csv", csv.encode(), content_type="text/csv")

    # The worker's part runs at commit (here, as the block ends); the page polls until it is done.
    with django_capture_on_commit_callbacks(execute=True):
        started = member.post("/crm/leads/import/", {"file": upload}, **HTMX)
    poll_url = re.search(r'hx-get="(/crm/leads/import/\d+/)" hx-trigger="every 1s"', page_of(started)).group(1)
    response = member.get(poll_url, **HTMX)

    page = page_of(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="import-panel">')
    assert '<p class="message message-success">2 leads imported.</p>' in page
    assert "1 row was left out:" in page
    assert '<td class="numeric">3</td>' in page
    assert sorted(crm_a.query(lambda: list(Lead.objects.values_list("email", flat=True)))) == [
        "ana@souza.com", "bruno@lima.com",
    ]


def test_an_import_where_every_row_failed_is_not_reported_as_a_success(
    member, crm_a, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("leads.csv", b"name,email,phone\nBroken,not-an-email,\nAna,ana@souza.com,12345\n")

    with django_capture_on_commit_callbacks(execute=True):
        started = member.post("/crm/leads/import/", {"file": upload}, **HTMX)
    poll_url = re.search(r'hx-get="(/crm/leads/import/\d+/)" hx-trigger="every 1s"', page_of(started)).group(1)
    page = page_of(member.get(poll_url, **HTMX))

    assert '<p class="message message-warning">0 leads imported.</p>' in page
    assert "Phone: Enter a valid phone number" in page


def test_a_file_that_is_not_a_csv_is_refused_with_the_reason(member, crm_a, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00", content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        started = member.post("/crm/leads/import/", {"file": upload}, **HTMX)
    poll_url = re.search(r'hx-get="(/crm/leads/import/\d+/)"', page_of(started)).group(1)
    response = member.get(poll_url, **HTMX)

    assert response.status_code == 422
    assert "This is not a CSV file." in page_of(response)
    assert crm_a.query(Lead.objects.count) == 0


def test_an_empty_upload_is_refused_beside_the_file_field(member, crm_a):
    upload = SimpleUploadedFile("empty.csv", b"", content_type="text/csv")

    response = member.post("/crm/leads/import/", {"file": upload}, **HTMX)

    assert response.status_code == 422
    assert 'class="field-error"' in page_of(response)


# --- One lead ------------------------------------------------------------------------------------------


def test_it_edits_a_lead_and_redraws_its_panel(member, crm_a):
    lead = crm_a.lead(name="Ana", company="Old Co")

    response = member.post(f"/crm/leads/{lead.pk}/edit/", {
        "name": "Ana Souza", "email": lead.email, "company": "New Co", "source": lead.source,
    }, **HTMX)

    assert response.status_code == 200
    fragment = page_of(response)
    assert fragment.lstrip().startswith('<div id="lead-panel"')
    saved = fragment.split('<div id="messages" role="status" hx-swap-oob="true">', 1)[1]
    assert "The lead was saved." in saved
    assert crm_a.query(lambda: Lead.objects.values_list("name", "company").get(pk=lead.pk)) == ("Ana Souza", "New Co")
    assert [event.name for event in crm_a.events("lead.updated")] == ["lead.updated"]


@pytest.mark.parametrize("kind", ["lead", "contact", "deal"])
def test_a_record_page_has_no_duplicate_ids_so_every_label_points_at_its_own_field(member, crm_a, kind):
    record = getattr(crm_a, kind)()

    page = page_of(member.get(f"/crm/{kind}s/{record.pk}/"))

    ids = re.findall(r' id="([^"]+)"', page)
    assert [name for name in set(ids) if ids.count(name) > 1] == []
    assert set(re.findall(r' for="([^"]+)"', page)) <= set(ids)


def test_it_changes_a_leads_status(member, crm_a):
    lead = crm_a.lead()

    response = member.post(f"/crm/leads/{lead.pk}/status/", {"status": "contacted"})

    assert response.status_code == 302
    assert crm_a.query(lambda: Lead.objects.get(pk=lead.pk).status) == "contacted"


def test_it_explains_the_score_and_hands_a_manual_one_back_to_the_model(member, crm_a):
    lead = crm_a.lead(company="Souza Tech", score=95)

    explained = page_of(member.get(f"/crm/leads/{lead.pk}/"))
    reset = member.post(f"/crm/leads/{lead.pk}/score/", {"score": ""}, **HTMX)

    assert "Set by hand." in explained
    assert "Company given" in explained or "Raising the score" in explained
    assert reset.status_code == 200
    lead = crm_a.query(lambda: Lead.objects.get(pk=lead.pk))
    assert lead.score_is_manual is False
    assert "Calculated by the model" in page_of(reset)


def test_it_sets_a_score_by_hand_and_refuses_one_above_100(member, crm_a):
    lead = crm_a.lead()

    refused = member.post(f"/crm/leads/{lead.pk}/score/", {"score": "101"}, **HTMX)
    member.post(f"/crm/leads/{lead.pk}/score/", {"score": "77"}, **HTMX)

    assert refused.status_code == 422
    assert "Ensure this value is less than or equal to 100." in page_of(refused)
    lead = crm_a.query(lambda: Lead.objects.get(pk=lead.pk))
    assert (lead.score, lead.score_is_manual) == (77, True)


def test_it_converts_a_lead_and_opens_its_new_deal(member, crm_a, team_a):
    lead = crm_a.lead(name="Ana Souza", company="Souza Tech")

    response = member.post(
        f"/crm/leads/{lead.pk}/convert/", {"title": "", "value": "2500.00", "currency": "BRL"}, **HTMX
    )

    deal = crm_a.query(lambda: Deal.objects.select_related("contact").get(lead_id=lead.pk))
    assert response["HX-Redirect"] == f"/crm/deals/{deal.pk}/"
    assert (deal.title, deal.value, deal.currency, deal.stage) == ("Souza Tech", Decimal("2500.00"), "BRL", "prospect")
    assert deal.contact.email == lead.email
    assert crm_a.query(lambda: Lead.objects.get(pk=lead.pk).status) == "converted"
    assert crm_a.query(lambda: DealStageChange.objects.get(deal=deal).changed_by_id) == team_a.user.pk


def test_converting_twice_is_refused_inline(member, crm_a):
    lead = crm_a.lead()
    member.post(f"/crm/leads/{lead.pk}/convert/", {"currency": "USD"})

    response = member.post(f"/crm/leads/{lead.pk}/convert/", {"currency": "USD"}, **HTMX)

    assert response.status_code == 422
    assert "This lead was already converted." in page_of(response)
    assert crm_a.query(lambda: Deal.objects.count()) == 1


def test_only_those_the_service_lets_delete_see_the_button(client, team_a, crm_a):
    lead = crm_a.lead()
    client.defaults["HTTP_HOST"] = team_a.host

    client.force_login(team_a.user)
    as_user = page_of(client.get(f"/crm/leads/{lead.pk}/"))
    refused = client.post(f"/crm/leads/{lead.pk}/delete/")
    client.force_login(team_a.manager)
    as_manager = page_of(client.get(f"/crm/leads/{lead.pk}/"))
    deleted = client.post(f"/crm/leads/{lead.pk}/delete/")

    assert "Delete lead" not in as_user
    assert refused.status_code == 403
    assert "Delete lead" in as_manager
    assert deleted.status_code == 302 and deleted["Location"] == "/crm/leads/"
    assert crm_a.query(lambda: Lead.objects.filter(pk=lead.pk).exists()) is False


# --- Contacts ----------------------------------------------------------------------------------------


def test_it_filters_contacts_with_htmx(member, crm_a):
    crm_a.contact(name="Carla Dias", company="Dias ME")
    crm_a.contact(name="Zeca")

    page = page_of(member.get("/crm/contacts/", {"search": "dias"}, **HTMX))

    assert page.lstrip().startswith('<div id="contact-results"')
    assert "Carla Dias" in page and "Zeca" not in page


def test_a_list_url_tells_caches_its_fragment_and_its_page_apart(member, crm_a):
    """Back to a filtered list's URL must not show the htmx fragment cached under it."""
    fragment = member.get("/crm/leads/", {"search": "ana"}, **HTMX)
    page = member.get("/crm/leads/", {"search": "ana"})

    assert "HX-Request" in fragment["Vary"] and "HX-Request" in page["Vary"]
    assert page_of(page).lstrip().lower().startswith("<!doctype html")


def test_a_contact_page_shows_their_deals(member, crm_a):
    contact = crm_a.contact(name="Carla")
    crm_a.deal(contact=contact, title="Website redesign")

    page = page_of(member.get(f"/crm/contacts/{contact.pk}/"))

    assert "Website redesign" in page
    assert f'href="/crm/deals/new/?contact={contact.pk}"' in page


def test_it_edits_a_contact_and_goes_back_to_their_page(member, crm_a):
    contact = crm_a.contact(name="Carla", email="carla@example.com")

    response = member.post(f"/crm/contacts/{contact.pk}/edit/", {
        "name": "Carla Dias", "email": "carla.dias@example.com", "company": "Dias Ltda",
    })

    assert response.status_code == 302 and response["Location"] == f"/crm/contacts/{contact.pk}/"
    assert crm_a.query(lambda: Contact.objects.values_list("name", "email", "company").get(pk=contact.pk)) == (
        "Carla Dias", "carla.dias@example.com", "Dias Ltda",
    )


def test_a_contact_edit_refused_by_the_service_shows_why_in_the_panel_and_changes_nothing(member, crm_a):
    crm_a.contact(email="taken@example.com")
    contact = crm_a.contact(name="Carla", email="carla@example.com")

    response = member.post(f"/crm/contacts/{contact.pk}/edit/", {
        "name": "Carla Dias", "email": "taken@example.com",
    }, **HTMX)

    page = page_of(response)
    assert response.status_code == 422
    assert page.lstrip().startswith('<div id="contact-panel"')
    assert "A contact with this email already exists." in page
    assert crm_a.query(lambda: Contact.objects.values_list("name", "email").get(pk=contact.pk)) == (
        "Carla", "carla@example.com",
    )


def test_a_contact_with_deals_says_why_it_cannot_be_deleted_instead_of_offering_the_button(client, team_a, crm_a):
    deal = crm_a.deal()
    alone = crm_a.contact(name="No deals yet")
    client.force_login(team_a.admin)

    with_deals = page_of(client.get(f"/crm/contacts/{deal.contact_id}/", HTTP_HOST=team_a.host))
    without = page_of(client.get(f"/crm/contacts/{alone.pk}/", HTTP_HOST=team_a.host))

    assert "This contact has 1 deal. Delete or reassign it before deleting the contact." in with_deals
    assert f'action="/crm/contacts/{deal.contact_id}/delete/"' not in with_deals
    assert f'action="/crm/contacts/{alone.pk}/delete/"' in without


def test_deleting_a_contact_with_deals_is_refused_with_the_services_reason(client, team_a, crm_a):
    deal = crm_a.deal()
    client.force_login(team_a.admin)

    response = client.post(f"/crm/contacts/{deal.contact_id}/delete/", HTTP_HOST=team_a.host, **HTMX)

    assert response.status_code == 422
    assert "This contact has 1 deal. Delete or reassign it before deleting the contact." in page_of(response)
    assert crm_a.query(lambda: Contact.objects.filter(pk=deal.contact_id).exists()) is True


# --- Pipeline --------------------------------------------------------------------------------------------


def test_the_board_shows_each_stage_with_its_count_totals_and_cards(member, crm_a):
    crm_a.deal(title="Alpha ERP", value="1000.00", currency="USD")
    crm_a.deal(title="Beta CRM", value="250.50", currency="USD")
    crm_a.deal(title="Gamma BI", value="3000.00", currency="BRL", stage="proposal")

    page = page_of(member.get("/crm/pipeline/"))

    for stage in ("prospect", "proposal", "negotiation", "closed_won", "closed_lost"):
        assert f'id="column-head-{stage}"' in page
    prospect = page[page.index('id="column-head-prospect"'):page.index('id="column-head-proposal"')]
    assert '<span class="badge badge-muted" data-count>2</span>' in prospect
    assert "<span>$1,250.50</span>" in prospect
    assert "Alpha ERP" in prospect and "Beta CRM" in prospect
    assert "<span>R$3,000.00</span>" in page


def test_a_card_moved_on_the_board_is_saved_with_its_history(member, crm_a, team_a):
    deal = crm_a.deal(title="Alpha ERP", value="1000.00", currency="USD")

    response = member.post(f"/crm/pipeline/deals/{deal.pk}/move/", {"stage": "proposal", "position": "0"})

    page = page_of(response)
    assert response.status_code == 200
    proposal = page[page.index('id="column-head-proposal"'):page.index('id="column-head-negotiation"')]
    assert '<span class="badge badge-muted" data-count>1</span>' in proposal
    assert "<span>$1,000.00</span>" in proposal
    deal = crm_a.query(lambda: Deal.objects.get(pk=deal.pk))
    assert (deal.stage, deal.position, deal.probability) == ("proposal", 0, 40)
    changes = crm_a.query(lambda: list(DealStageChange.objects.filter(deal=deal).values_list(
        "from_stage", "to_stage", "changed_by_id"
    )))
    assert changes == [("", "prospect", team_a.admin.pk), ("prospect", "proposal", team_a.user.pk)]


def test_a_move_to_nowhere_is_refused(member, crm_a):
    deal = crm_a.deal()

    response = member.post(f"/crm/pipeline/deals/{deal.pk}/move/", {"stage": "limbo", "position": "0"})

    assert response.status_code == 422
    assert "<p data-board-error>This move could not be saved.</p>" in page_of(response)
    assert crm_a.query(lambda: Deal.objects.get(pk=deal.pk).stage) == "prospect"


def test_the_won_dialog_marks_the_deal_won(member, crm_a):
    deal = crm_a.deal(value="800.00", currency="USD")

    response = member.post(f"/crm/pipeline/deals/{deal.pk}/won/")
    again = member.post(f"/crm/pipeline/deals/{deal.pk}/won/")

    won = page_of(response)[page_of(response).index('id="column-head-closed_won"'):]
    assert response.status_code == 200
    assert "<span>$800.00</span>" in won
    assert crm_a.query(lambda: Deal.objects.get(pk=deal.pk).stage) == Stage.CLOSED_WON
    assert again.status_code == 422
    assert "This deal is already marked as won." in page_of(again)


def test_the_lost_dialog_keeps_the_reason(member, crm_a):
    deal = crm_a.deal()

    response = member.post(f"/crm/pipeline/deals/{deal.pk}/lost/", {"lost_reason": "  Went with a competitor "})

    assert response.status_code == 200
    deal = crm_a.query(lambda: Deal.objects.get(pk=deal.pk))
    assert (deal.stage, deal.lost_reason) == ("closed_lost", "Went with a competitor")
    assert [event.name for event in crm_a.events("deal.lost")] == ["deal.lost"]


def test_the_board_costs_the_same_queries_for_10_or_200_deals(member, crm_a):
    contact = crm_a.contact()

    def add_deals(count: int) -> None:
        crm_a.query(lambda: Deal.objects.bulk_create([
            Deal(title=f"Deal {n}", contact=contact, value=Decimal("100.00"), currency=("USD", "BRL")[n % 2],
                 stage=Stage.values[n % 5])
            for n in range(count)
        ]))

    add_deals(10)
    member.get("/crm/pipeline/")  # the first page of a session also fills per-tenant caches
    with CaptureQueriesContext(connection) as ten:
        assert member.get("/crm/pipeline/").status_code == 200
    add_deals(190)
    with CaptureQueriesContext(connection) as two_hundred:
        page = page_of(member.get("/crm/pipeline/"))

    # 40 deals a stage: every open one is a card, the closed columns show their latest 30.
    assert page.count('class="board-card"') == 3 * 40 + 2 * 30
    assert page.count("Showing the latest 30.") == 2
    assert len(two_hundred) == len(ten)


def test_it_creates_a_deal_for_a_contact_and_opens_it(member, crm_a, team_a):
    contact = crm_a.contact(name="Carla")

    form = page_of(member.get(f"/crm/deals/new/?contact={contact.pk}"))
    response = member.post("/crm/deals/new/", {
        "title": "Support plan", "contact": contact.pk, "value": "1200.00", "currency": "USD", "stage": "prospect",
        "expected_close_date": "2030-01-31", "assigned_to": team_a.user.pk,
    })

    assert f'<option value="{contact.pk}" selected>Carla</option>' in form
    deal = crm_a.query(lambda: Deal.objects.get(title="Support plan"))
    assert response["Location"] == f"/crm/deals/{deal.pk}/"
    assert (deal.contact_id, deal.value, deal.probability) == (contact.pk, Decimal("1200.00"), 10)


def test_a_deal_without_a_contact_or_value_is_refused_inline(member, crm_a):
    response = member.post("/crm/deals/new/", {"title": "Nothing", "currency": "USD", "stage": "prospect"}, **HTMX)

    page = page_of(response)
    assert response.status_code == 422
    assert page.lstrip().startswith('<form id="deal-form"')
    assert page.count("This field is required.") == 2


def test_it_edits_a_deal_and_its_page_shows_the_stage_history(member, crm_a, team_a):
    deal = crm_a.deal(title="Alpha ERP")

    member.post(f"/crm/deals/{deal.pk}/edit/", {
        "title": "Alpha ERP v2", "contact": deal.contact_id, "value": "1000.00", "currency": "USD",
        "stage": "negotiation", "probability": "", "lost_reason": "",
    })
    page = page_of(member.get(f"/crm/deals/{deal.pk}/"))

    assert crm_a.query(lambda: Deal.objects.values_list("title", "stage").get(pk=deal.pk)) == (
        "Alpha ERP v2", "negotiation",
    )
    assert "Created in Prospect" in page
    assert "Prospect → Negotiation" in page
    assert f"by {team_a.user.name}," in page


def test_the_contact_picker_searches_contacts(member, crm_a):
    crm_a.contact(name="Carla Dias")
    crm_a.contact(name="Zeca")

    response = member.get("/crm/lookup/", {"related_to_type": "contact", "q": "carl"})

    page = page_of(response)
    assert "Carla Dias" in page and "Zeca" not in page
    assert page.lstrip().startswith('<option value="">---------</option>')  # nothing picked for the user


# --- Activities ---------------------------------------------------------------------------------------------


def test_the_activities_page_opens_on_what_is_left_to_do(member, crm_a):
    now = timezone.now()
    done = crm_a.activity(subject="Old call", due_date=now - timedelta(days=60))
    crm_a.query(lambda: Activity.objects.filter(pk=done.pk).update(completed=True, completed_at=now))
    crm_a.activity(subject="Someday", due_date=None)
    crm_a.activity(subject="Next week", due_date=now + timedelta(days=7))
    crm_a.activity(subject="Tomorrow", due_date=now + timedelta(days=1))

    page = page_of(member.get("/crm/activities/"))
    by_due = page_of(member.get("/crm/activities/", {"sort": "due_date"}))

    def order(html: str) -> list[str]:
        subjects = ("Tomorrow", "Next week", "Someday", "Old call")
        return sorted(subjects, key=html.index)

    assert order(page) == ["Tomorrow", "Next week", "Someday", "Old call"]
    assert order(by_due) == ["Old call", "Tomorrow", "Next week", "Someday"]  # the header still sorts


def test_it_filters_activities(member, crm_a):
    crm_a.activity(type="call", subject="Call Ana")
    crm_a.activity(type="meeting", subject="Demo for Bruno")

    page = page_of(member.get("/crm/activities/", {"type": "meeting", "completed": "false"}, **HTMX))

    assert page.lstrip().startswith('<div id="activity-results"')
    assert "Demo for Bruno" in page and "Call Ana" not in page


def test_it_completes_an_activity_in_its_row(member, crm_a, team_a):
    activity = crm_a.activity(subject="Call Ana", assigned_to=team_a.user)

    response = member.post(f"/crm/activities/{activity.pk}/complete/", **HTMX)

    page = page_of(response)
    assert response.status_code == 200
    assert page.startswith(f'<tr id="activity-{activity.pk}" class="is-done ')
    assert '<span class="badge badge-ok"' in page
    assert crm_a.query(lambda: Activity.objects.get(pk=activity.pk).completed) is True


def test_it_completes_an_activity_on_a_records_timeline(member, crm_a, team_a):
    lead = crm_a.lead()
    activity = crm_a.activity(
        related_to_type="lead", related_to_id=lead.pk, subject="Call Ana", assigned_to=team_a.user
    )

    response = member.post(f"/crm/activities/{activity.pk}/complete/", {"from": "timeline"}, **HTMX)

    assert page_of(response).lstrip().startswith('<section id="timeline"')
    assert "Done on" in page_of(response)


def test_it_adds_an_activity_from_a_records_timeline(member, crm_a, team_a):
    deal = crm_a.deal()

    response = member.post("/crm/activities/new/", {
        "from": "timeline", "related_to_type": "deal", "related_to_id": deal.pk, "type": "meeting",
        "subject": "Kick-off", "due_date": "2030-05-01T10:30",
    }, **HTMX)

    assert response.status_code == 200
    assert "Kick-off" in page_of(response)
    activity = crm_a.query(lambda: Activity.objects.get(subject="Kick-off"))
    assert (activity.related_to_type, activity.related_to_id) == ("deal", deal.pk)
    assert activity.created_by_id == team_a.user.pk


def test_an_activity_without_a_subject_comes_back_with_the_error(member, crm_a):
    lead = crm_a.lead()

    response = member.post("/crm/activities/new/", {
        "type": "call", "subject": "", "related_to_type": "lead", "related_to_id": lead.pk,
    }, **HTMX)

    assert response.status_code == 422
    assert page_of(response).lstrip().startswith('<form id="activity-form"')
    assert "This field is required." in page_of(response)


def test_an_activity_about_a_record_that_does_not_exist_is_refused_by_the_service(member, crm_a):
    response = member.post("/crm/activities/new/", {
        "type": "call", "subject": "Ghost", "related_to_type": "contact", "related_to_id": 999999,
    }, **HTMX)

    assert response.status_code == 422
    assert "No contact with this id exists." in page_of(response)


# --- Another workspace --------------------------------------------------------------------------------------


def test_another_workspace_finds_none_of_these_records(outsider, crm_a):
    lead = crm_a.lead()
    deal = crm_a.deal()
    activity = crm_a.activity(related_to_type="lead", related_to_id=lead.pk)

    reads = [f"/crm/leads/{lead.pk}/", f"/crm/contacts/{deal.contact_id}/", f"/crm/deals/{deal.pk}/"]
    writes = [
        (f"/crm/leads/{lead.pk}/status/", {"status": "lost"}),
        (f"/crm/leads/{lead.pk}/convert/", {"currency": "USD"}),
        (f"/crm/pipeline/deals/{deal.pk}/move/", {"stage": "proposal", "position": "0"}),
        (f"/crm/pipeline/deals/{deal.pk}/won/", {}),
        (f"/crm/activities/{activity.pk}/complete/", {}),
        ("/crm/activities/new/", {"from": "timeline", "related_to_type": "lead", "related_to_id": lead.pk,
                                  "type": "call", "subject": "Snoop"}),
    ]

    assert [outsider.get(path).status_code for path in reads] == [404, 404, 404]
    assert [outsider.post(path, data).status_code for path, data in writes] == [404] * len(writes)
    assert crm_a.query(lambda: Lead.objects.get(pk=lead.pk).status) == "new"
    assert crm_a.query(lambda: Deal.objects.get(pk=deal.pk).stage) == "prospect"
    assert crm_a.query(lambda: Activity.objects.get(pk=activity.pk).completed) is False


def test_a_session_of_another_workspace_is_not_honoured_here(client, team_a, team_b, crm_a):
    lead = crm_a.lead()
    client.force_login(team_b.admin)

    response = client.get(f"/crm/leads/{lead.pk}/", HTTP_HOST=team_a.host)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

"""The CRM permission table (modules/crm/access.py), through the API and the pages alike.

A plain user changes what is assigned to them or to nobody, assigns only to themselves or to
nobody, and deletes nothing but the activities they planned; managers and admins do all of it.
No right follows from something the user can set themselves."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.crm import access, services
from modules.crm.models import Activity, Contact, Deal, Lead
from modules.events.models import Event
from tests.conftest import on_own_connection

HTMX = {"HTTP_HX_REQUEST": "true"}
API = "/api/v1/crm"


@pytest.fixture
def user_api(api, team_a):
    return api(host=team_a.host, user=team_a.user)


# --- API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["leads", "contacts", "deals"])
def test_a_user_cannot_delete_a_record_by_assigning_it_to_themselves_first(user_api, team_a, crm_a, kind):
    record = {"leads": crm_a.lead, "contacts": crm_a.contact, "deals": crm_a.deal}[kind]()
    model = {"leads": Lead, "contacts": Contact, "deals": Deal}[kind]

    taken = user_api.patch(f"{API}/{kind}/{record.pk}/", {"assigned_to": team_a.user.pk})
    deleted = user_api.delete(f"{API}/{kind}/{record.pk}/")

    assert taken.status_code == 200  # an unassigned record: the user may take it
    assert deleted.status_code == 403
    assert deleted.json() == {"detail": "Only a manager or an admin can delete this record."}
    assert crm_a.query(lambda: model.objects.filter(pk=record.pk).exists())


def test_a_user_cannot_take_or_change_a_record_assigned_to_someone_else(user_api, team_a, crm_a):
    lead = crm_a.lead(name="Theirs", assigned_to=team_a.manager)

    taken = user_api.patch(f"{API}/leads/{lead.pk}/", {"assigned_to": team_a.user.pk})
    renamed = user_api.patch(f"{API}/leads/{lead.pk}/", {"name": "Mine now"})

    assert taken.status_code == renamed.status_code == 403
    assert renamed.json() == {
        "detail": "This record is assigned to someone else: only they, a manager or an admin can change it."
    }
    lead = crm_a.query(lambda: Lead.objects.get(pk=lead.pk))
    assert (lead.name, lead.assigned_to_id) == ("Theirs", team_a.manager.pk)


def test_a_user_assigns_only_to_themselves_or_nobody(user_api, team_a, crm_a):
    mine = crm_a.lead(assigned_to=team_a.user)

    handed_over = user_api.patch(f"{API}/leads/{mine.pk}/", {"assigned_to": team_a.manager.pk})
    created = user_api.post(f"{API}/leads/", {"name": "N", "email": "n@example.com", "assigned_to": team_a.admin.pk})
    released = user_api.patch(f"{API}/leads/{mine.pk}/", {"assigned_to": None})

    assert handed_over.status_code == created.status_code == 403
    assert created.json() == {"detail": "Only managers and admins can assign records to someone else."}
    assert released.status_code == 200 and released.json()["assigned_to"] is None
    assert crm_a.query(lambda: Lead.objects.filter(email="n@example.com").exists()) is False


def test_a_manager_reassigns_and_deletes_anything(api, team_a, crm_a):
    manager = api(host=team_a.host, user=team_a.manager)
    lead = crm_a.lead(assigned_to=team_a.user)

    assert manager.patch(f"{API}/leads/{lead.pk}/", {"assigned_to": team_a.admin.pk}).status_code == 200
    assert manager.delete(f"{API}/leads/{lead.pk}/").status_code == 204


def test_a_user_deletes_the_activities_they_planned_and_no_others(user_api, team_a, crm_a):
    lead = crm_a.lead()
    planned = user_api.post(f"{API}/activities/", {
        "type": "call", "subject": "Mine", "related_to_type": "lead", "related_to_id": lead.pk,
    }).json()
    theirs = crm_a.activity(related_to_type="lead", related_to_id=lead.pk, assigned_to=team_a.user)

    assert user_api.delete(f"{API}/activities/{theirs.pk}/").status_code == 403
    assert user_api.delete(f"{API}/activities/{planned['id']}/").status_code == 204
    assert crm_a.query(lambda: list(Activity.objects.values_list("pk", flat=True))) == [theirs.pk]


# --- Pages -------------------------------------------------------------------------------------


def test_on_the_pages_a_user_cannot_delete_what_they_assigned_to_themselves(member, team_a, crm_a):
    lead = crm_a.lead()

    taken = member.post(f"/crm/leads/{lead.pk}/edit/", {
        "name": lead.name, "email": lead.email, "source": lead.source, "assigned_to": team_a.user.pk,
    })
    page = member.get(f"/crm/leads/{lead.pk}/").content.decode()
    deleted = member.post(f"/crm/leads/{lead.pk}/delete/")

    assert taken.status_code == 302
    assert "Delete lead" not in page
    assert deleted.status_code == 403
    assert "Only a manager or an admin can delete this record." in deleted.content.decode()
    assert crm_a.query(lambda: Lead.objects.get(pk=lead.pk).assigned_to_id) == team_a.user.pk


def test_on_the_pages_a_user_is_offered_only_themselves_and_cannot_post_someone_else(member, team_a, crm_a):
    lead = crm_a.lead()

    form = member.get(f"/crm/leads/{lead.pk}/").content.decode()
    forged = member.post(f"/crm/leads/{lead.pk}/edit/", {
        "name": lead.name, "email": lead.email, "source": lead.source, "assigned_to": team_a.manager.pk,
    }, **HTMX)

    assert f'<option value="{team_a.user.pk}"' in form
    assert f'<option value="{team_a.manager.pk}"' not in form
    assert forged.status_code == 422
    assert crm_a.query(lambda: Lead.objects.get(pk=lead.pk).assigned_to_id) is None


def test_on_the_pages_someone_elses_record_cannot_be_edited(member, team_a, crm_a):
    lead = crm_a.lead(name="Theirs", assigned_to=team_a.manager)

    response = member.post(f"/crm/leads/{lead.pk}/status/", {"status": "lost"})

    assert response.status_code == 403
    assert crm_a.query(lambda: Lead.objects.get(pk=lead.pk).status) == "new"


@pytest.mark.parametrize("kind", ["lead", "contact", "deal"])
def test_a_record_page_offers_changes_only_to_those_who_may_make_them(member, team_a, crm_a, kind):
    theirs = getattr(crm_a, kind)(assigned_to=team_a.manager)
    path = f"/crm/{kind}s/{theirs.pk}/"

    page = member.get(path).content.decode()

    assert f'action="{path}edit/"' not in page
    assert f'action="{path}status/"' not in page and f'action="{path}score/"' not in page
    assert "only they, a manager or an admin can change it" in page
    mine = getattr(crm_a, kind)(assigned_to=team_a.user)
    assert f'action="/crm/{kind}s/{mine.pk}/edit/"' in member.get(f"/crm/{kind}s/{mine.pk}/").content.decode()


def test_a_bulk_change_leaves_the_leads_of_others_as_they_were(member, team_a, crm_a):
    mine, free, theirs = (
        crm_a.lead(assigned_to=team_a.user), crm_a.lead(), crm_a.lead(assigned_to=team_a.manager)
    )

    response = member.post("/crm/leads/status/", {"leads": [mine.pk, free.pk, theirs.pk], "status": "lost"}, **HTMX)

    assert response.status_code == 200
    assert "2 leads changed. 1 lead assigned to someone else was left as it was." in response.content.decode()
    statuses = crm_a.query(lambda: dict(Lead.objects.values_list("pk", "status")))
    assert statuses == {mine.pk: "lost", free.pk: "lost", theirs.pk: "new"}


def test_the_board_refuses_to_move_someone_elses_deal_and_says_why(member, team_a, crm_a):
    deal = crm_a.deal(assigned_to=team_a.manager)

    moved = member.post(f"/crm/pipeline/deals/{deal.pk}/move/", {"stage": "proposal", "position": "0"}, **HTMX)
    won = member.post(f"/crm/pipeline/deals/{deal.pk}/won/", **HTMX)

    assert moved.status_code == won.status_code == 403
    assert "only they, a manager or an admin can change it" in moved.content.decode()
    assert crm_a.query(lambda: Deal.objects.get(pk=deal.pk).stage) == "prospect"


# --- What make mutants found untested (docs/mutants.md) ------------------------------------------


@pytest.mark.parametrize("kind", ["leads", "contacts", "deals", "activities"])
def test_a_user_cannot_change_a_record_assigned_to_a_teammate(user_api, team_a, crm_a, kind):
    make = {"leads": crm_a.lead, "contacts": crm_a.contact, "deals": crm_a.deal, "activities": crm_a.activity}[kind]
    record = make(assigned_to=team_a.manager)
    field = {"leads": "name", "contacts": "name", "deals": "title", "activities": "subject"}[kind]

    response = user_api.patch(f"{API}/{kind}/{record.pk}/", {field: "Hijacked"})

    assert response.status_code == 403
    model = {"leads": Lead, "contacts": Contact, "deals": Deal, "activities": Activity}[kind]
    assert crm_a.query(lambda: getattr(model.objects.get(pk=record.pk), field)) != "Hijacked"


def test_a_user_may_change_an_activity_they_planned_for_a_teammate(api, team_a, crm_a):
    planned = crm_a.activity(assigned_to=team_a.manager)
    crm_a.query(lambda: Activity.objects.filter(pk=planned.pk).update(created_by=team_a.user))

    response = api(host=team_a.host, user=team_a.user).patch(f"{API}/activities/{planned.pk}/",
                                                             {"subject": "Moved to Friday"})

    assert response.status_code == 200
    assert response.json()["subject"] == "Moved to Friday"


def test_the_assignee_choices_are_the_workspaces_active_people(team_a, team_b):
    from modules.accounts.models import User
    from modules.crm.access import assignable

    assert list(assignable(team_a.user).values_list("pk", flat=True)) == [team_a.user.pk]  # only themselves
    User.objects.filter(pk=team_a.user.pk).update(is_active=False)

    offered = set(assignable(team_a.manager).values_list("pk", flat=True))

    assert offered == {team_a.admin.pk, team_a.manager.pk}  # not beta's, not the deactivated user
    assert set(assignable(team_a.admin).values_list("pk", flat=True)) == offered


# --- A change waits for the one in flight --------------------------------------------------------


def test_two_people_changing_one_lead_at_once_keep_both_changes(team_a):
    """Access for a change locks the row before reading it: the second edit waits for the first
    to commit and saves on top of it, instead of writing back the name it read before. Each side
    runs as the API's PATCH does (access, then the service, in one transaction) on a connection
    of its own, and commits for real; the lead is removed after."""
    def in_alpha(function):
        def run():
            with tenant_context(team_a.tenant):
                return function()
        return on_own_connection(run)

    def edit(actor, changes):
        with transaction.atomic():
            return services.lead_update(
                actor=actor, lead=access.access_lead(actor, lead.pk, for_write=True), changes=changes
            )

    started = timezone.now()
    lead = in_alpha(lambda: services.lead_create(actor=team_a.admin, name="Ana", email="lock@acme.com"))
    first_applied, may_commit = threading.Event(), threading.Event()

    def rename_and_hold():
        with transaction.atomic():
            edit(team_a.user, {"name": "Ana Souza"})
            first_applied.set()
            may_commit.wait(timeout=10)

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            first = pool.submit(in_alpha, rename_and_hold)
            assert first_applied.wait(timeout=10)
            second = pool.submit(in_alpha, lambda: edit(team_a.manager, {"company": "Acme"}))
            with pytest.raises(TimeoutError):
                second.result(timeout=0.5)  # it waits on the lead's row lock
            may_commit.set()
            first.result(timeout=10)
            assert second.result(timeout=10).name == "Ana Souza"

        saved = in_alpha(lambda: Lead.objects.get(pk=lead.pk))
        assert (saved.name, saved.company) == ("Ana Souza", "Acme")
    finally:
        may_commit.set()
        in_alpha(lambda: (
            Lead.objects.filter(pk=lead.pk).delete(), Event.objects.filter(occurred_at__gte=started).delete()
        ))

"""In Chromium, completing a call on a lead's timeline updates the lead's score panel in place,
without a reload.

The server (tests/e2e/conftest.py) commits what the browser does, so the teammate, lead and call
this module makes are committed too, and removed when it ends.
"""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.crm import services
from modules.crm.models import Activity, ActivityType, Lead, RelatedType
from modules.events.models import Event
from tests.e2e.conftest import chromium, sign_in, user_who_signs_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lead_with_an_old_call(django_db_setup, django_db_blocker):
    """Alpha's teammate and a lead of theirs with a call planned 45 days ago, still to do."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:8]
    started = timezone.now()
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = user_who_signs_in(f"sara.{tag}@alpha.example.com", name="Sara Score", tenant=team.tenant, role=Role.USER)
        with tenant_context(team.tenant):
            lead = Lead.objects.create(
                name=f"Padaria {tag}", email=f"dona.{tag}@padaria.com.br", company="Padaria", assigned_to=user
            )
            call = Activity.objects.create(
                type=ActivityType.CALL, subject=f"Call about the oven {tag}", related_to_type=RelatedType.LEAD,
                related_to_id=lead.pk, assigned_to=user, created_by=user,
            )
            Activity.objects.filter(pk=call.pk).update(created_at=timezone.now() - timedelta(days=45))
            lead = services.lead_update(actor=None, lead=lead, changes={})  # scored with the old call
        connection.set_schema_to_public()
    yield {"host": team.host, "tenant": team.tenant, "user": user, "lead": lead, "call": call}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            Activity.objects.filter(pk=call.pk).delete()
            Lead.objects.filter(pk=lead.pk).delete()
            Event.objects.filter(occurred_at__gte=started).delete()
        connection.set_schema_to_public()
        user.delete()


def stored_score(fixture) -> int:
    with tenant_context(fixture["tenant"]):
        score = Lead.objects.get(pk=fixture["lead"].pk).score
    connection.set_schema_to_public()
    return score


@pytest.mark.django_db
def test_completing_a_call_updates_the_score_panel_without_a_reload(server, lead_with_an_old_call):
    from playwright.sync_api import expect

    fixture = lead_with_an_old_call
    before = fixture["lead"].score
    base = f"http://{fixture['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, base, fixture["user"])
        page.goto(f"{base}/crm/leads/{fixture['lead'].pk}/")
        meter = page.locator("#lead-score meter")
        expect(meter).to_have_attribute("value", str(before))
        page.evaluate("window.stillThisPage = true")

        item = page.locator(f"#timeline-activity-{fixture['call'].pk}")
        item.get_by_role("button", name="Complete").click()

        expect(item).to_contain_text("Done on")
        expect(meter).not_to_have_attribute("value", str(before))
        shown = int(meter.get_attribute("value"))
        expect(page.locator("#lead-score .factor-up")).to_contain_text("Last activity within 7 days")
        assert page.evaluate("window.stillThisPage") is True  # swapped in place, not reloaded

    assert shown == stored_score(fixture) > before

"""axe-core (package.json, served like the other front-end libraries) runs in a real Chromium on
each face a new customer meets, wide and narrow, and finds nothing serious or critical: contrast,
names, labels, landmarks. One server, one browser: the pages and widths are looped.

The server (tests/e2e/conftest.py) commits what this module makes; it is removed when it ends."""

import json
import uuid

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.crm.models import Contact, Deal, Lead, Stage
from modules.events.models import Event
from tests.conftest import ADMIN_HOST, PASSWORD, PUBLIC_HOST
from tests.e2e.axe import AXE, RUN_AXE, WIDTHS
from tests.e2e.conftest import sign_in, user_who_signs_in

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def workspace(django_db_setup, django_db_blocker):
    """Alpha's workspace with a manager who signs in through the form, a lead and a won and an open deal."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        manager = user_who_signs_in(f"axe.{tag}@alpha.example.com", name="Ana", tenant=team.tenant, role=Role.MANAGER)
        staff = user_who_signs_in(f"axe.{tag}@innexar.app", name="Sam", superuser=True)
        with tenant_context(team.tenant):
            lead = Lead.objects.create(name="Lia Contrast", email=f"lia.{tag}@example.com", company="Lia SA")
            contact = Contact.objects.create(name="Caio Axe", email=f"caio.{tag}@example.com")
            deals = [
                Deal.objects.create(
                    title=f"{stage} {tag}", contact=contact, value="1200.00", currency="BRL", stage=stage
                )
                for stage in (Stage.PROSPECT, Stage.CLOSED_WON, Stage.CLOSED_LOST)
            ]
        connection.set_schema_to_public()
    yield {"host": team.host, "manager": manager, "staff": staff, "lead": lead}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            ids = [deal.pk for deal in deals]
            Event.objects.filter(payload__id__in=[*ids, lead.pk, contact.pk]).delete()
            Deal.objects.filter(pk__in=ids).delete()
            contact.delete()
            lead.delete()
        connection.set_schema_to_public()
        manager.delete()
        staff.delete()


@pytest.mark.django_db
def test_no_page_has_a_serious_or_critical_accessibility_violation(server, browser, workspace):
    public, admin, tenant = (f"http://{host}:{server}" for host in (PUBLIC_HOST, ADMIN_HOST, workspace["host"]))
    pages = {
        "landing": public + "/",
        "pricing": public + "/pricing/",
        "signup": public + "/signup/",
        "dashboard": tenant + "/",
        "leads": tenant + "/crm/leads/",
        "lead": tenant + f"/crm/leads/{workspace['lead'].pk}/",
        "pipeline": tenant + "/crm/pipeline/",
        "settings": tenant + "/settings/",
        "platform admin": admin + "/",
    }
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    sign_in(page, tenant, workspace["manager"])
    page.goto(admin + "/login/")
    page.get_by_label("Email").fill(workspace["staff"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(admin + "/")

    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.add_script_tag(url=AXE)
            violations = page.evaluate(RUN_AXE)
            if violations:
                found[f"{name} at {width} px"] = violations
    context.close()

    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)

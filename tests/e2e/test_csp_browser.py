"""A real Chromium loads every face under the Content-Security-Policy and reports no violation:
no inline script or style, no eval, nothing from another origin (docs/security.md).
The server (tests/e2e/conftest.py) commits what this module makes; it is removed when it ends."""

import uuid

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.crm.models import Lead
from tests.conftest import ADMIN_HOST, PUBLIC_HOST
from tests.e2e.conftest import sign_in, user_who_signs_in

pytestmark = pytest.mark.browser

# Chromium fires this event for every blocked load, script, style or eval, before any script of ours runs.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
MARKETING = ["/", "/pricing/", "/signup/", "/sign-in/"]
WORKSPACE = [
    "/", "/crm/leads/", "/crm/contacts/", "/crm/pipeline/", "/crm/activities/", "/crm/deals/new/",
    "/settings/", "/settings/profile/", "/settings/team/", "/no-such-page/",
]


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        manager = user_who_signs_in(f"csp.{tag}@alpha.example.com", name="Cora", tenant=team.tenant, role=Role.MANAGER)
        staff = user_who_signs_in(f"csp.{tag}@innexar.app", name="Sam", superuser=True)
        # One lead, so that the leads page has its filters (an empty workspace shows how to start).
        with tenant_context(team.tenant):
            lead = Lead.objects.create(name="Cora Lead", email=f"csp.{tag}@example.com")
    yield {"host": team.host, "manager": manager, "staff": staff}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            lead.delete()
        connection.set_schema_to_public()
        manager.delete()
        staff.delete()


@pytest.mark.django_db
def test_no_face_breaks_its_content_security_policy(server, browser, people):
    context = browser.new_context()
    context.add_init_script(LISTEN)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    found = {}

    def visit(url: str) -> None:
        policy = page.goto(url).headers.get("content-security-policy", "")
        page.wait_for_load_state("networkidle")
        found[url] = page.evaluate("window.__violations") + ([] if "script-src 'self'" in policy else ["no policy"])

    public, admin, workspace = (f"http://{host}:{server}" for host in (PUBLIC_HOST, ADMIN_HOST, people["host"]))
    for path in MARKETING:
        visit(public + path)
    visit(public + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info")  # Swagger UI drew the schema: its script ran

    visit(admin + "/login/")
    page.get_by_label("Email").fill(people["staff"].email)
    page.get_by_label("Password").fill("Correct-Horse-42")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(admin + "/")
    found[admin + "/ (signed in)"] = page.evaluate("window.__violations")

    visit(workspace + "/accounts/login/")
    sign_in(page, workspace, people["manager"])
    for path in WORKSPACE:
        visit(workspace + path)
    page.goto(workspace + "/crm/leads/")
    page.get_by_label("Search leads").fill("nobody at all")  # an htmx swap of the results
    page.wait_for_selector("text=No leads match these filters.")
    found["htmx swap"] = page.evaluate("window.__violations")
    context.close()

    assert {url: violations for url, violations in found.items() if violations} == {}
    assert [text for text in console if "Content Security Policy" in text] == []

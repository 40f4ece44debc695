"""The workspace's dashboard and the home page of every module, gated by the tenant's plan."""

import pytest

from modules.tenancy.models import Tenant

MODULE_PAGES = [
    ("/crm/", "CRM", "Move deals across a drag-and-drop pipeline"),
    ("/finance/", "Finance", "Import bank statements (OFX, CSV) and reconcile them"),
    ("/invoicing/", "Invoicing", "Issue NF-e in Brazil and CFDI in Mexico"),
    ("/inventory/", "Inventory", "Record stock movements and inventory counts"),
    ("/projects/", "Projects", "Organise tasks on a Kanban board"),
    ("/integrations/", "Integrations", "Sync customers and invoices with QuickBooks"),
    ("/analytics/", "Analytics &amp; reports", "Export reports as PDF, Excel and CSV"),
    ("/webhooks/", "Webhooks", "Signed payloads and automatic retries"),
]


def on_plan(team, plan: str) -> None:
    Tenant.objects.filter(pk=team.tenant.pk).update(plan=plan)


def test_it_shows_the_dashboard_with_the_user_and_company(client, team_a):
    client.force_login(team_a.manager)

    response = client.get("/", HTTP_HOST=team_a.host)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Welcome, Alpha" in page
    assert "This is the Alpha Industries workspace." in page
    assert "<strong>Professional</strong>" in page
    assert '<strong>3 <span class="muted">/ 15</span></strong>' in page


def test_it_lists_every_module_in_the_navigation(client, team_a):
    client.force_login(team_a.user)

    page = client.get("/", HTTP_HOST=team_a.host).content.decode()

    nav = page[page.index('<aside class="sidebar">') : page.index("</aside>")]
    for path in ["/", *(path for path, _, _ in MODULE_PAGES), "/settings/"]:
        assert f'<a href="{path}"' in nav
    for label in ["Dashboard", *(title for _, title, _ in MODULE_PAGES), "Settings"]:
        assert label in nav


# The CRM has its own pages (tests/crm/test_pages.py); the other modules still show a placeholder.
PLACEHOLDER_PAGES = [page for page in MODULE_PAGES if page[0] != "/crm/"]


@pytest.mark.parametrize(("path", "title", "promise"), PLACEHOLDER_PAGES)
def test_it_shows_what_each_module_will_do(client, team_a, path, title, promise):
    on_plan(team_a, "enterprise")
    client.force_login(team_a.user)

    response = client.get(path, HTTP_HOST=team_a.host)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<h1 class="page-title">{title}</h1>' in page
    assert promise in page
    assert f'<a href="{path}" aria-current="page">' in page


def test_it_refuses_inventory_on_the_starter_plan_naming_the_plan_needed(client, team_b):
    client.force_login(team_b.admin)

    response = client.get("/inventory/", HTTP_HOST=team_b.host)

    assert response.status_code == 403
    page = response.content.decode()
    assert "Your plan does not include Inventory and stock movements." in page
    assert "Upgrade to the Professional plan to use it." in page
    assert "Your workspace is on the Starter plan." in page


def test_it_opens_inventory_on_the_professional_plan(client, team_a):
    client.force_login(team_a.user)

    assert client.get("/inventory/", HTTP_HOST=team_a.host).status_code == 200


def test_it_refuses_webhooks_below_the_enterprise_plan(client, team_a):
    client.force_login(team_a.user)

    response = client.get("/webhooks/", HTTP_HOST=team_a.host)

    assert response.status_code == 403
    assert "Upgrade to the Enterprise plan to use it." in response.content.decode()


def test_it_marks_the_modules_the_plan_lacks_in_the_navigation(client, team_b):
    client.force_login(team_b.user)

    page = client.get("/", HTTP_HOST=team_b.host).content.decode()

    assert '<span class="nav-lock" title="Professional plan">Professional</span>' in page
    assert '<span class="nav-lock" title="Enterprise plan">Enterprise</span>' in page


def test_it_shows_a_suspended_workspace_as_such(client, team_b):
    Tenant.objects.filter(pk=team_b.tenant.pk).update(is_active=False)
    client.force_login(team_b.admin)

    response = client.get("/", HTTP_HOST=team_b.host)

    assert response.status_code == 403
    assert "The Beta Trading workspace is suspended" in response.content.decode()

"""The workspace's dashboard and the home page of every module, gated by the tenant's plan."""

from django.conf import settings

from modules.tenancy.models import Tenant
from modules.tenancy.plans import cheapest_plan_with, plan_includes
from modules.workspace.navigation import MODULES

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


def test_it_ends_the_welcome_line_once_after_a_company_name_that_ends_with_a_dot(client, team_a):
    Tenant.objects.filter(pk=team_a.tenant.pk).update(name="Northwind Supply Co.")
    client.force_login(team_a.manager)

    english = client.get("/", HTTP_HOST=team_a.host).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"
    portuguese = client.get("/", HTTP_HOST=team_a.host).content.decode()

    # Mid-sentence the name keeps its dot; where it ends the sentence, that dot ends it.
    assert "This is the Northwind Supply Co. workspace." in english
    assert "Este é o espaço de trabalho de Northwind Supply Co. Tudo o que sua equipe precisa" in portuguese
    assert "Co.." not in portuguese


def test_it_names_the_company_in_full_on_hover_where_the_sidebar_cuts_it_short(client, team_a):
    client.force_login(team_a.user)

    page = client.get("/", HTTP_HOST=team_a.host).content.decode()

    assert '<a href="/" class="brand sidebar-brand" title="Alpha Industries">' in page


def module_cards(page: str) -> dict[str, str]:
    """Each dashboard card's HTML, by the module's path."""
    cards = page.split('<a class="module-card')[1:]
    return {card.split('href="', 1)[1].split('"', 1)[0]: card.split("</a>", 1)[0] for card in cards}


def test_it_marks_the_modules_not_built_yet_as_coming_soon_on_the_dashboard(client, team_a):
    client.force_login(team_a.user)

    cards = module_cards(client.get("/", HTTP_HOST=team_a.host).content.decode())

    assert set(cards) == {path for path, _, _ in MODULE_PAGES}
    for module in MODULES:
        card = cards[f"/{module.key}/"]
        if module.has_pages:
            assert "Coming soon" not in card, module.key
        else:
            assert '<span class="badge badge-warn">Coming soon</span>' in card, module.key
    assert "Coming soon" not in cards["/crm/"]
    # A module not built yet and not on the plan says both.
    for module in MODULES:
        if not module.has_pages and not plan_includes("professional", module.feature):
            card = cards[f"/{module.key}/"]
            assert "Coming soon" in card and f"{cheapest_plan_with(module.feature).label} plan" in card, module.key


def test_it_lists_every_module_in_the_navigation(client, team_a):
    client.force_login(team_a.user)

    page = client.get("/", HTTP_HOST=team_a.host).content.decode()

    nav = page[page.index('<aside class="sidebar">') : page.index("</aside>")]
    for path in ["/", *(path for path, _, _ in MODULE_PAGES), "/settings/"]:
        assert f'<a href="{path}"' in nav
    for label in ["Dashboard", *(title for _, title, _ in MODULE_PAGES), "Settings"]:
        assert label in nav


# Every module has its own pages now (tests/<module>/); the placeholder page a module has before it
# ships is tested on a stand-in (tests/core/test_i18n.py).


def test_it_refuses_inventory_on_the_starter_plan_naming_the_plan_needed(client, team_b):
    client.force_login(team_b.admin)

    response = client.get("/inventory/", HTTP_HOST=team_b.host)

    assert response.status_code == 403
    page = response.content.decode()
    # A short heading, the details below it.
    assert "<h2>Available on the Professional plan</h2>" in page
    assert "<p>Your plan does not include Inventory and stock movements." in page
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

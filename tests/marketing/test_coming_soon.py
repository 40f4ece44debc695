"""The marketing pages and the invitation mail offer what a plan gives today: a module not built
yet is marked as coming soon, from the same `Feature.available` the API's plan gate asks."""

import re

import pytest
from django.test import modify_settings

from modules.accounts.services import user_invite
from modules.tenancy.plans import Feature
from tests.conftest import PUBLIC_HOST
from tests.tenancy.webhooks_stand_in import shipped, unbuilt


@pytest.fixture
def public(client, db):
    def get(path, language="en"):
        return client.get(path, HTTP_HOST=PUBLIC_HOST, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    return get


def feature_line(page: str, plan: str, label: str) -> str:
    card = page.split(f'id="plan-{plan}"')[1].split("</article>")[0]
    return next(line for line in re.findall(r"<li.*?</li>", card, flags=re.S) if label in line)


def landing_card(page: str, title: str) -> str:
    return next(card for card in re.findall(r"<article>.*?</article>", page, flags=re.S) if f"<h3>{title}</h3>" in card)


def test_the_pricing_page_includes_the_crm_and_marks_the_modules_not_built_yet_as_coming(public):
    with unbuilt():
        page = public("/pricing/")

    for label in (
        "CRM: leads, contacts", "Payables, receivables and cash flow",
        "Invoices with NF-e, CFDI, Stripe, boleto and PIX",
    ):
        included = feature_line(page, "starter", label)
        assert "Included:" in included and "Coming soon" not in included, label
    for label in ("Inventory and stock movements", "Projects with Kanban", "Analytics and PDF"):
        included = feature_line(page, "professional", label)
        assert "Included:" in included and "Coming soon" not in included, label
    integrations = feature_line(page, "enterprise", "QuickBooks, Stripe and WhatsApp")
    assert "Included:" in integrations and "Coming soon" not in integrations
    for label in (
        "Outgoing webhooks",
    ):
        assert '<span class="badge badge-warn">Coming soon</span>' in feature_line(page, "enterprise", label), label


def test_the_pricing_page_says_coming_soon_in_the_visitors_language(public):
    with unbuilt():
        page = public("/pricing/", language="pt-BR")

    assert '<span class="badge badge-warn">Em breve</span>' in feature_line(page, "enterprise", "Webhooks de saída")


def test_the_landing_page_marks_each_module_not_built_yet_as_coming_soon(public):
    with unbuilt():
        page = public("/")

    for title in ("CRM", "Finance", "Invoicing", "Inventory", "Projects", "Integrations", "Analytics &amp; reports"):
        assert "Coming soon" not in landing_card(page, title), title
    assert '<span class="badge badge-warn">Coming soon</span>' in landing_card(page, "Webhooks")
    assert "Electronic invoices and payment methods come with the Invoicing module, coming soon." not in page


@pytest.mark.parametrize("language, promise", [
    ("en", "CRM, Finance, and Invoicing from day one"),
    ("pt-BR", "CRM, Financeiro e Faturamento desde o primeiro dia"),
    ("es", "CRM, Finanzas y Facturación desde el primer día"),
])
def test_the_signup_page_promises_only_the_modules_that_exist(public, language, promise):
    page = public("/signup/", language=language)

    assert f"<li>{promise}</li>" in page  # exactly these: invoicing and the rest are not built yet


def test_the_invitation_mail_names_what_the_team_can_use_today(team_a, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_invite(actor=team_a.admin, email="new@alpha.example.com", name="Nora New", role="user", language="es")

    body = mailoutbox[0].body
    assert ("donde el equipo trabaja en conjunto con: CRM, Finanzas, Facturación, Inventario, Proyectos y Analítica"
            " e informes.") in body


def test_flipping_availability_changes_the_pricing_page_and_the_api_gate_alike(public, api, team_a):
    """Without the CRM app the CRM is coming soon on the pricing page, and its API refuses."""
    crm_api = api(host=team_a.host, user=team_a.admin)
    assert crm_api.get("/api/v1/crm/leads/").status_code == 200

    with modify_settings(INSTALLED_APPS={"remove": ["modules.crm"]}):
        page = public("/pricing/")
        response = crm_api.get("/api/v1/crm/leads/")

    assert '<span class="badge badge-warn">Coming soon</span>' in feature_line(page, "starter", "CRM: leads")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Coming soon: CRM: leads, contacts, deal pipeline and activities. No plan offers it yet."
    }


def test_installing_a_module_takes_its_coming_soon_mark_off(public):
    with unbuilt():
        before = public("/pricing/")
    with shipped():
        page = public("/pricing/")

    assert "Coming soon" in feature_line(before, "enterprise", "Outgoing webhooks")
    assert "Coming soon" not in feature_line(page, "enterprise", "Outgoing webhooks")
    # Its mark alone: every other line of the plan is what it was.
    for feature in Feature:
        if feature != Feature.WEBHOOKS:
            label = str(feature.label)
            assert feature_line(page, "enterprise", label) == feature_line(before, "enterprise", label), label

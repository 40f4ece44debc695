"""A real Chromium checks the workspace's layout on a phone (390x844) and a laptop (1280x800).

On a phone no page scrolls sideways and the sidebar folds behind a menu button; on a laptop the
leads and contacts lists fit their box in every language (Pico's root font grows to 125% from
1280px on), and the pipeline board scrolls inside its own box, every amount and count inside its
card or column.
The server (tests/e2e/conftest.py) commits what this module makes; it is removed when it ends.
"""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.crm.models import Contact, Deal, Lead, LeadStatus, Source, Stage
from tests.e2e.conftest import sign_in, user_who_signs_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}

# Rows like a real team's: long names, two-word companies, company-domain emails, every status.
LEADS = [
    ("Gabriela Castillo", "Herrera Construcciones", "herrera.com.mx", LeadStatus.CONTACTED, Source.SOCIAL, 86),
    ("Thiago Ribeiro", "Ribeiro Tech", "ribeirotech.com.br", LeadStatus.QUALIFIED, Source.WEBSITE, 99),
    ("Chloe Adams", "Adams Law Office", "adamslaw.com", LeadStatus.CONVERTED, Source.REFERRAL, 79),
    ("Samuel Ortiz", "Ortiz Transportes", "ortiztransportes.mx", LeadStatus.CONTACTED, Source.OTHER, 64),
    ("Isabella Flores", "Flores Eventos", "floreseventos.mx", LeadStatus.NEW, Source.ADS, 12),
    ("Camila Rocha", "Rocha Contabilidade", "rochacontabilidade.com.br", LeadStatus.QUALIFIED, Source.WEBSITE, 69),
    ("Lucas Almeida", "Almeida Engenharia", "almeidaengenharia.com.br", LeadStatus.LOST, Source.SOCIAL, 3),
    ("Olivia Bennett", "Bennett Dental Group", "bennettdental.com", LeadStatus.CONVERTED, Source.REFERRAL, 72),
    ("Sofía Ramírez", "Café Ramírez", "caferamirez.mx", LeadStatus.NEW, Source.ADS, 50),
    ("Daniel Vargas", "", "gmail.com", LeadStatus.LOST, Source.SOCIAL, 1),
]


@pytest.fixture(scope="module")
def workspace(django_db_setup, django_db_blocker):
    """Alpha's workspace with a teammate who signs in through the form, leads assigned to her, and a
    contact whose deals have long titles and large amounts, in every stage."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = user_who_signs_in(
            f"mariana.{tag}@alpha.example.com", name="Mariana Costa", tenant=team.tenant, role=Role.USER
        )
        with tenant_context(team.tenant):
            leads = [
                Lead.objects.create(
                    name=name, company=company, email=f"{name.split()[0].lower()}.{tag}@{domain}",
                    phone="+5511987654321", status=status, source=source, score=score, assigned_to_id=user.pk,
                )
                for name, company, domain, status, source, score in LEADS
            ]
            contact = Contact.objects.create(
                name="Valentina Cruz", email=f"valentina.cruz.{tag}@cruzboutique.mx", phone="+525512345678",
                company="Cruz Boutique Internacional", position="Directora comercial", assigned_to_id=user.pk,
            )
            deals = [
                Deal.objects.create(
                    title=title, contact=contact, value=Decimal(value), currency=currency, stage=stage,
                    expected_close_date=date(2027, 3, 31),
                )
                for title, value, currency, stage in [
                    ("Dental clinic management suite", "18500.00", "USD", Stage.PROSPECT),
                    ("Implantação ERP obras e suprimentos", "12480000.00", "MXN", Stage.PROPOSAL),
                    ("Renovação anual + treinamento", "410000.00", "MXN", Stage.NEGOTIATION),
                    ("Import compliance add-on", "9600.00", "USD", Stage.CLOSED_WON),
                    ("Tienda en línea", "38000.00", "MXN", Stage.CLOSED_LOST),
                ]
            ]
        connection.set_schema_to_public()
    yield {"host": team.host, "user": user, "contact": contact, "leads": leads}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            Deal.objects.filter(pk__in=[deal.pk for deal in deals]).delete()
            contact.delete()
            Lead.objects.filter(pk__in=[lead.pk for lead in leads]).delete()
        connection.set_schema_to_public()
        user.delete()


def signed_in(browser, server, workspace, viewport):
    page = browser.new_page(viewport=viewport)
    base = f"http://{workspace['host']}:{server}"
    sign_in(page, base, workspace["user"])
    return page, base


def page_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def box_width(page, selector: str) -> tuple[int, int]:
    return page.locator(selector).evaluate("box => [box.scrollWidth, box.clientWidth]")


@pytest.mark.django_db
def test_on_a_phone_nothing_scrolls_sideways_and_the_menu_folds(browser, server, workspace):
    from playwright.sync_api import expect

    page, base = signed_in(browser, server, workspace, PHONE)
    page.goto(f"{base}/crm/")
    page.wait_for_url(f"{base}/crm/leads/")
    expect(page.locator("#lead-results tbody tr").first).to_be_visible()
    width, viewport = page_width(page)
    assert width <= viewport, f"the leads page is {width}px wide on a {viewport}px screen"

    menu = page.get_by_role("button", name="Menu")
    crm = page.locator(".sidebar").get_by_role("link", name="CRM", exact=True)
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"#{menu.get_attribute('aria-controls')}")).to_be_hidden()
    expect(crm).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(crm).to_be_visible()
    expect(page.locator(".sidebar").get_by_role("button", name="Sign out")).to_be_visible()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(crm).to_be_hidden()
    # Escape folds an open menu too, and leaves the focus on its button.
    menu.click()
    expect(crm).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(crm).to_be_hidden()
    expect(menu).to_be_focused()

    # The profile link keeps its avatar and is still named for screen readers.
    expect(page.locator(".user-chip .avatar")).to_be_visible()
    expect(page.get_by_role("link", name="Mariana Costa")).to_be_visible()

    page.goto(f"{base}/crm/contacts/{workspace['contact'].pk}/")
    expect(page.get_by_role("heading", name="Valentina Cruz")).to_be_visible()
    expect(page.get_by_role("link", name="Implantação ERP obras e suprimentos")).to_be_attached()
    width, viewport = page_width(page)
    assert width <= viewport, f"the contact page is {width}px wide on a {viewport}px screen"

    page.goto(f"{base}/crm/pipeline/")
    expect(page.locator(".board-card").first).to_be_visible()
    width, viewport = page_width(page)
    assert width <= viewport, f"the pipeline is {width}px wide on a {viewport}px screen"


@pytest.mark.django_db
def test_on_a_laptop_the_lists_fit_and_the_board_scrolls_in_its_own_box(browser, server, workspace):
    from playwright.sync_api import expect

    page, base = signed_in(browser, server, workspace, LAPTOP)
    # Wide enough for the full sidebar: no menu button, every link in sight.
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.locator(".sidebar").get_by_role("link", name="CRM", exact=True)).to_be_visible()
    expect(page.locator(".user-chip")).to_contain_text("Mariana Costa")

    # A filter's checkbox is a rounded square, not a circle like a radio button.
    page.goto(f"{base}/crm/leads/")
    checkbox = page.locator("#lead-filters input[type=checkbox]").first
    radius = checkbox.evaluate("box => parseFloat(getComputedStyle(box).borderTopLeftRadius)")
    assert radius < checkbox.bounding_box()["width"] / 4

    # Portuguese and Spanish labels are longer than English ones: every language must fit.
    for language in ("en", "pt-br", "es"):
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
        page.goto(f"{base}/crm/leads/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        for name, *_ in LEADS:
            expect(page.locator("#lead-results").get_by_role("link", name=name, exact=True)).to_be_visible()
        scroll, client = box_width(page, "#lead-results .table-container")
        assert scroll <= client, f"in {language}, the leads table is {scroll}px wide in a {client}px box"

        page.goto(f"{base}/crm/contacts/")
        expect(page.get_by_role("link", name="Valentina Cruz")).to_be_visible()
        scroll, client = box_width(page, ".list-results .table-container")
        assert scroll <= client, f"in {language}, the contacts table is {scroll}px wide in a {client}px box"

        page.goto(f"{base}/crm/pipeline/")
        expect(page.locator(".board-card").first).to_be_visible()
        width, viewport = page_width(page)
        assert width <= viewport, f"in {language}, the pipeline page is {width}px wide on a {viewport}px screen"
        # What does not fit scrolls inside the board, and nothing sticks out of a card or a column head.
        assert page.locator("#board").evaluate("board => getComputedStyle(board).overflowX") == "auto"
        spills = page.evaluate(
            """() => {
              const out = [];
              const inside = (part, box, what) => {
                // The part's box and its text: a box can stay inside while its text runs out of it.
                const text = document.createRange();
                text.selectNodeContents(part);
                const b = box.getBoundingClientRect();
                for (const a of [part.getBoundingClientRect(), text.getBoundingClientRect()]) {
                  if (a.left < b.left - 0.5 || a.right > b.right + 0.5) {
                    out.push(what + ': ' + part.textContent.trim());
                    break;
                  }
                }
              };
              document.querySelectorAll('.board-card').forEach(card => {
                inside(card.querySelector('.board-card-foot strong'), card, 'amount');
                inside(card.querySelector('a'), card, 'title');
              });
              document.querySelectorAll('.board-column-head').forEach(head => {
                inside(head.querySelector('[data-count]'), head, 'count');
                head.querySelectorAll('.board-totals span').forEach(total => inside(total, head, 'total'));
              });
              return out;
            }"""
        )
        assert spills == [], language

"""A real Chromium checks the marketing site and the platform admin on a phone (390x844).

In English, Portuguese and Spanish, no page is wider than the screen: the marketing header keeps
its call to action whole, on one line, inside the screen, and the sections keep a margin from its
edges; the platform admin's header keeps the staff email and Sign out inside its dark bar.
The server (tests/e2e/conftest.py) commits what this module makes; it is removed when it ends.
"""

import uuid

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import ADMIN_HOST, PASSWORD, PUBLIC_HOST
from tests.e2e.conftest import user_who_signs_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LANGUAGES = ["en", "pt-br", "es"]
MARKETING_PAGES = ["/", "/pricing/", "/signup/", "/sign-in/"]
# The smallest gap wanted between a section's content and the screen's edge (Pico gives 16px).
EDGE = 12


@pytest.fixture(scope="module")
def staff(django_db_setup, django_db_blocker):
    """A staff member who signs in to the platform admin through its form."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = user_who_signs_in(f"staff.{uuid.uuid4().hex[:6]}@innexar.app", name="Sam Staff", superuser=True)
    yield user
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user.delete()


def in_language(page, base: str, language: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])


def assert_no_sideways_scroll(page, what: str) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{what} is {width}px wide on a {viewport}px screen"


def assert_inside_the_screen(locator, what: str) -> dict:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not laid out"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{what} is cut off: {box}"
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], f"{what} is out of sight: {box}"
    return box


def lines_of_text(locator) -> float:
    """How many lines the element's text takes (its content height over its line height)."""
    return locator.evaluate(
        """box => { const style = getComputedStyle(box);
          const content = box.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
          return content / parseFloat(style.lineHeight); }"""
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_on_a_phone_the_marketing_pages_fit_the_screen(browser, server, language):
    from playwright.sync_api import expect

    page = browser.new_page(viewport=PHONE)
    base = f"http://{PUBLIC_HOST}:{server}"
    in_language(page, base, language)
    for path in MARKETING_PAGES:
        page.goto(f"{base}{path}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_no_sideways_scroll(page, f"{path} in {language}")

        header = page.get_by_role("banner")
        cta = header.locator("a[role=button]")
        expect(cta).to_be_visible()
        assert_inside_the_screen(cta, f"the header's call to action on {path} in {language}")
        assert lines_of_text(cta) < 1.5, f"the call to action wraps on {path} in {language}"
        sign_in = header.locator('a[href="/sign-in/"]')
        expect(sign_in).to_be_visible()
        assert_inside_the_screen(sign_in, f"the header's sign-in link on {path} in {language}")

        # The first box of the page's main section keeps a margin from both edges of the screen.
        content = page.locator("main .section").first.locator("article, hgroup, h1").first
        box = content.bounding_box()
        assert box["x"] >= EDGE and box["x"] + box["width"] <= PHONE["width"] - EDGE, (
            f"the content of {path} touches the screen's edge in {language}: {box}"
        )
    page.close()


@pytest.mark.django_db
def test_on_a_phone_the_platform_admin_keeps_its_header_tools_in_the_dark_bar(browser, server, staff):
    from playwright.sync_api import expect

    page = browser.new_page(viewport=PHONE)
    base = f"http://{ADMIN_HOST}:{server}"
    page.goto(f"{base}/login/")
    assert_no_sideways_scroll(page, "the staff sign-in page")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    for language in LANGUAGES:
        in_language(page, base, language)
        page.goto(f"{base}/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("#tenants-table table")).to_be_visible()
        assert_no_sideways_scroll(page, f"the tenants page in {language}")

        bar = page.get_by_role("banner").bounding_box()
        email = page.get_by_role("banner").get_by_text(staff.email)
        sign_out = page.get_by_role("banner").get_by_role("button")
        expect(email).to_be_visible()
        expect(sign_out).to_be_visible()
        for locator, what in [(email, "the staff email"), (sign_out, "Sign out")]:
            box = assert_inside_the_screen(locator, f"{what} in {language}")
            assert bar["y"] <= box["y"] and box["y"] + box["height"] <= bar["y"] + bar["height"], (
                f"{what} is outside the dark bar in {language}: {box} not in {bar}"
            )
        assert_inside_the_screen(page.get_by_role("banner").get_by_role("combobox"), f"the language in {language}")

    # Within reach too, not only in sight.
    page.get_by_role("banner").get_by_role("button").click()
    page.wait_for_url(f"{base}/login/")
    page.close()

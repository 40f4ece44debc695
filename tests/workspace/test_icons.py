"""Module icons are inline heroicons SVGs, not emoji: emoji need a colour-emoji font (headless
Chromium has none and draws empty boxes) and look different on every OS."""

import re
from html import unescape

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from modules.tenancy.models import Tenant
from modules.tenancy.plans import Feature
from modules.workspace.navigation import MODULES, WorkspaceModule
from tests.conftest import PUBLIC_HOST

EMOJI = ["👥", "💰", "🧾", "📦", "🗂", "🔌", "📊", "🪝", "🏠", "⚙", "🔒", "🇺🇸", "🇧🇷", "🇲🇽"]


def icon_paths(name: str) -> list[str]:
    """The path data heroicons draws for an outline icon (raises if the name does not exist)."""
    svg = Template("{% load heroicons %}{% heroicon_outline name %}").render(Context({"name": name}))
    paths = re.findall(r' d="([^"]+)"', svg)
    assert paths, name
    return paths


def between(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def assert_draws(fragment: str, icon: str, css_class: str) -> None:
    svg = between(fragment, "<svg", "</svg>")
    assert f'class="{css_class}"' in svg
    assert 'aria-hidden="true"' in svg
    for path in icon_paths(icon):
        assert f'd="{path}"' in svg, icon


def assert_no_emoji(page: str) -> None:
    assert [emoji for emoji in EMOJI if emoji in page] == []


def test_every_module_has_its_own_existing_icon():
    icons = [module.icon for module in MODULES]
    assert len(set(icons)) == len(icons)
    for icon in icons:
        icon_paths(icon)


def test_the_sidebar_draws_an_svg_icon_for_each_module(client, team_a):
    client.force_login(team_a.user)

    page = client.get("/", HTTP_HOST=team_a.host).content.decode()

    nav = between(between(page, '<aside class="sidebar">', "</aside>"), "<nav", "</nav>")
    for module in MODULES:
        assert_draws(between(nav, f'<a href="/{module.key}/"', "</a>"), module.icon, "nav-icon")
    assert_draws(between(nav, '<a href="/"', "</a>"), "home", "nav-icon")
    assert_draws(between(nav, '<a href="/settings/"', "</a>"), "cog-6-tooth", "nav-icon")
    assert_no_emoji(page)


def test_the_dashboard_cards_draw_an_svg_icon_for_each_module(client, team_a):
    client.force_login(team_a.user)

    page = client.get("/", HTTP_HOST=team_a.host).content.decode()

    cards = between(page, '<div class="card-grid">', "</main>")
    for module in MODULES:
        assert_draws(between(cards, f'href="/{module.key}/"', "</a>"), module.icon, "module-icon")


def test_a_module_placeholder_draws_its_svg_icon(rf, team_a):
    """Every module has shipped: the placeholder a module shows before it does, on a stand-in."""
    stand_in = WorkspaceModule("stand-in", "Stand-in", "puzzle-piece", Feature.INTEGRATIONS, "A module to come.", ())
    request = rf.get("/stand-in/", HTTP_HOST=team_a.host)
    request.user, request.tenant = team_a.user, team_a.tenant

    page = render_to_string("workspace/module_home.html", {"module": stand_in}, request=request)

    assert_draws(between(page, '<article class="empty-state">', "</article>"), "puzzle-piece", "empty-icon")
    assert_no_emoji(page)


@pytest.mark.django_db
def test_the_landing_page_draws_an_svg_icon_for_each_module(client):
    page = client.get("/", HTTP_HOST=PUBLIC_HOST).content.decode()

    grid = between(page, '<div class="feature-grid">', "</section>")
    cards = {
        unescape(re.search(r"<h3>(.*?)</h3>", card).group(1)): card
        for card in re.findall(r"<article>.*?</article>", grid, flags=re.S)
    }
    assert sorted(cards) == sorted(str(module.title) for module in MODULES)
    for module in MODULES:
        assert_draws(cards[str(module.title)], module.icon, "feature-icon")
    assert_no_emoji(page)


def test_a_module_outside_the_plan_draws_a_lock(client, team_a):
    Tenant.objects.filter(pk=team_a.tenant.pk).update(plan="starter")
    client.force_login(team_a.user)

    page = client.get("/webhooks/", HTTP_HOST=team_a.host).content.decode()

    assert_draws(between(page, '<article class="empty-state">', "</article>"), "lock-closed", "empty-icon")
    assert_no_emoji(page)


@pytest.mark.django_db
def test_the_landing_page_shows_each_markets_flag_as_an_image_we_serve(client):
    page = client.get("/", HTTP_HOST=PUBLIC_HOST).content.decode()

    flags = re.findall(r'<img class="flag" src="([^"]+)"', between(page, '<section class="countries">', "</section>"))
    assert flags == [f"/static/vendor/flags/{code}.svg" for code in ("us", "br", "mx")]
    for flag in flags:
        served = client.get(flag)
        assert served.status_code == 200
        assert b"<svg" in b"".join(served.streaming_content if served.streaming else [served.content])

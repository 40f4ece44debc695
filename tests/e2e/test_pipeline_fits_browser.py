"""The pipeline board at 1280 px and on a phone: every column or the Won and Lost targets in reach,
a hint for the screen at hand, and a deal without a value that says so."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.crm.models import Contact, Deal, DealStageChange, Stage
from modules.events.models import Event
from tests.e2e.conftest import chromium, sign_in, user_who_signs_in

pytestmark = pytest.mark.browser

POINTER_HINT = "Drag a card to another column to move the deal, or focus it and press Alt+→ or Alt+←"
TOUCH_HINT = "Tap a card's ⋯ menu to move the deal"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def board(django_db_setup, django_db_blocker):
    """Alpha's workspace with a teammate, a deal worth 4,200 and one converted without a value."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = user_who_signs_in(f"fits.{tag}@alpha.example.com", name="Fiona Fits", tenant=team.tenant, role=Role.USER)
        with tenant_context(team.tenant):
            contact = Contact.objects.create(name="Carlos Fits", email=f"carlos.{tag}@example.com")
            priced = Deal.objects.create(
                title=f"Priced {tag}", contact=contact, value=Decimal("4200.00"), currency="USD", stage=Stage.PROSPECT
            )
            unpriced = Deal.objects.create(
                title=f"Unpriced {tag}", contact=contact, value=Decimal("0.00"), currency="USD", stage=Stage.PROSPECT
            )
        connection.set_schema_to_public()
    yield {"host": team.host, "tenant": team.tenant, "user": user, "priced": priced, "unpriced": unpriced}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            ids = [priced.pk, unpriced.pk]
            Event.objects.filter(name__startswith="deal.", payload__id__in=ids).delete()
            Deal.objects.filter(pk__in=ids).delete()
            contact.delete()
        connection.set_schema_to_public()
        user.delete()


def saved(board, deal: Deal) -> tuple[str, list[tuple[str, str]]]:
    with tenant_context(board["tenant"]):
        stage = Deal.objects.get(pk=deal.pk).stage
        changes = DealStageChange.objects.filter(deal_id=deal.pk).order_by("id")
        moves = list(changes.values_list("from_stage", "to_stage"))
    connection.set_schema_to_public()
    return stage, moves


@pytest.mark.django_db
def test_at_1280_px_every_column_shows_and_a_deal_without_a_value_says_so(server, board):
    from playwright.sync_api import expect

    base = f"http://{board['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        sign_in(page, base, board["user"])
        page.goto(f"{base}/crm/pipeline/")

        for stage in Stage.values:
            column = page.locator(f'ol.board-cards[data-column="{stage}"]').bounding_box()
            assert column["x"] >= 0 and column["x"] + column["width"] <= 1280, stage
        expect(page.get_by_text(POINTER_HINT)).to_be_visible()
        expect(page.get_by_text(TOUCH_HINT)).to_be_hidden()

        expect(page.locator(f'.board-card[data-card="{board["unpriced"].pk}"] strong')).to_have_text("No value")
        expect(page.locator(f'.board-card[data-card="{board["priced"].pk}"] strong')).to_have_text("$4,200.00")


@pytest.mark.django_db
def test_on_a_phone_the_card_menu_reaches_lost_and_it_still_asks(server, board):
    from playwright.sync_api import expect

    deal = board["priced"]
    base = f"http://{board['host']}:{server}"
    with chromium() as browser:
        page = browser.new_context(**PHONE).new_page()
        sign_in(page, base, board["user"])
        page.goto(f"{base}/crm/pipeline/")
        expect(page.get_by_text(TOUCH_HINT)).to_be_visible()
        expect(page.get_by_text(POINTER_HINT)).to_be_hidden()

        card = page.locator(f'.board-card[data-card="{deal.pk}"]')
        card.get_by_role("button", name="Move this deal").tap()
        menu = page.locator("#move-dialog")
        expect(menu.get_by_role("button", name="Prospect")).to_be_disabled()  # where it already is
        menu.get_by_role("button", name="Lost").tap()
        dialog = page.locator("#lost-dialog")
        expect(dialog).to_be_visible()
        expect(dialog).to_be_in_viewport()
        dialog.get_by_label("Why was it lost?").fill("Went with a cheaper bakery")
        with page.expect_response(lambda response: response.url.endswith(f"/deals/{deal.pk}/lost/")) as lost:
            dialog.get_by_role("button", name="Mark as lost").tap()
        assert lost.value.status == 200
        expect(page.locator(f'ol[data-column="closed_lost"] .board-card[data-card="{deal.pk}"]')).to_be_attached()

    assert saved(board, deal) == (Stage.CLOSED_LOST, [(Stage.PROSPECT, Stage.CLOSED_LOST)])


@pytest.mark.django_db
def test_on_a_narrow_screen_dragging_brings_won_and_lost_into_view(server, board):
    from playwright.sync_api import expect

    deal = board["unpriced"]
    base = f"http://{board['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        sign_in(page, base, board["user"])
        page.goto(f"{base}/crm/pipeline/")
        dropbar = page.locator("#board-dropbar")
        expect(dropbar).to_be_hidden()

        start = page.locator(f'.board-card[data-card="{deal.pk}"] small').bounding_box()
        page.mouse.move(start["x"] + 5, start["y"] + 5)
        page.mouse.down()
        page.mouse.move(start["x"] + 15, start["y"] + 15, steps=5)
        expect(dropbar).to_be_visible()
        target = page.locator('.board-drop[data-column="closed_won"]')
        expect(target).to_be_in_viewport()
        end = target.bounding_box()
        page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=20)
        page.mouse.up()

        expect(dropbar).to_be_hidden()
        expect(page.locator("#won-dialog")).to_be_visible()
        page.locator("#won-dialog").get_by_role("button", name="Cancel").click()
        expect(page.locator(f'ol[data-column="prospect"] .board-card[data-card="{deal.pk}"]')).to_be_attached()

    assert saved(board, deal) == (Stage.PROSPECT, [])


@pytest.mark.django_db
def test_the_card_menu_works_from_the_keyboard(server, board):
    from playwright.sync_api import expect

    deal = board["unpriced"]
    base = f"http://{board['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        sign_in(page, base, board["user"])
        page.goto(f"{base}/crm/pipeline/")
        menu_button = page.locator(f'.board-card[data-card="{deal.pk}"]').get_by_role("button", name="Move this deal")
        menu_button.focus()
        page.keyboard.press("Enter")
        menu = page.locator("#move-dialog")
        expect(menu).to_be_visible()
        menu.get_by_role("button", name="Proposal").focus()
        with page.expect_response(lambda response: response.url.endswith(f"/deals/{deal.pk}/move/")) as moved:
            page.keyboard.press("Enter")
        assert moved.value.status == 200
        expect(page.locator(f'ol[data-column="proposal"] .board-card[data-card="{deal.pk}"]')).to_be_visible()
        expect(menu_button).to_be_focused()

    assert saved(board, deal) == (Stage.PROPOSAL, [(Stage.PROSPECT, Stage.PROPOSAL)])

"""A real Chromium drags deals across the pipeline board, and the moves are still there after a reload;
it also creates a deal the way people do (search a contact, press Enter) and goes Back to a filtered list.

The server (tests/e2e/conftest.py) commits what the browser does, so the teammate, contact and
deals this module makes are committed too, and removed when it ends.
"""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.crm.models import Activity, Contact, Deal, DealStageChange, Stage
from modules.events.models import AuditEntry, Event
from tests.conftest import on_own_connection
from tests.e2e.conftest import chromium, sign_in, user_who_signs_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def board(django_db_setup, django_db_blocker):
    """Alpha's workspace with a teammate who signs in through the form, and two deals in Prospect."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = user_who_signs_in(
            f"paula.{tag}@alpha.example.com", name="Paula Pipeline", tenant=team.tenant, role=Role.USER
        )
        with tenant_context(team.tenant):
            contact = Contact.objects.create(name="Carla Board", email=f"carla.{tag}@example.com")
            deals = {
                title: Deal.objects.create(
                    title=title, contact=contact, value=Decimal("4200.00"), currency="USD", stage=Stage.PROSPECT
                )
                for title in (f"Drag me {tag}", f"Win me {tag}")
            }
        connection.set_schema_to_public()
    yield {"host": team.host, "tenant": team.tenant, "user": user, "deals": deals}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            ids = [deal.pk for deal in deals.values()]
            Event.objects.filter(name__startswith="deal.", payload__id__in=ids).delete()
            AuditEntry.objects.filter(aggregate_type="deal", aggregate_id__in=ids).delete()
            Deal.objects.filter(pk__in=ids).delete()
            contact.delete()
        connection.set_schema_to_public()
        user.delete()


def saved(board, deal: Deal) -> tuple[str, list[tuple[str, str, int]]]:
    """The deal's stage and its stage history (from, to, who), as the database has them."""
    with tenant_context(board["tenant"]):
        stage = Deal.objects.get(pk=deal.pk).stage
        moves = list(
            DealStageChange.objects.filter(deal_id=deal.pk).order_by("id")
            .values_list("from_stage", "to_stage", "changed_by_id")
        )
    connection.set_schema_to_public()
    return stage, moves


def drag(page, card, target) -> None:
    """Press, move in steps and release: SortableJS (forceFallback) follows real mouse events.

    The card may still be settling (a card put back, a column re-rendered): wait until it stands
    still, or the press lands where it was a moment ago and no drag starts.
    """
    card.locator("small").element_handle().wait_for_element_state("stable")
    target.element_handle().wait_for_element_state("stable")
    start = card.locator("small").bounding_box()
    end = target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + start["height"] / 2 + 10, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 30, steps=20)
    page.mouse.up()


@pytest.mark.django_db
def test_a_deal_dragged_to_another_stage_stays_there(server, board):
    from playwright.sync_api import expect

    drag_me, win_me = board["deals"].values()
    base = f"http://{board['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, base, board["user"])
        page.locator(".sidebar").get_by_role("link", name="CRM", exact=True).click()
        page.get_by_role("link", name="Pipeline", exact=True).click()
        page.wait_for_url(f"{base}/crm/pipeline/")

        card = page.locator(f'.board-card[data-card="{drag_me.pk}"]')
        proposal = page.locator('ol.board-cards[data-column="proposal"]')
        with page.expect_response(lambda response: response.url.endswith(f"/deals/{drag_me.pk}/move/")) as moved:
            drag(page, card, proposal)
        assert moved.value.status == 200
        expect(page.locator("#column-head-proposal [data-count]")).to_have_text("1")

        page.reload()
        expect(proposal.locator(f'.board-card[data-card="{drag_me.pk}"]')).to_be_visible()

        # Won asks first: cancelling puts the card back, confirming saves it.
        won = page.locator('ol.board-cards[data-column="closed_won"]')
        win_card = page.locator(f'.board-card[data-card="{win_me.pk}"]')
        drag(page, win_card, won)
        expect(page.locator("#won-dialog")).to_be_visible()
        page.locator("#won-dialog").get_by_role("button", name="Cancel").click()
        prospect = page.locator('ol.board-cards[data-column="prospect"]')
        expect(prospect.locator(f'.board-card[data-card="{win_me.pk}"]')).to_be_visible()

        drag(page, win_card, won)
        expect(page.locator("#won-dialog")).to_be_visible()
        with page.expect_response(lambda response: response.url.endswith(f"/deals/{win_me.pk}/won/")):
            page.locator("#won-dialog").get_by_role("button", name="Mark as won").click()
        expect(page.locator("#won-dialog")).to_be_hidden()
        page.reload()
        expect(won.locator(f'.board-card[data-card="{win_me.pk}"]')).to_be_visible()

    # In the database (read once the browser's event loop is gone: Django refuses it inside).
    paula = board["user"].pk
    assert saved(board, drag_me) == (Stage.PROPOSAL, [(Stage.PROSPECT, Stage.PROPOSAL, paula)])
    # The cancelled drop saved nothing: one move only, the confirmed one.
    assert saved(board, win_me) == (Stage.CLOSED_WON, [(Stage.PROSPECT, Stage.CLOSED_WON, paula)])


def deal_titles(board) -> set[str]:
    with tenant_context(board["tenant"]):
        titles = set(Deal.objects.values_list("title", flat=True))
    connection.set_schema_to_public()
    return titles


@pytest.mark.django_db
def test_searching_a_contact_finds_it_but_never_picks_it_or_saves(server, board):
    from playwright.sync_api import expect

    base = f"http://{board['host']}:{server}"
    before = deal_titles(board)
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, base, board["user"])
        page.goto(f"{base}/crm/deals/new/")
        posts = []
        page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
        page.get_by_label("Title").fill("Typed then Enter")
        search = page.locator(".record-select input[type=search]")
        with page.expect_response(lambda response: "/crm/lookup/" in response.url):
            search.fill("Carla Board")
            search.press("Enter")

        contact = page.locator("select[name=contact]")
        expect(contact.locator("option", has_text="Carla Board")).to_have_count(1)
        expect(contact).to_have_value("")  # found, not chosen
        assert page.url == f"{base}/crm/deals/new/"
        assert posts == []  # the form was not sent

    assert deal_titles(board) == before


@pytest.mark.django_db
def test_back_to_a_filtered_list_shows_the_whole_page(server, board):
    from playwright.sync_api import expect

    base = f"http://{board['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, base, board["user"])
        page.goto(f"{base}/crm/contacts/")
        with page.expect_response(lambda response: "search=" in response.url):
            page.get_by_role("searchbox", name="Search contacts").fill("Carla Board")
        page.wait_for_url("**/crm/contacts/?*search=Carla*")
        page.get_by_role("link", name="Carla Board").first.click()
        page.wait_for_url(f"{base}/crm/contacts/*/")

        page.go_back()

        page.wait_for_url("**/crm/contacts/?*search=Carla*")
        expect(page.get_by_role("navigation", name="CRM")).to_be_visible()
        expect(page.locator("link[rel=stylesheet]")).not_to_have_count(0)
        expect(page.get_by_role("link", name="Carla Board").first).to_be_visible()


def committed(board, work):
    """Database work the server sees at once: its own connection, autocommit, this tenant."""

    def in_tenant():
        with tenant_context(board["tenant"]):
            return work()

    return on_own_connection(in_tenant)


@pytest.mark.django_db
def test_a_change_the_server_refuses_says_so_instead_of_doing_nothing(server, board):
    from playwright.sync_api import expect

    deal = next(iter(board["deals"].values()))
    subject = f"Gone soon {deal.pk}"
    activity = committed(board, lambda: Activity.objects.create(
        type="call", subject=subject, related_to_type="deal", related_to_id=deal.pk
    ))
    base = f"http://{board['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, base, board["user"])
        page.goto(f"{base}/crm/activities/?completed=false")
        row = page.locator("tr", has_text=subject)
        # A teammate deletes it meanwhile.
        committed(board, lambda: Activity.objects.filter(pk=activity.pk).delete())

        with page.expect_response(lambda response: response.status == 404):
            row.get_by_role("button", name="Complete").click()

        expect(page.locator("#messages [role=alert]")).to_have_text(
            "That did not work, and nothing was saved. Reload the page and try again."
        )


@pytest.mark.django_db
def test_a_focused_card_moves_with_the_keyboard(server, board):
    from playwright.sync_api import expect

    contact = next(iter(board["deals"].values())).contact
    deal = committed(board, lambda: Deal.objects.create(
        title=f"Keyboard {contact.pk}", contact=contact, value=Decimal("900.00"), currency="USD", stage=Stage.PROSPECT
    ))
    base = f"http://{board['host']}:{server}"
    try:
        with chromium() as browser:
            page = browser.new_page()
            sign_in(page, base, board["user"])
            page.goto(f"{base}/crm/pipeline/")
            link = page.locator(f'.board-card[data-card="{deal.pk}"] a')
            link.focus()

            with page.expect_response(lambda response: response.url.endswith(f"/deals/{deal.pk}/move/")) as moved:
                link.press("Alt+ArrowRight")
            assert moved.value.status == 200
            expect(page.locator(f'ol[data-column="proposal"] .board-card[data-card="{deal.pk}"]')).to_be_visible()
            expect(link).to_be_focused()

            with page.expect_response(lambda response: response.url.endswith(f"/deals/{deal.pk}/move/")):
                link.press("Alt+ArrowRight")  # to Negotiation
            link.press("Alt+ArrowRight")  # to Won: it asks first
            expect(page.locator("#won-dialog")).to_be_visible()
            page.keyboard.press("Escape")
            expect(page.locator(f'ol[data-column="negotiation"] .board-card[data-card="{deal.pk}"]')).to_be_visible()

        assert saved(board, deal) == (Stage.NEGOTIATION, [
            (Stage.PROSPECT, Stage.PROPOSAL, board["user"].pk), (Stage.PROPOSAL, Stage.NEGOTIATION, board["user"].pk),
        ])
    finally:
        committed(board, lambda: (
            Event.objects.filter(name__startswith="deal.", payload__id=deal.pk).delete(),
            AuditEntry.objects.filter(aggregate_type="deal", aggregate_id=deal.pk).delete(),
            Deal.objects.filter(pk=deal.pk).delete(),
        ))

"""A deal made from a lead has no value until the team estimates it (stored as 0.00): the board's
card, the contact's deals and the deal's page say "No value" rather than "$0.00"."""

import re

from django_tenants.utils import tenant_context

from modules.crm import services


def converted_deal(crm_a, team_a):
    lead = crm_a.lead(name="Padaria São José", email="compras@saojose.example.com")
    with tenant_context(team_a.tenant):
        return services.lead_convert(actor=team_a.admin, lead=lead).deal


def test_the_board_card_of_a_deal_without_a_value_says_so(member, crm_a, team_a):
    deal = converted_deal(crm_a, team_a)
    priced = crm_a.deal(title="Priced", value="4200.00")

    page = member.get("/crm/pipeline/").content.decode()

    card = re.search(rf'<li class="board-card" data-card="{deal.pk}">.*?</li>', page).group(0)
    assert "<strong>No value</strong>" in card
    assert "$0.00" not in card
    assert f'data-card="{priced.pk}"' in page and "<strong>$4,200.00</strong>" in page


def test_the_deal_and_its_contact_say_no_value(member, crm_a, team_a):
    deal = converted_deal(crm_a, team_a)

    deal_page = member.get(f"/crm/deals/{deal.pk}/").content.decode()
    contact_page = member.get(f"/crm/contacts/{deal.contact_id}/").content.decode()

    assert "No value" in deal_page and "$0.00" not in deal_page
    assert '<td class="numeric">No value</td>' in contact_page

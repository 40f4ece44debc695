from django_tenants.utils import tenant_context

from modules.crm import selectors, services
from modules.crm.models import Stage


def _column(team, stage) -> list[str]:
    with tenant_context(team.tenant):
        board = {column.stage: column for column in selectors.pipeline_board()}
        return [card.title for card in board[stage].cards]


def test_a_card_lands_where_it_was_dropped(crm_a, team_a):
    for title in ("A", "B", "C"):
        crm_a.deal(title=title, stage="proposal")
    moving = crm_a.deal(title="Moving", stage="prospect")
    assert _column(team_a, Stage.PROPOSAL) == ["C", "B", "A"]  # newest on top

    with tenant_context(team_a.tenant):
        services.deal_move(actor=team_a.admin, deal=moving, stage=Stage.PROPOSAL, position=1)
    assert _column(team_a, Stage.PROPOSAL) == ["C", "Moving", "B", "A"]

    with tenant_context(team_a.tenant):
        services.deal_move(actor=team_a.admin, deal=moving, stage=Stage.PROPOSAL, position=3)
    assert _column(team_a, Stage.PROPOSAL) == ["C", "B", "A", "Moving"]


def test_a_card_moved_without_a_place_goes_on_top(crm_a, team_a):
    for title in ("A", "B"):
        crm_a.deal(title=title, stage="negotiation")
    moving = crm_a.deal(title="Moving", stage="prospect")

    with tenant_context(team_a.tenant):
        services.deal_move(actor=team_a.admin, deal=moving, stage=Stage.NEGOTIATION)

    assert _column(team_a, Stage.NEGOTIATION)[0] == "Moving"

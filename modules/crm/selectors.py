"""CRM reads that are more than a `.get()`: the lists' base querysets, the board, timelines."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from .models import CLOSED_STAGES, OPEN_STAGES, Activity, Contact, Deal, DealStageChange, Lead, RelatedType, Stage


def lead_list() -> QuerySet[Lead]:
    return Lead.objects.select_related("assigned_to")


def contact_list() -> QuerySet[Contact]:
    return Contact.objects.select_related("assigned_to")


def deal_list() -> QuerySet[Deal]:
    return Deal.objects.select_related("contact", "contact__assigned_to", "assigned_to")


def activity_list() -> QuerySet[Activity]:
    return Activity.objects.select_related("assigned_to")


# What is still to do first, the soonest due first (undated after dated), then what was done.
TODO_FIRST = ("completed", "due_date", "-created_at", "-id")


def record_activities(related_to_type: str, related_to_id: int) -> Q:
    """A record's activities. Conversion keeps history: a contact's and a deal's include those
    of the lead they were converted from, which stay the lead's (its score counts them)."""
    own = Q(related_to_type=related_to_type, related_to_id=related_to_id)
    if related_to_type == RelatedType.CONTACT:
        leads = Lead.objects.filter(converted_contact_id=related_to_id).values("pk")
    elif related_to_type == RelatedType.DEAL:
        leads = Deal.objects.filter(pk=related_to_id, lead_id__isnull=False).values("lead_id")
    else:
        return own
    return own | Q(related_to_type=RelatedType.LEAD, related_to_id__in=leads)


def activities_of(related_to_type: str, related_to_id: int) -> QuerySet[Activity]:
    """A record's timeline, to-dos first."""
    return activity_list().filter(record_activities(related_to_type, related_to_id)).order_by(*TODO_FIRST)


@dataclass
class BoardColumn:
    stage: Stage
    cards: list["BoardCard"] = field(default_factory=list)
    count: int = 0
    # {"USD": Decimal("1500.00"), "BRL": ...}: currencies are never added together.
    totals: dict[str, Decimal] = field(default_factory=dict)


def pipeline_totals(*, filters: Q | None = None) -> dict[str, BoardColumn]:
    """The board's column heads (count and totals per currency, no cards), by stage: what a
    card's move changes. One query."""
    columns = {stage: BoardColumn(stage=stage) for stage in Stage}
    totals = (
        Deal.objects.filter(filters or Q()).values("stage", "currency")
        .annotate(total=Sum("value"), count=Count("id")).order_by("stage", "currency")
    )
    for row in totals:
        column = columns[row["stage"]]
        column.totals[row["currency"]] = row["total"]
        column.count += row["count"]
    return columns


class BoardCard(NamedTuple):
    """What a card on the board shows: plain values, no model instances (2,000 cards a page)."""

    id: int
    title: str
    contact_name: str
    value: Decimal
    currency: str
    stage: str
    expected_close_date: date | None


_CARD_COLUMNS = ("id", "title", "contact__name", "value", "currency", "stage", "expected_close_date")

# The board's order inside a column; deal_move keeps positions dense in this order.
BOARD_ORDER = ("position", "-updated_at", "-id")


def pipeline_board(*, filters: Q | None = None, closed_limit: int = 30) -> list[BoardColumn]:
    """Every open deal in its column, and the latest won and lost ones (older ones are history).

    Four queries whatever the number of deals: the column heads, the open cards, and the
    latest cards of each closed stage.
    """
    filters = filters or Q()
    columns = pipeline_totals(filters=filters)
    cards = Deal.objects.values_list(*_CARD_COLUMNS)
    for row in cards.filter(filters, stage__in=OPEN_STAGES).order_by("stage", *BOARD_ORDER):
        card = BoardCard._make(row)
        columns[card.stage].cards.append(card)
    for stage in CLOSED_STAGES:
        latest = cards.filter(filters, stage=stage).order_by(*BOARD_ORDER)[:closed_limit]
        columns[stage].cards = [BoardCard._make(row) for row in latest]
    return list(columns.values())


def contact_deal_cards(contact: Contact) -> list[BoardCard]:
    """A contact's deals as the board draws them, newest first."""
    rows = Deal.objects.filter(contact=contact).order_by("-created_at", "-id").values_list(*_CARD_COLUMNS)
    return [BoardCard._make(row) for row in rows]


def deal_stage_history(deal: Deal) -> QuerySet[DealStageChange]:
    return deal.stage_changes.select_related("changed_by").order_by("changed_at", "id")


_TITLE_FIELDS = {
    RelatedType.LEAD: (Lead, "name"),
    RelatedType.CONTACT: (Contact, "name"),
    RelatedType.DEAL: (Deal, "title"),
}


@dataclass(frozen=True)
class DashboardFigures:
    leads: int  # all of them: none means the workspace has not started
    leads_this_week: int
    # {"BRL": Decimal("12500.00"), "USD": ...}, open deals only: currencies are never added together.
    open_pipeline: dict[str, Decimal]
    activities_overdue: int  # the user's, not completed
    activities_today: int
    today: date

    @property
    def has_data(self) -> bool:
        return bool(self.leads or self.open_pipeline or self.activities_overdue or self.activities_today)


def dashboard_figures(*, user) -> DashboardFigures:
    """The CRM's figures for the workspace dashboard, in the active (the company's) time zone;
    weeks start on Monday. Three aggregate queries whatever the number of records."""
    today = timezone.localdate()
    start_of_today = timezone.make_aware(datetime.combine(today, time.min))
    start_of_week = start_of_today - timedelta(days=today.weekday())
    leads = Lead.objects.aggregate(
        all=Count("id"), this_week=Count("id", filter=Q(created_at__gte=start_of_week))
    )
    pipeline = (
        Deal.objects.filter(stage__in=OPEN_STAGES).values("currency")
        .annotate(total=Sum("value")).order_by("currency")
    )
    due = Activity.objects.filter(assigned_to=user, completed=False).aggregate(
        overdue=Count("id", filter=Q(due_date__lt=start_of_today)),
        today=Count("id", filter=Q(due_date__gte=start_of_today, due_date__lt=start_of_today + timedelta(days=1))),
    )
    return DashboardFigures(
        leads=leads["all"],
        leads_this_week=leads["this_week"],
        open_pipeline={row["currency"]: row["total"] for row in pipeline},
        activities_overdue=due["overdue"],
        activities_today=due["today"],
        today=today,
    )


def related_titles(activities: Iterable[Activity]) -> dict[tuple[str, int], str]:
    """What each activity is about, by (related_to_type, related_to_id): one query per type present."""
    wanted: dict[str, set[int]] = {}
    for activity in activities:
        wanted.setdefault(activity.related_to_type, set()).add(activity.related_to_id)
    titles = {}
    for related_type, ids in wanted.items():
        model, field = _TITLE_FIELDS[related_type]
        for pk, title in model.objects.filter(pk__in=ids).values_list("pk", field):
            titles[related_type, pk] = title
    return titles

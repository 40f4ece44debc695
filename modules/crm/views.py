"""CRM workspace pages (HTMX): access → form → service → render.

Every write goes through the same service the API calls; every record through access.py, so
another workspace's id is simply not found. htmx requests get a fragment of the page's own
template ("crm/leads.html#results"); without JavaScript the same forms post and redirect.
Every page is mounted behind the sign-in and plan gate (workspace/urls.py, from the descriptor).
"""

import html
from functools import cache

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, translation
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from modules.core.exceptions import DomainError
from modules.core.forms import teammates
from modules.core.imports import import_job_progress
from modules.core.l10n import local_format
from modules.core.models import ImportJob, ImportStatus
from modules.core.money import format_money, money_formatter
from modules.workspace import pages

from . import access, imports, scoring, selectors, services
from .filters import ActivityFilter, ContactFilter, LeadFilter
from .forms import (
    SETTABLE_STATUSES,
    ActivityForm,
    BoardMoveForm,
    ContactForm,
    DealForm,
    DealLostForm,
    LeadBulkStatusForm,
    LeadConvertForm,
    LeadCreateForm,
    LeadForm,
    LeadImportForm,
    LeadScoreForm,
    LeadStatusForm,
    default_currency,
    record_choices,
)
from .models import ActivityType, LeadStatus, RelatedType, Source, Stage
from .tables import RECORD_URL_NAMES, ActivityTable, ContactTable, LeadTable, score_bar, status_badge


def home(request):
    return redirect("crm:leads")


# --- Leads ---------------------------------------------------------------------------------------

def leads(request):
    return _leads_page(request)


def _leads_page(
    request, *, lead_form=None, import_form=None, import_job=None, bulk_form=None, bulk_message="",
    fragment: str | None = None,
) -> HttpResponse:
    filterset = pages.filterset(LeadFilter, request, selectors.lead_list(), multi=("status", "source"))
    filtered = pages.is_filtered(request, LeadFilter.base_filters)
    table = LeadTable(filterset.qs, empty_text=_("No leads match these filters."))
    pages.paginate(request, table)
    context = {
        "table": table,
        # No lead at all (not none matching): the page explains how to start instead of filters.
        "no_leads": not filtered and table.paginator.count == 0,
        "filter_errors": filterset.errors,
        "statuses": LeadStatus.choices,
        "sources": Source.choices,
        "picked_statuses": pages.picked(request, "status"),
        "picked_sources": pages.picked(request, "source"),
        "teammates": teammates(request.user),
        "bulk_statuses": SETTABLE_STATUSES,
        "bulk_form": bulk_form,
        "bulk_message": bulk_message,
        "lead_form": lead_form or LeadCreateForm(actor=request.user),
        "import_form": import_form or LeadImportForm(),
        "import_job": import_job,
        "import_percent": import_job_progress(import_job) if import_job else 0,
        "query": request.GET.urlencode(),
    }
    if fragment is None and pages.partial(request):
        # The empty state asks for the whole list once an import brought the first leads in.
        fragment = "lead-list" if request.htmx.target == "leads-empty" else "results"
    template = f"crm/leads.html#{fragment}" if fragment else "crm/leads.html"
    refused = import_job is not None and import_job.status == ImportStatus.FAILED
    status = 422 if refused else pages.status(lead_form, import_form, bulk_form, filterset.form)
    response = render(request, template, context, status=status)
    if request.htmx and import_job is not None and import_job.status == ImportStatus.DONE:
        response["HX-Trigger"] = "leads-imported"  # the list below brings the new leads in
    return response


@require_POST
def lead_new(request):
    form = LeadCreateForm(request.POST, actor=request.user)
    return pages.created(request, form, services.lead_create, "crm:lead") or _leads_page(
        request, lead_form=form, fragment="lead-form" if request.htmx else None
    )


@require_POST
def leads_bulk_status(request):
    """The ticked leads to one status; the list comes back as it was (the URL keeps its filters)."""
    form = LeadBulkStatusForm(request.POST)
    message = ""
    if form.is_valid():
        change = services.leads_set_status(
            actor=request.user, lead_ids=form.cleaned_data["leads"], status=form.cleaned_data["status"]
        )
        message = ngettext("%(count)d lead changed.", "%(count)d leads changed.", change.changed) % {
            "count": change.changed
        }
        if change.kept_converted:
            message += " " + ngettext(
                "%(count)d converted lead kept its status.",
                "%(count)d converted leads kept their status.",
                change.kept_converted,
            ) % {"count": change.kept_converted}
        if change.kept_not_permitted:
            message += " " + ngettext(
                "%(count)d lead assigned to someone else was left as it was.",
                "%(count)d leads assigned to others were left as they were.",
                change.kept_not_permitted,
            ) % {"count": change.kept_not_permitted}
        if not request.htmx:
            messages.success(request, message)
            return redirect(pages.list_url("crm:leads", request))
    return _leads_page(request, bulk_form=form, bulk_message=message)


@require_POST
def leads_import(request):
    """The file goes to a worker; the panel that answers follows its progress."""
    form = LeadImportForm(request.POST, request.FILES)
    job = None
    if form.is_valid():
        try:
            job = imports.lead_import_start(
                actor=request.user, file=form.cleaned_data["file"], language=translation.get_language()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            job.refresh_from_db()  # without a broker the import has already run
    return _leads_page(
        request, import_form=form, import_job=job, fragment="import-panel" if request.htmx else None
    )


def _lead_imports():
    return ImportJob.objects.filter(kind=imports.IMPORT_KIND)


def lead_import(request, pk: int):
    """An import's progress (htmx polls it every second), then its report."""
    job = get_object_or_404(_lead_imports().defer("content", "rejected"), pk=pk)
    return _leads_page(request, import_job=job, fragment="import-panel" if request.htmx else None)


def lead_import_rejected(request, pk: int):
    """The rows an import left out, as a CSV to fix and import again (this workspace's imports only)."""
    job = get_object_or_404(_lead_imports().only("file_name", "rejected"), pk=pk)
    if not job.rejected:
        raise Http404
    name = _("%(name)s - rows to fix.csv") % {"name": job.file_name.removesuffix(".csv")}
    response = HttpResponse(bytes(job.rejected), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


# --- One lead ------------------------------------------------------------------------------------


def lead(request, pk: int):
    return _lead_page(request, access.access_lead(request.user, pk))


def _lead_page(
    request, lead, *, edit_form=None, status_form=None, score_form=None, convert_form=None, activity_form=None,
    fragment: str | None = None,
) -> HttpResponse:
    context = {
        **_lead_score(request, lead, score_form),
        "status_badge": status_badge(lead),
        "edit_form": edit_form or LeadForm(initial=LeadForm.initial_from(lead), actor=request.user),
        "status_form": status_form or LeadStatusForm(initial={"status": lead.status}),
        "convert_form": convert_form or LeadConvertForm(initial={"currency": default_currency()}),
        "can_delete": access.may_delete(request.user, lead),
        **_timeline(request, RelatedType.LEAD, lead.pk, activity_form),
    }
    template = f"crm/lead_detail.html#{fragment}" if fragment else "crm/lead_detail.html"
    return render(
        request, template, context, status=pages.status(edit_form, status_form, score_form, convert_form, activity_form)
    )


def _lead_score(request, lead, score_form=None) -> dict:
    """What the lead page's score panel shows (the page, or the panel alone out of band)."""
    return {
        "lead": lead,
        "can_change": access.may_change(request.user, lead),
        "score_bar": score_bar(lead.score),
        "score": scoring.lead_score_explain(lead),
        "score_minimum": scoring.MIN_PER_OUTCOME,
        "score_form": score_form or LeadScoreForm(initial={"score": lead.score}),
        "converted": lead.status == LeadStatus.CONVERTED,
    }


def _lead_change(request, pk: int, form_name: str, make_form) -> HttpResponse:
    """Edit, status and score all PATCH the lead through lead_update and redraw its panel."""
    return pages.record_change(
        request, pk, access_record=access.access_lead, make_form=make_form, form_name=form_name,
        update=lambda lead, changes: services.lead_update(actor=request.user, lead=lead, changes=changes),
        saved=_("The lead was saved."), url_name="crm:lead", page=_lead_page, panel="lead-panel",
    )


@require_POST
def lead_edit(request, pk: int):
    return _lead_change(
        request, pk, "edit_form",
        lambda lead: LeadForm(request.POST, initial=LeadForm.initial_from(lead), actor=request.user),
    )


@require_POST
def lead_status(request, pk: int):
    return _lead_change(request, pk, "status_form", lambda lead: LeadStatusForm(request.POST))


@require_POST
def lead_score(request, pk: int):
    """A score set by hand, or (empty) handed back to the model, as the API's PATCH does."""
    return _lead_change(request, pk, "score_form", lambda lead: LeadScoreForm(request.POST))


@require_POST
def lead_convert(request, pk: int):
    form = LeadConvertForm(request.POST)
    with transaction.atomic():
        lead = access.access_lead(request.user, pk, for_write=True)
        if form.is_valid():
            try:
                conversion = services.lead_convert(actor=request.user, lead=lead, **form.cleaned_data)
            except pages.SERVICE_ERRORS as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("%(name)s is now a contact with a deal in the pipeline.") % {
                    "name": conversion.contact.name,
                })
                return pages.redirect_to(request, reverse("crm:deal", args=[conversion.deal.pk]))
    return _lead_page(request, lead, convert_form=form, fragment="lead-panel" if request.htmx else None)


@require_POST
def lead_delete(request, pk: int):
    with transaction.atomic():
        lead = access.access_lead(request.user, pk, for_delete=True)
        services.lead_delete(actor=request.user, lead=lead)
    messages.success(request, _("The lead %(name)s was deleted.") % {"name": lead.name})
    return pages.redirect_to(request, reverse("crm:leads"))


# --- Contacts ------------------------------------------------------------------------------------

CONTACT_FILTERS = ("search", "assigned_to")


def contacts(request):
    return _contacts_page(request)


def _contacts_page(request, *, contact_form=None, fragment: str | None = None) -> HttpResponse:
    filterset = pages.filterset(ContactFilter, request, selectors.contact_list())
    filtered = pages.is_filtered(request, CONTACT_FILTERS)
    table = ContactTable(
        filterset.qs,
        empty_text=_("No contacts match these filters.") if filtered else _(
            "No contacts yet. Add one, or convert a lead."
        ),
    )
    pages.paginate(request, table)
    context = {
        "table": table,
        "filter_errors": filterset.errors,
        "teammates": teammates(request.user),
        "contact_form": contact_form or ContactForm(actor=request.user),
    }
    if fragment is None and pages.partial(request):
        fragment = "results"
    template = f"crm/contacts.html#{fragment}" if fragment else "crm/contacts.html"
    return render(request, template, context, status=pages.status(contact_form, filterset.form))


@require_POST
def contact_new(request):
    form = ContactForm(request.POST, actor=request.user)
    return pages.created(request, form, services.contact_create, "crm:contact") or _contacts_page(
        request, contact_form=form, fragment="contact-form" if request.htmx else None
    )


def contact(request, pk: int):
    return _contact_page(request, access.access_contact(request.user, pk))


def _contact_page(
    request, contact, *, edit_form=None, delete_error: str = "", activity_form=None, fragment: str | None = None
) -> HttpResponse:
    context = {
        "contact": contact,
        "deals": _card_rows(selectors.contact_deal_cards(contact)),
        "edit_form": edit_form or ContactForm(initial=ContactForm.initial_from(contact), actor=request.user),
        "can_change": access.may_change(request.user, contact),
        "can_delete": access.may_delete(request.user, contact),
        "delete_refusal": services.contact_delete_refusal(contact),
        "delete_error": delete_error,
        **_timeline(request, RelatedType.CONTACT, contact.pk, activity_form),
    }
    template = f"crm/contact_detail.html#{fragment}" if fragment else "crm/contact_detail.html"
    status = 422 if delete_error else pages.status(edit_form, activity_form)
    return render(request, template, context, status=status)


@require_POST
def contact_edit(request, pk: int):
    return pages.record_change(
        request, pk, access_record=access.access_contact,
        make_form=lambda contact: ContactForm(
            request.POST, initial=ContactForm.initial_from(contact), actor=request.user
        ),
        update=lambda contact, changes: services.contact_update(actor=request.user, contact=contact, changes=changes),
        saved=_("The contact was saved."), url_name="crm:contact", page=_contact_page, panel="contact-panel",
    )


@require_POST
def contact_delete(request, pk: int):
    """Refused while the contact has deals: the service says why, beside the delete button."""
    with transaction.atomic():
        contact = access.access_contact(request.user, pk, for_delete=True)
        try:
            services.contact_delete(actor=request.user, contact=contact)
        except DomainError as error:
            refusal = error.message
        else:
            messages.success(request, _("The contact %(name)s was deleted.") % {"name": contact.name})
            return pages.redirect_to(request, reverse("crm:contacts"))
    return _contact_page(
        request, contact, delete_error=refusal, fragment="contact-panel" if request.htmx else None
    )


# --- Pipeline ------------------------------------------------------------------------------------
# The board draws every open deal: 2,000 cards must render in well under 200 ms. The view turns
# each deal into plain strings once (money and dates formatted, the URL built) and writes the
# cards' markup itself: the template engine costs ~40 µs a card (80 ms for 2,000), str.format
# with escape() a few.

CARD_HTML = (
    '<li class="board-card" data-card="{id}"><a href="{url}">{title}</a><small>{contact}</small>'
    '<span class="board-card-foot"><strong>{value}</strong>{closes}</span>{menu}</li>'
)


def _totals_text(totals: dict) -> list[str]:
    return [format_money(amount, currency) for currency, amount in totals.items()]


def _column_head(column) -> dict:
    return {
        "key": column.stage.value,
        "label": column.stage.label,
        "count": column.count,
        "totals": _totals_text(column.totals),
    }


def _card_rows(cards) -> list[dict]:
    # reverse() once, not once per card: "/crm/deals/0/" → "/crm/deals/".
    url_prefix = reverse("crm:deal", args=[0]).removesuffix("0/")
    stages = {value: str(label) for value, label in Stage.choices}
    date_format = local_format("SHORT_DATE_FORMAT")
    # Once per currency and once per day, however many deals share them.
    money = cache(money_formatter)
    day_text = cache(lambda day: formats.date_format(day, date_format) if day else "")
    # A deal converted from a lead starts at zero until the team estimates it.
    no_value = _("No value")
    return [
        {
            "id": card.id,
            "url": f"{url_prefix}{card.id}/",
            "title": card.title,
            "contact": card.contact_name,
            "value": money(card.currency)(card.value) if card.value else no_value,
            "stage": stages[card.stage],
            "closes": day_text(card.expected_close_date),
        }
        for card in cards
    ]


def _cards_html(rows: list[dict]) -> str:
    # html.escape rather than Django's escape(): the same quoting without a lazy-string check
    # and a SafeString per value, which double the cost of 10,000 values.
    # Touch screens and keyboards reach Won and Lost through the card's menu too.
    menu = pages.board_card_menu(_("Move this deal"))
    return mark_safe("".join(  # noqa: S308 -- every value below is escaped
        CARD_HTML.format(
            id=row["id"], url=html.escape(row["url"]), title=html.escape(row["title"]),
            contact=html.escape(row["contact"]), value=html.escape(row["value"]),
            closes=f"<time>{html.escape(row['closes'])}</time>" if row["closes"] else "", menu=menu,
        )
        for row in rows
    ))


def _column_ask(stage: str) -> dict:
    """Won and Lost ask first, in their dialogs (crm/pipeline.html), and wait in the drop bar."""
    if stage == Stage.CLOSED_WON:
        return {"ask": "won", "ask_url": reverse("crm:pipeline_won", args=[0]), "drop_label": _("Drop here: won")}
    if stage == Stage.CLOSED_LOST:
        return {"ask": "lost", "ask_url": reverse("crm:pipeline_lost", args=[0]), "drop_label": _("Drop here: lost")}
    return {"ask": ""}


def pipeline(request):
    columns = [
        {
            **_column_head(column),
            "cards": _cards_html(_card_rows(column.cards)),
            "shown": len(column.cards),
            **_column_ask(column.stage),
        }
        for column in selectors.pipeline_board()
    ]
    return render(request, "crm/pipeline.html", {"columns": columns, "lost_form": DealLostForm()})


def _board_answer(request, pk: int | None = None, *, status: int = 200, error: str = "") -> HttpResponse:
    """What a move changes on the board: every column's count and totals."""
    heads = [_column_head(column) for column in selectors.pipeline_totals().values()]
    return pages.board_heads(request, heads, status=status, error=error)


board_action = pages.board_refusals(_board_answer)


@require_POST
@board_action
def pipeline_move(request, pk: int):
    """A card dropped on the board; the API's PATCH of `stage` runs the same deal_move."""
    with transaction.atomic():
        deal = access.access_deal(request.user, pk, for_write=True)
        form = BoardMoveForm(request.POST)
        if not form.is_valid():
            return _board_answer(request, status=422, error=_("This move could not be saved."))
        services.deal_move(
            actor=request.user, deal=deal, stage=form.cleaned_data["stage"], position=form.cleaned_data["position"]
        )
    return _board_answer(request)


@require_POST
@board_action
def pipeline_won(request, pk: int):
    with transaction.atomic():
        deal = access.access_deal(request.user, pk, for_write=True)
        try:
            services.deal_mark_won(actor=request.user, deal=deal)
        except DomainError as error:
            return _board_answer(request, status=422, error=error.message)
    return _board_answer(request)


@require_POST
@board_action
def pipeline_lost(request, pk: int):
    with transaction.atomic():
        deal = access.access_deal(request.user, pk, for_write=True)
        form = DealLostForm(request.POST)
        if not form.is_valid():
            return _board_answer(request, status=422, error=form.errors["lost_reason"][0])
        try:
            services.deal_mark_lost(actor=request.user, deal=deal, lost_reason=form.cleaned_data["lost_reason"])
        except DomainError as error:
            return _board_answer(request, status=422, error=error.message)
    return _board_answer(request)


# --- Deals ---------------------------------------------------------------------------------------


def deal_new(request):
    """Its own page: the contact picker searches rather than listing every contact."""
    if request.method == "POST":
        form = DealForm(request.POST, actor=request.user)
        created = pages.created(request, form, services.deal_create, "crm:deal")
        if created is not None:
            return created
    else:
        initial = {"currency": default_currency(), "assigned_to": request.user.pk}
        if request.GET.get("contact"):
            initial["contact"] = access.access_contact(request.user, request.GET["contact"]).pk
        form = DealForm(initial=initial, actor=request.user)
    template = "crm/deal_new.html#deal-form" if request.htmx else "crm/deal_new.html"
    return render(request, template, {"form": form}, status=pages.status(form))


def deal(request, pk: int):
    return _deal_page(request, access.access_deal(request.user, pk))


def _deal_page(request, deal, *, edit_form=None, activity_form=None, fragment: str | None = None) -> HttpResponse:
    context = {
        "deal": deal,
        "value": format_money(deal.value, deal.currency) if deal.value else _("No value"),
        "history": selectors.deal_stage_history(deal),
        "edit_form": edit_form or DealForm(initial=DealForm.initial_from(deal), actor=request.user),
        "can_change": access.may_change(request.user, deal),
        "can_delete": access.may_delete(request.user, deal),
        **_timeline(request, RelatedType.DEAL, deal.pk, activity_form),
    }
    template = f"crm/deal_detail.html#{fragment}" if fragment else "crm/deal_detail.html"
    return render(request, template, context, status=pages.status(edit_form, activity_form))


@require_POST
def deal_edit(request, pk: int):
    return pages.record_change(
        request, pk, access_record=access.access_deal,
        make_form=lambda deal: DealForm(request.POST, initial=DealForm.initial_from(deal), actor=request.user),
        update=lambda deal, changes: services.deal_update(actor=request.user, deal=deal, changes=changes),
        saved=_("The deal was saved."), url_name="crm:deal", page=_deal_page, panel="deal-panel",
    )


@require_POST
def deal_delete(request, pk: int):
    with transaction.atomic():
        deal = access.access_deal(request.user, pk, for_delete=True)
        services.deal_delete(actor=request.user, deal=deal)
    messages.success(request, _("The deal %(title)s was deleted.") % {"title": deal.title})
    return pages.redirect_to(request, reverse("crm:pipeline"))


# --- Activities ----------------------------------------------------------------------------------

ACTIVITY_FILTERS = ("type", "completed", "due_after", "due_before", "assigned_to")
# A record's page, by the activity's related_to_type: where its timeline lives.
RECORD_ACCESS = {
    RelatedType.LEAD: access.access_lead,
    RelatedType.CONTACT: access.access_contact,
    RelatedType.DEAL: access.access_deal,
}


def _timeline(request, related_type: str, related_id: int, activity_form=None) -> dict:
    """A record's activities and the form that adds one, for the record's page or its timeline alone."""
    return {
        "timeline": list(selectors.activities_of(related_type, related_id)),
        "timeline_record": {"type": related_type, "id": related_id},
        "activity_form": activity_form or ActivityForm(
            initial={"related_to_type": related_type, "related_to_id": related_id, "assigned_to": request.user.pk},
            actor=request.user, on_timeline=True,
        ),
    }


def _timeline_answer(request, related_type: str, record, activity_form=None) -> HttpResponse:
    """After a change on a record's timeline: the timeline alone (htmx), or the record's page."""
    if request.htmx:
        context = _timeline(request, related_type, record.pk, activity_form)
        if related_type == RelatedType.LEAD:  # activities count in the score: its panel follows, out of band
            record.refresh_from_db()
            context |= {**_lead_score(request, record), "score_out_of_band": True}
        return render(request, "crm/partials/_timeline.html", context, status=pages.status(activity_form))
    if activity_form is None:
        return redirect(RECORD_URL_NAMES[related_type], pk=record.pk)
    record_pages = {RelatedType.LEAD: _lead_page, RelatedType.CONTACT: _contact_page, RelatedType.DEAL: _deal_page}
    return record_pages[related_type](request, record, activity_form=activity_form)


def _related_record(request, related_type, related_id):
    if related_type not in RECORD_ACCESS:
        raise Http404
    return RECORD_ACCESS[related_type](request.user, related_id)


def activities(request):
    return _activities_page(request)


def _activities_page(request, *, activity_form=None, fragment: str | None = None) -> HttpResponse:
    filterset = pages.filterset(ActivityFilter, request, selectors.activity_list(), multi=("type",))
    filtered = pages.is_filtered(request, ACTIVITY_FILTERS)
    activities = filterset.qs
    if "sort" not in request.GET:  # until a column header is clicked, what is left to do comes first
        activities = activities.order_by(*selectors.TODO_FIRST)
    table = ActivityTable(
        activities,
        empty_text=_("No activities match these filters.") if filtered else _(
            "No activities yet. Plan a call, a meeting or a task."
        ),
    )
    pages.paginate(request, table)
    table.titles = selectors.related_titles(row.record for row in table.page.object_list)
    context = {
        "table": table,
        "filter_errors": filterset.errors,
        "types": ActivityType.choices,
        "picked_types": pages.picked(request, "type"),
        "teammates": teammates(request.user),
        "activity_form": activity_form or ActivityForm(actor=request.user),
    }
    if fragment is None and pages.partial(request):
        fragment = "results"
    template = f"crm/activities.html#{fragment}" if fragment else "crm/activities.html"
    return render(request, template, context, status=pages.status(activity_form, filterset.form))


@require_POST
def activity_new(request):
    """From the activities page, or from a record's timeline (`from=timeline`, the record fixed)."""
    if request.POST.get("from") == "timeline":
        related_type = request.POST.get("related_to_type")
        record = _related_record(request, related_type, request.POST.get("related_to_id"))
        form = ActivityForm(request.POST, actor=request.user, on_timeline=True)
        created = _activity_create(request, form)
        return _timeline_answer(request, related_type, record, activity_form=None if created else form)
    form = ActivityForm(request.POST, actor=request.user)
    if _activity_create(request, form):
        messages.success(request, _("The activity was added."))
        return pages.redirect_to(request, reverse("crm:activities"))
    return _activities_page(request, activity_form=form, fragment="activity-form" if request.htmx else None)


def _activity_create(request, form: ActivityForm) -> bool:
    if not form.is_valid():
        return False
    try:
        services.activity_create(actor=request.user, **form.cleaned_data)
    except pages.SERVICE_ERRORS as error:
        form.add_service_error(error)
        return False
    return True


@require_POST
def activity_complete(request, pk: int):
    """Done, in place: the row (activities page) or the timeline (a record's page) comes back."""
    on_timeline = request.POST.get("from") == "timeline"
    with transaction.atomic():
        activity = access.access_activity(request.user, pk, for_write=True)
        if on_timeline:  # the one it was ticked on: a contact's or a deal's shows its lead's activities too
            record_type = request.POST.get("timeline_type", activity.related_to_type)
            record = _related_record(request, record_type, request.POST.get("timeline_id", activity.related_to_id))
        activity = services.activity_complete(actor=request.user, activity=activity)
    if on_timeline:
        return _timeline_answer(request, record_type, record)
    if not request.htmx:
        return redirect("crm:activities")
    table = ActivityTable([activity], titles=selectors.related_titles([activity]))
    RequestConfig(request, paginate=False).configure(table)
    return render(request, "layouts/partials/_table_row.html", {"row": table.rows[0]})


def lookup(request):
    """The options of a record picker (RecordSelect): the latest records matching the search."""
    record_type = request.GET.get("related_to_type")
    if record_type not in RelatedType.values:
        record_type = RelatedType.LEAD
    options = record_choices(record_type, search=request.GET.get("q", ""))
    return render(request, "crm/partials/_record_options.html", {"options": options})


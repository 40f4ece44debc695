"""The CRM lists, on the kit's RecordTable (core/tables.py)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from modules.core.l10n import date_text
from modules.core.tables import RecordTable, record_link
from modules.core.templatetags.phones import phone

from .models import Activity, Contact, Lead, LeadStatus, RelatedType

STATUS_BADGES = {
    LeadStatus.NEW: "badge-primary",
    LeadStatus.CONTACTED: "badge-warn",
    LeadStatus.QUALIFIED: "badge-ok",
    LeadStatus.CONVERTED: "badge-ok",
    LeadStatus.LOST: "badge-muted",
}
RECORD_URL_NAMES = {RelatedType.LEAD: "crm:lead", RelatedType.CONTACT: "crm:contact", RelatedType.DEAL: "crm:deal"}


def status_badge(lead: Lead) -> str:
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES[lead.status], lead.get_status_display())


def score_bar(score: int) -> str:
    return format_html(
        '<span class="score"><meter min="0" max="100" low="35" high="70" optimum="100" value="{}"></meter> {}</span>',
        score, score,
    )


class LeadTable(RecordTable):
    # `form="lead-bulk"`: the ticks belong to the bulk form above the table.
    selected = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "th__input": {"data-select-all": "leads", "aria-label": _("Select every lead on this page")},
            "td__input": {"name": "leads", "form": "lead-bulk", "aria-label": _("Select")},
        },
    )
    name = tables.Column(verbose_name=_("Name"), order_by=("name", "id"))
    company = tables.Column(verbose_name=_("Company"), orderable=False)
    email = tables.EmailColumn(verbose_name=_("Email"), orderable=False)
    status = tables.Column(verbose_name=_("Status"), orderable=False)
    source = tables.Column(verbose_name=_("Source"), orderable=False)
    score = tables.Column(verbose_name=_("Score"), order_by=("score", "id"))
    assigned_to = tables.Column(verbose_name=_("Assigned to"), accessor="assigned_to__name", orderable=False)
    created_at = tables.DateColumn(verbose_name=_("Created"), short=True, order_by=("created_at", "id"))

    class Meta(RecordTable.Meta):
        model = Lead
        sequence = ("selected", "name", "company", "email", "status", "source", "score", "assigned_to", "created_at")
        order_by = ("-created_at",)
        row_attrs = {"id": lambda record: f"lead-{record.pk}"}

    def render_name(self, record: Lead) -> str:
        return record_link("crm:lead", record, record.name)

    def render_status(self, record: Lead) -> str:
        return status_badge(record)

    def render_score(self, value: int) -> str:
        return score_bar(value)


class ContactTable(RecordTable):
    name = tables.Column(verbose_name=_("Name"), order_by=("name", "id"))
    company = tables.Column(verbose_name=_("Company"), orderable=False)
    email = tables.EmailColumn(verbose_name=_("Email"), orderable=False)
    phone = tables.Column(verbose_name=_("Phone"), orderable=False)
    assigned_to = tables.Column(verbose_name=_("Assigned to"), accessor="assigned_to__name", orderable=False)
    created_at = tables.DateColumn(verbose_name=_("Created"), short=True, order_by=("created_at", "id"))

    class Meta(RecordTable.Meta):
        model = Contact
        sequence = ("name", "company", "email", "phone", "assigned_to", "created_at")
        order_by = ("name",)
        row_attrs = {"id": lambda record: f"contact-{record.pk}"}

    def render_name(self, record: Contact) -> str:
        return record_link("crm:contact", record, record.name)

    def render_phone(self, value: str) -> str:
        return phone(value)


class ActivityTable(RecordTable):
    done = tables.TemplateColumn(
        template_name="crm/activities.html#complete-action", verbose_name=_("Done"), orderable=False,
        accessor="completed",
    )
    type = tables.Column(verbose_name=_("Type"), orderable=False)
    subject = tables.Column(verbose_name=_("Subject"), orderable=False)
    related = tables.Column(verbose_name=_("Related to"), accessor="related_to_id", orderable=False)
    due_date = tables.Column(verbose_name=_("Due"), order_by=("due_date", "id"))
    assigned_to = tables.Column(verbose_name=_("Assigned to"), accessor="assigned_to__name", orderable=False)

    class Meta(RecordTable.Meta):
        model = Activity
        sequence = ("done", "type", "subject", "related", "due_date", "assigned_to")
        row_attrs = {
            "id": lambda record: f"activity-{record.pk}",
            "class": lambda record: "is-done" if record.completed else "",
        }

    def __init__(self, *args, titles: dict[tuple[str, int], str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # What each row is about, by (type, id): selectors.related_titles() of the shown page.
        self.titles = titles or {}

    def render_type(self, record: Activity) -> str:
        return format_html('<span class="badge badge-muted">{}</span>', record.get_type_display())

    def render_related(self, record: Activity) -> str:
        title = self.titles.get((record.related_to_type, record.related_to_id), f"#{record.related_to_id}")
        url = reverse(RECORD_URL_NAMES[record.related_to_type], args=[record.related_to_id])
        return format_html(
            '<a href="{}" hx-boost="false">{}</a> <small class="muted">{}</small>',
            url, title, record.get_related_to_type_display(),
        )

    def render_due_date(self, record: Activity, value) -> str:
        text = date_text(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        if not record.completed and value < timezone.now():
            return format_html('{} <span class="badge badge-warn">{}</span>', text, _("Overdue"))
        return text

"""The projects list, on the kit's RecordTable (core/tables.py)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from modules.core.money import format_money
from modules.core.tables import RecordTable, record_link

from .models import Project, ProjectStatus, TaskPriority
from .selectors import project_progress

STATUS_BADGES = {
    ProjectStatus.PLANNING: "badge-muted",
    ProjectStatus.IN_PROGRESS: "badge-primary",
    ProjectStatus.ON_HOLD: "badge-warn",
    ProjectStatus.COMPLETED: "badge-ok",
    ProjectStatus.CANCELLED: "badge-muted",
}
PRIORITY_BADGES = {
    TaskPriority.LOW: "badge-muted",
    TaskPriority.MEDIUM: "badge-muted",
    TaskPriority.HIGH: "badge-primary",
    TaskPriority.URGENT: "badge-warn",
}


def status_badge(project: Project) -> str:
    status = ProjectStatus(project.status)
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES[status], status.label)


def progress_bar(percent: int) -> str:
    return format_html('<progress value="{}" max="100" aria-label="{}">{} %</progress> {} %',
                       percent, _("Progress"), percent, percent)


class ProjectTable(RecordTable):
    name = tables.Column(verbose_name=_("Project"), order_by=("name", "id"))
    customer = tables.Column(verbose_name=_("Customer"), accessor="customer__name", orderable=False)
    start_date = tables.DateColumn(verbose_name=_("Start"), short=True, order_by=("start_date", "id"))
    end_date = tables.DateColumn(verbose_name=_("End"), short=True, order_by=("end_date", "id"))
    budget = tables.Column(verbose_name=_("Budget"), orderable=False, attrs={"td": {"class": "numeric"}})
    progress = tables.Column(verbose_name=_("Progress"), accessor="pk", orderable=False)
    status = tables.Column(verbose_name=_("Status"), orderable=False)

    class Meta(RecordTable.Meta):
        model = Project
        sequence = ("name", "customer", "start_date", "end_date", "budget", "progress", "status")
        order_by = ("-start_date",)
        row_attrs = {"id": lambda record: f"project-{record.pk}"}

    def render_name(self, record: Project) -> str:
        return record_link("projects:project", record, record.name)

    def render_budget(self, record: Project) -> str:
        return format_money(record.budget, record.currency)

    def render_progress(self, record: Project) -> str:
        return progress_bar(project_progress(record))

    def render_status(self, record: Project) -> str:
        return status_badge(record)

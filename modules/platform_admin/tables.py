import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from modules.tenancy.models import Tenant


class TenantTable(tables.Table):
    name = tables.Column(verbose_name=_("Company"))
    subdomain = tables.Column(verbose_name=_("Workspace"), linkify=lambda record: record.workspace_url())
    plan = tables.Column(verbose_name=_("Plan"))
    is_active = tables.Column(verbose_name=_("Status"))
    users_count = tables.Column(verbose_name=_("Users"), attrs={"td": {"class": "numeric"}})
    trial_ends_on = tables.DateColumn(verbose_name=_("Trial ends"), short=True)
    created_at = tables.DateColumn(verbose_name=_("Created"), short=True)
    actions = tables.TemplateColumn(
        template_name="platform_admin/tenants.html#tenant-actions", verbose_name=_("Actions"), orderable=False
    )

    class Meta:
        model = Tenant
        fields = ("name", "subdomain", "plan", "is_active", "users_count", "trial_ends_on", "created_at")
        order_by = ("-created_at",)
        empty_text = _("No tenants match.")
        attrs = {"class": "striped"}
        # Rows come from layouts/partials/_table_row.html, which suspending a tenant re-renders.
        template_name = "layouts/partials/_table.html"
        row_attrs = {"id": lambda record: f"tenant-{record.pk}"}

    def render_is_active(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge badge-ok">{}</span>', _("Active"))
        return format_html('<span class="badge badge-warn">{}</span>', _("Suspended"))

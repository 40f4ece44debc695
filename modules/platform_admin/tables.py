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

    class Meta:
        model = Tenant
        fields = ("name", "subdomain", "plan", "is_active", "users_count", "trial_ends_on", "created_at")
        order_by = ("-created_at",)
        empty_text = _("No tenants match.")
        attrs = {"class": "striped"}

    def render_is_active(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge badge-ok">{}</span>', _("Active"))
        return format_html('<span class="badge badge-warn">{}</span>', _("Suspended"))

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from modules.accounts.models import User


class TeamTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"))
    email = tables.EmailColumn(verbose_name=_("Email"))
    role = tables.Column(verbose_name=_("Role"))
    is_active = tables.Column(verbose_name=_("Status"))
    date_joined = tables.DateColumn(verbose_name=_("Joined"), short=True)

    class Meta:
        model = User
        fields = ("name", "email", "role", "is_active", "date_joined")
        order_by = ("name",)
        empty_text = _("No teammates yet.")
        attrs = {"class": "striped"}

    def render_is_active(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge badge-ok">{}</span>', _("Active"))
        return format_html('<span class="badge badge-muted">{}</span>', _("Deactivated"))

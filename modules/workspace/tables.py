import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from modules.accounts.models import Role, User


def _actions_context(table: "TeamTable", record: User) -> dict:
    return {"roles": Role.choices, "errors": table.member_errors.get(record.pk, [])}


class TeamTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"))
    email = tables.EmailColumn(verbose_name=_("Email"))
    role = tables.Column(verbose_name=_("Role"))
    is_active = tables.Column(verbose_name=_("Status"))
    date_joined = tables.DateColumn(verbose_name=_("Joined"), short=True)
    # Admins only: the views leave it out (exclude=("actions",)) for everyone else.
    actions = tables.TemplateColumn(
        template_name="workspace/team.html#member-actions",
        extra_context=_actions_context,
        verbose_name=_("Actions"),
        orderable=False,
    )

    class Meta:
        model = User
        fields = ("name", "email", "role", "is_active", "date_joined")
        order_by = ("name",)
        empty_text = _("No teammates yet.")
        attrs = {"class": "striped"}
        # Rows come from layouts/partials/_table_row.html, which a change to one teammate re-renders.
        template_name = "layouts/partials/_table.html"
        row_attrs = {"id": lambda record: f"member-{record.pk}"}

    def __init__(self, *args, member_errors: dict[int, list[str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # What a service refused, by teammate: shown in that teammate's row.
        self.member_errors = member_errors or {}

    def render_is_active(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge badge-ok">{}</span>', _("Active"))
        return format_html('<span class="badge badge-muted">{}</span>', _("Deactivated"))

import re

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from modules.accounts.models import Role, User
from modules.core.tables import RecordTable


def invitation_pending(user: User) -> bool:
    """Invited, and not yet in: an invitee has no password until they choose one from the emailed
    link, and has never signed in."""
    return user.last_login is None and not user.has_usable_password()


def _email_link(email: str) -> str:
    """A mailto link whose text may wrap before each "." and "@": a long address takes a few
    short lines instead of widening the table."""
    pieces = ((piece,) for piece in re.split(r"(?=[.@])", email))
    return format_html('<a href="mailto:{}">{}</a>', email, format_html_join(mark_safe("<wbr>"), "{}", pieces))


class TeamTable(RecordTable):
    """Three columns, so that an admin's controls are in sight on a 1280px laptop: the name with
    the email below it, the status, and the role. An admin's role cell holds the teammate's
    controls (the role select, then deactivate or reactivate): the select shows the role, so no
    read-only copy of it takes a column of its own."""

    name = tables.Column(verbose_name=_("Name"))
    is_active = tables.Column(verbose_name=_("Status"))
    role = tables.Column(verbose_name=_("Role"))

    class Meta(RecordTable.Meta):
        model = User
        fields = ("name", "is_active", "role")
        order_by = ("name",)
        empty_text = _("No teammates yet.")
        row_attrs = {"id": lambda record: f"member-{record.pk}"}

    def __init__(
        self, *args, can_manage: bool = False, member_errors: dict[int, list[str]] | None = None,
        saved: frozenset[int] = frozenset(), **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.can_manage = can_manage
        # What a service refused, by teammate: shown in that teammate's row.
        self.member_errors = member_errors or {}
        # Teammates whose change just applied: their row says so.
        self.saved = saved

    def render_name(self, value: str, record: User) -> str:
        return format_html("{}<br><small>{}</small>", value, _email_link(record.email))

    def render_is_active(self, value: bool, record: User) -> str:
        if not value:
            return format_html('<span class="badge badge-muted">{}</span>', _("Deactivated"))
        if invitation_pending(record):
            return format_html('<span class="badge badge-warn">{}</span>', _("Invited"))
        return format_html('<span class="badge badge-ok">{}</span>', _("Active"))

    def render_role(self, record: User) -> str:
        if not self.can_manage:
            return record.get_role_display()
        context = {
            "record": record,
            "roles": Role.choices,
            "errors": self.member_errors.get(record.pk, []),
            "saved": record.pk in self.saved,
        }
        return render_to_string("workspace/team.html#member-actions", context, request=self.request)

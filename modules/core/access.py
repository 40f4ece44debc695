"""Who may see or change a module's record: the rule every module's access.py applies.

    action                      admin, manager      user
    read any record             yes                 yes
    create a record             yes                 yes
    change a record             any                 assigned to them, or to nobody (and
                                                    those they created, where the record
                                                    keeps `created_by`)
    set `assigned_to`           to any teammate     to themselves or to nobody
    delete a record             any                 those they created

No right follows from something the asker can set: a user takes an unassigned record, but
never someone else's, and assigning a record to oneself does not make it deletable. Who
created a record is written by the service and never changes. The schema already keeps
other tenants out. A module's access.py names one `access_<record>` per model over
`record_access` (docs/security.md says why the table is what it is).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _


def manages(actor) -> bool:
    """`None` is the system (imports, demo data): it acts for the workspace."""
    return actor is None or actor.is_tenant_manager


def record_access(actor, queryset: QuerySet, pk, *, for_write: bool, for_delete: bool) -> Model:
    """The record, locked when it is about to change; a 404 when this workspace has no such id."""
    if for_write or for_delete:
        queryset = queryset.select_for_update(of=("self",))
    try:
        record = queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
    if for_delete and not may_delete(actor, record):
        raise PermissionDenied(_("Only a manager or an admin can delete this record."))
    if for_write and not may_change(actor, record):
        raise PermissionDenied(
            _("This record is assigned to someone else: only they, a manager or an admin can change it.")
        )
    return record


def may_change(actor, record: Model) -> bool:
    return (
        manages(actor)
        # A record with no assignee field (an invoice) is everyone's, as an unassigned one is.
        or getattr(record, "assigned_to_id", None) in (None, actor.pk)
        or getattr(record, "created_by_id", None) == actor.pk  # activities: whoever planned it
    )


def may_delete(actor, record: Model) -> bool:
    """Pages ask this to show a delete button only to those the services would let through."""
    return manages(actor) or getattr(record, "created_by_id", None) == actor.pk


def assignable(actor) -> QuerySet:
    """Whom the actor may put a record in the hands of (the pages' assignee choices)."""
    teammates = get_user_model().objects.filter(tenant_id=actor.tenant_id, is_active=True).order_by("name")
    return teammates if manages(actor) else teammates.filter(pk=actor.pk)


def assignment_check(actor, assignee) -> None:
    """Services call this for every `assigned_to` they are given, at creation or change."""
    if not (manages(actor) or assignee is None or assignee.pk == actor.pk):
        raise PermissionDenied(_("Only managers and admins can assign records to someone else."))

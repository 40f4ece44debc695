"""Who may see or change which CRM record: the one place that decides.

The permission table (docs/security.md says why):

    action                      admin, manager      user
    read any record             yes                 yes
    create a record             yes                 yes
    change a record             any                 assigned to them, or to nobody (activities:
                                                    also those they planned)
    set `assigned_to`           to any teammate     to themselves or to nobody
    delete a record             any                 the activities they planned

No right follows from something the asker can set: a user takes an unassigned record, but
never someone else's, and assigning a record to oneself does not make it deletable. Who
planned an activity is written by the service and never changes. The schema already keeps
other tenants out.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from modules.accounts.models import Role, User

from .models import Activity, Contact, Deal, Lead

MANAGING_ROLES = (Role.ADMIN, Role.MANAGER)


def _manages(actor: User | None) -> bool:
    """`None` is the system (imports, demo data): it acts for the workspace."""
    return actor is None or actor.role in MANAGING_ROLES


def _access(actor: User, queryset: QuerySet, pk, *, for_write: bool, for_delete: bool) -> Model:
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


def may_change(actor: User | None, record: Model) -> bool:
    return (
        _manages(actor)
        or record.assigned_to_id in (None, actor.pk)
        or getattr(record, "created_by_id", None) == actor.pk  # activities: whoever planned it
    )


def may_delete(actor: User | None, record: Model) -> bool:
    """Pages ask this to show a delete button only to those the services would let through."""
    return _manages(actor) or getattr(record, "created_by_id", None) == actor.pk


def assignable(actor: User) -> QuerySet[User]:
    """Whom the actor may put a record in the hands of (the pages' assignee choices)."""
    teammates = User.objects.filter(tenant_id=actor.tenant_id, is_active=True).order_by("name")
    return teammates if _manages(actor) else teammates.filter(pk=actor.pk)


def assignment_check(actor: User | None, assignee: User | None) -> None:
    """Services call this for every `assigned_to` they are given, at creation or change."""
    if not (_manages(actor) or assignee is None or assignee.pk == actor.pk):
        raise PermissionDenied(_("Only managers and admins can assign records to someone else."))


def access_lead(actor: User, lead_id, *, for_write: bool = False, for_delete: bool = False) -> Lead:
    queryset = Lead.objects.select_related("assigned_to")
    return _access(actor, queryset, lead_id, for_write=for_write, for_delete=for_delete)


def access_contact(actor: User, contact_id, *, for_write: bool = False, for_delete: bool = False) -> Contact:
    queryset = Contact.objects.select_related("assigned_to")
    return _access(actor, queryset, contact_id, for_write=for_write, for_delete=for_delete)


def access_deal(actor: User, deal_id, *, for_write: bool = False, for_delete: bool = False) -> Deal:
    queryset = Deal.objects.select_related("contact", "contact__assigned_to", "assigned_to")
    return _access(actor, queryset, deal_id, for_write=for_write, for_delete=for_delete)


def access_activity(actor: User, activity_id, *, for_write: bool = False, for_delete: bool = False) -> Activity:
    queryset = Activity.objects.select_related("assigned_to")
    return _access(actor, queryset, activity_id, for_write=for_write, for_delete=for_delete)

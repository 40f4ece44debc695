"""Who may see or change which CRM record: the one place that decides.

Everyone in the workspace works the same pipeline, so every member reads and edits every
record (the schema already keeps other tenants out). Deleting is for admins and managers, or
for the person the record is assigned to.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from modules.accounts.models import Role, User

from .models import Activity, Contact, Deal, Lead


def _access(actor: User, queryset: QuerySet, pk, *, for_write: bool, for_delete: bool) -> Model:
    """The record, locked when it is about to change; a 404 when this workspace has no such id."""
    if for_write or for_delete:
        queryset = queryset.select_for_update(of=("self",))
    try:
        record = queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
    if for_delete and not may_delete(actor, record):
        raise PermissionDenied
    return record


def may_delete(actor: User, record: Model) -> bool:
    """Pages ask this to show a delete button only to those the services would let through."""
    return (
        actor.role in (Role.ADMIN, Role.MANAGER)
        or getattr(record, "assigned_to_id", None) == actor.pk
        or getattr(record, "created_by_id", None) == actor.pk  # activities: whoever planned it
    )


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

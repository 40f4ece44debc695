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


def _get(queryset: QuerySet, pk, *, for_write: bool) -> Model:
    if for_write:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None


def may_delete(actor: User, record: Model) -> bool:
    """Pages ask this to show a delete button only to those the services would let through."""
    return (
        actor.role in (Role.ADMIN, Role.MANAGER)
        or getattr(record, "assigned_to_id", None) == actor.pk
        or getattr(record, "created_by_id", None) == actor.pk  # activities: whoever planned it
    )


def _check_delete(actor: User, record: Model) -> None:
    if not may_delete(actor, record):
        raise PermissionDenied


def access_lead(actor: User, lead_id, *, for_write: bool = False, for_delete: bool = False) -> Lead:
    lead = _get(Lead.objects.select_related("assigned_to"), lead_id, for_write=for_write or for_delete)
    if for_delete:
        _check_delete(actor, lead)
    return lead


def access_contact(actor: User, contact_id, *, for_write: bool = False, for_delete: bool = False) -> Contact:
    contact = _get(Contact.objects.select_related("assigned_to"), contact_id, for_write=for_write or for_delete)
    if for_delete:
        _check_delete(actor, contact)
    return contact


def access_deal(actor: User, deal_id, *, for_write: bool = False, for_delete: bool = False) -> Deal:
    deal = _get(
        Deal.objects.select_related("contact", "contact__assigned_to", "assigned_to"),
        deal_id, for_write=for_write or for_delete,
    )
    if for_delete:
        _check_delete(actor, deal)
    return deal


def access_activity(actor: User, activity_id, *, for_write: bool = False, for_delete: bool = False) -> Activity:
    activity = _get(Activity.objects.select_related("assigned_to"), activity_id, for_write=for_write or for_delete)
    if for_delete:
        _check_delete(actor, activity)
    return activity

"""Who may see or change which CRM record: core/access.py's rule (its table), one function a
record. Activities keep `created_by`: whoever planned one may change and delete it."""

from modules.core.access import assignable, assignment_check, may_change, may_delete, record_access

from .models import Activity, Contact, Deal, Lead

__all__ = ["assignable", "assignment_check", "may_change", "may_delete"]


def access_lead(actor, lead_id, *, for_write: bool = False, for_delete: bool = False) -> Lead:
    queryset = Lead.objects.select_related("assigned_to")
    return record_access(actor, queryset, lead_id, for_write=for_write, for_delete=for_delete)


def access_contact(actor, contact_id, *, for_write: bool = False, for_delete: bool = False) -> Contact:
    queryset = Contact.objects.select_related("assigned_to")
    return record_access(actor, queryset, contact_id, for_write=for_write, for_delete=for_delete)


def access_deal(actor, deal_id, *, for_write: bool = False, for_delete: bool = False) -> Deal:
    queryset = Deal.objects.select_related("contact", "contact__assigned_to", "assigned_to")
    return record_access(actor, queryset, deal_id, for_write=for_write, for_delete=for_delete)


def access_activity(actor, activity_id, *, for_write: bool = False, for_delete: bool = False) -> Activity:
    queryset = Activity.objects.select_related("assigned_to")
    return record_access(actor, queryset, activity_id, for_write=for_write, for_delete=for_delete)

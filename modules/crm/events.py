"""The CRM's domain events and their payloads.

Payloads are the records as the API shows them, so a webhook receiver and an API client see
the same JSON, minus what depends on the reader (formatted values): amounts carry their
currency's digits. `*.updated` events also carry the changed fields, old and new, and an update
that changes nothing records none. Services record them (modules.events) in the transaction that
made the change.
"""

from modules.core.formats import amount_json, iso_date, iso_datetime, user_json

from .models import Activity, Contact, Deal, Lead

LEAD_CREATED = "lead.created"
LEAD_UPDATED = "lead.updated"
LEAD_DELETED = "lead.deleted"
LEAD_CONVERTED = "lead.converted"
LEAD_LOST = "lead.lost"
LEAD_SCORE_CHANGED = "lead.score_changed"  # the model rescored it (people's changes are lead.updated)
CONTACT_CREATED = "contact.created"
CONTACT_UPDATED = "contact.updated"
CONTACT_DELETED = "contact.deleted"
DEAL_CREATED = "deal.created"
DEAL_UPDATED = "deal.updated"
DEAL_STAGE_CHANGED = "deal.stage_changed"
DEAL_WON = "deal.won"
DEAL_LOST = "deal.lost"
DEAL_DELETED = "deal.deleted"
ACTIVITY_CREATED = "activity.created"
ACTIVITY_UPDATED = "activity.updated"
ACTIVITY_COMPLETED = "activity.completed"
ACTIVITY_DELETED = "activity.deleted"


def lead_json(lead: Lead) -> dict:
    return {
        "id": lead.pk,
        "name": lead.name,
        "email": lead.email,
        "phone": lead.phone,
        "company": lead.company,
        "position": lead.position,
        "source": lead.source,
        "score": lead.score,
        "score_is_manual": lead.score_is_manual,
        "status": lead.status,
        "notes": lead.notes,
        "tags": lead.tags,
        "assigned_to": user_json(lead.assigned_to),
        "created_at": iso_datetime(lead.created_at),
        "updated_at": iso_datetime(lead.updated_at),
    }


CONTACT_FISCAL_FIELDS = (
    "tax_id", "state_registration", "address", "city", "state", "postal_code", "country", "tax_regime", "cfdi_use",
)


def contact_json(contact: Contact) -> dict:
    return {
        "id": contact.pk,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "company": contact.company,
        "position": contact.position,
        "notes": contact.notes,
        "tags": contact.tags,
        **{field: getattr(contact, field) for field in CONTACT_FISCAL_FIELDS},
        "assigned_to": user_json(contact.assigned_to),
        "created_at": iso_datetime(contact.created_at),
        "updated_at": iso_datetime(contact.updated_at),
    }


def deal_json(deal: Deal) -> dict:
    return {
        "id": deal.pk,
        "title": deal.title,
        "contact": contact_json(deal.contact),
        "value": amount_json(deal.value, deal.currency),
        "currency": deal.currency,
        "stage": deal.stage,
        "probability": deal.probability,
        "expected_close_date": iso_date(deal.expected_close_date),
        "lost_reason": deal.lost_reason,
        "closed_at": iso_datetime(deal.closed_at),
        "lead_id": deal.lead_id,
        "assigned_to": user_json(deal.assigned_to),
        "created_at": iso_datetime(deal.created_at),
        "updated_at": iso_datetime(deal.updated_at),
    }


def activity_json(activity: Activity) -> dict:
    return {
        "id": activity.pk,
        "type": activity.type,
        "subject": activity.subject,
        "description": activity.description,
        "related_to_type": activity.related_to_type,
        "related_to_id": activity.related_to_id,
        "due_date": iso_datetime(activity.due_date),
        "completed": activity.completed,
        "completed_at": iso_datetime(activity.completed_at),
        "assigned_to": user_json(activity.assigned_to),
        "created_at": iso_datetime(activity.created_at),
    }


def score_change_json(lead_id: int, score: int, previous_score: int) -> dict:
    return {"id": lead_id, "score": score, "previous_score": previous_score}

"""Every CRM write. The API and the workspace pages both come through here.

Each service runs in one transaction, records its domain event there (the outbox the webhooks
module delivers from) and raises ValidationError (a field's problem) or DomainError (a rule).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.accounts.models import User
from modules.core.board import column_make_room
from modules.core.brazil.ibge import state_code
from modules.core.brazil.state_registration import EXEMPT, state_registration_valid
from modules.core.exceptions import DomainError
from modules.core.money import amount_check
from modules.core.phones import phone_normalize, tenant_region
from modules.core.references import delete_refusal
from modules.events.services import event_record, payload_changes
from modules.tenancy.countries import CFDI_USES, MEXICAN_TAX_REGIMES
from modules.tenancy.selectors import company_profile_current, tenant_country
from modules.tenancy.validators import normalize_tax_id

from . import access, events
from .models import (
    CLOSED_STAGES,
    Activity,
    Contact,
    Deal,
    DealStageChange,
    Lead,
    LeadStatus,
    RelatedType,
    Stage,
)
from .scoring import lead_score_compute, score_retrain_schedule

MAX_TAGS = 20
MAX_TAG_LENGTH = 50
OUTCOME_STATUSES = (LeadStatus.CONVERTED, LeadStatus.LOST)
# What a deal's probability becomes when it enters a stage and nobody says otherwise.
STAGE_PROBABILITY = {
    Stage.PROSPECT: 10,
    Stage.PROPOSAL: 40,
    Stage.NEGOTIATION: 70,
    Stage.CLOSED_WON: 100,
    Stage.CLOSED_LOST: 0,
}


# --- Field rules shared by leads and contacts -----------------------------------------------


def tags_normalize(tags) -> list[str]:
    """Trimmed, without blanks or repeats (case-insensitive), in the order given."""
    if isinstance(tags, str) or not all(isinstance(tag, str) for tag in tags):
        raise ValidationError({"tags": [_("Tags must be a list of text values.")]})
    cleaned, seen = [], set()
    for tag in tags:
        tag = " ".join(tag.split())
        if tag and tag.lower() not in seen:
            if len(tag) > MAX_TAG_LENGTH:
                raise ValidationError(
                    {"tags": [_("Each tag can have at most %(max)d characters.") % {"max": MAX_TAG_LENGTH}]}
                )
            seen.add(tag.lower())
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": [_("A record can have at most %(max)d tags.") % {"max": MAX_TAGS}]})
    return cleaned


def _phone(raw: str, region: str | None = None) -> str:
    try:
        return phone_normalize(raw, region=region or tenant_region())
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None


def email_taken_error(model: type[Model]) -> ValidationError:
    if model is Lead:
        return ValidationError({"email": [_("A lead with this email already exists.")]})
    return ValidationError({"email": [_("A contact with this email already exists.")]})


def lead_initial_status_check(status: str) -> None:
    """A lead may start in any status but converted: that one needs its contact and deal."""
    if status == LeadStatus.CONVERTED:
        raise ValidationError({"status": [_("A new lead cannot start as converted: create it, then convert it.")]})


def _check_email_free(model: type[Model], email: str, *, exclude_pk: int | None = None) -> None:
    taken = model.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise email_taken_error(model)


def _save_unique(record: Model, **save_kwargs) -> None:
    """Save; two requests racing for one email both pass the check, the index stops one."""
    try:
        with transaction.atomic():
            record.save(**save_kwargs)
    except IntegrityError as error:
        if "email_ci_unique" in str(error):
            raise email_taken_error(type(record)) from None
        raise


def _apply(record: Model, changes: dict) -> None:
    for field, value in changes.items():
        setattr(record, field, value)


def _clean_person_fields(fields: dict) -> dict:
    fields = dict(fields)
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
    if "phone" in fields:
        fields["phone"] = _phone(fields["phone"])
    if "tags" in fields:
        fields["tags"] = tags_normalize(fields["tags"])
    return fields


def _check_assignee(actor: User | None, fields: dict) -> None:
    if "assigned_to" in fields:
        access.assignment_check(actor, fields["assigned_to"])


def _rescore(lead: Lead) -> None:
    if not lead.score_is_manual and lead.status not in OUTCOME_STATUSES:
        lead.score = lead_score_compute(lead)


# --- Leads ----------------------------------------------------------------------------------


def lead_fields_clean(
    fields: dict, *, phone: Callable[[str], str] | None = None
) -> tuple[dict, dict[str, list[str]]]:
    """The cleaning every new lead goes through, one at a time (lead_create) or by the thousand
    (crm.imports): trimmed text, the email in lower case, the phone in international form, tags
    normalized, a status a lead may start in, a score sent by a person kept as theirs.

    Returns the Lead's fields and the problems by field (a field with a problem keeps its value
    as sent). `phone(raw)` normalizes a number (an import remembers the numbers a file repeats).
    """
    cleaned = dict(fields)
    problems: dict[str, list[str]] = {}
    for name in ("name", "company", "position"):
        cleaned[name] = cleaned.get(name, "").strip()
    cleaned["email"] = cleaned["email"].strip().lower()
    steps = (
        ("phone", phone or _phone),
        ("tags", tags_normalize),
    )
    for name, step in steps:
        try:
            cleaned[name] = step(cleaned[name])
        except ValidationError as error:
            problems[name] = error.messages
    try:
        lead_initial_status_check(cleaned["status"])
    except ValidationError as error:
        problems["status"] = error.messages
    score = cleaned.pop("score", None)
    cleaned["score"], cleaned["score_is_manual"] = score or 0, score is not None
    cleaned["closed_at"] = timezone.now() if cleaned["status"] == LeadStatus.LOST else None
    return cleaned, problems


@transaction.atomic
def lead_create(
    *,
    actor: User | None,
    name: str,
    email: str,
    phone: str = "",
    company: str = "",
    position: str = "",
    source: str = "other",
    status: str = LeadStatus.NEW,
    notes: str = "",
    tags: list[str] | tuple[str, ...] = (),
    assigned_to: User | None = None,
    score: int | None = None,
) -> Lead:
    fields, problems = lead_fields_clean({
        "name": name, "email": email, "phone": phone, "company": company, "position": position,
        "source": source, "status": status, "notes": notes, "tags": tags, "score": score,
    })
    if problems:
        raise ValidationError(problems)
    access.assignment_check(actor, assigned_to)
    _check_email_free(Lead, fields["email"])
    lead = Lead(**fields, assigned_to=assigned_to)
    if status == LeadStatus.LOST:
        score_retrain_schedule()
    _rescore(lead)
    _save_unique(lead)
    event_record(name=events.LEAD_CREATED, payload=events.lead_json(lead), actor=actor)
    return lead


@transaction.atomic
def lead_update(*, actor: User | None, lead: Lead, changes: dict) -> Lead:
    """PATCH semantics. `score` set by a person sticks until `score: None` hands it back to the model.
    Moving a lead to converted runs the conversion (a contact and a deal), as the action does."""
    before = events.lead_json(lead)
    _check_assignee(actor, changes)
    changes = _clean_person_fields(changes)
    status = changes.pop("status", lead.status)
    if "email" in changes and changes["email"] != lead.email:
        _check_email_free(Lead, changes["email"], exclude_pk=lead.pk)
    if "score" in changes:
        score = changes.pop("score")
        lead.score_is_manual = score is not None
        if score is not None:
            lead.score = score
    _apply(lead, changes)
    if status != lead.status and lead.status == LeadStatus.CONVERTED:
        raise ValidationError({"status": [_("This lead was converted; its status can no longer change.")]})
    if status == LeadStatus.CONVERTED and lead.status != LeadStatus.CONVERTED:
        _save_unique(lead)  # the edits sent along with the conversion
        return lead_convert(actor=actor, lead=lead).lead
    became_lost = status == LeadStatus.LOST and lead.status != LeadStatus.LOST
    if status != lead.status:
        _status_set(lead, status)
    _rescore(lead)
    changed = payload_changes(before, events.lead_json(lead))
    if not changed:
        return lead
    _save_unique(lead)
    event_record(name=events.LEAD_UPDATED, payload=events.lead_json(lead), actor=actor, changes=changed)
    if became_lost:
        event_record(name=events.LEAD_LOST, payload=events.lead_json(lead), actor=actor)
    return lead


def _status_set(lead: Lead, status: str) -> None:
    """Reaching or leaving converted/lost changes what the score model learns from."""
    if lead.status in OUTCOME_STATUSES or status in OUTCOME_STATUSES:
        score_retrain_schedule()
    lead.status = status
    lead.closed_at = timezone.now() if status in OUTCOME_STATUSES else None


@dataclass(frozen=True)
class BulkStatusChange:
    changed: int
    kept_converted: int  # ticked, but a converted lead keeps its status
    kept_not_permitted: int = 0  # ticked, but assigned to someone the actor may not overrule


@transaction.atomic
def leads_set_status(*, actor: User | None, lead_ids: list[int], status: str) -> BulkStatusChange:
    """The list page's bulk action. Converting needs a deal per lead: that stays one at a time.
    Each lead follows access.may_change, as it would alone: the others still change."""
    if status == LeadStatus.CONVERTED:
        raise ValidationError({"status": [_("Convert leads one at a time: each becomes a contact and a deal.")]})
    changed = kept_converted = kept_not_permitted = 0
    for lead in Lead.objects.select_for_update().filter(pk__in=lead_ids).exclude(status=status).order_by("pk"):
        if not access.may_change(actor, lead):
            kept_not_permitted += 1
        elif lead.status == LeadStatus.CONVERTED:
            kept_converted += 1
        else:
            lead_update(actor=actor, lead=lead, changes={"status": status})
            changed += 1
    return BulkStatusChange(changed=changed, kept_converted=kept_converted, kept_not_permitted=kept_not_permitted)


@transaction.atomic
def lead_delete(*, actor: User | None, lead: Lead) -> None:
    payload = events.lead_json(lead)
    Activity.objects.filter(related_to_type=RelatedType.LEAD, related_to_id=lead.pk).delete()
    lead.delete()
    if lead.status in OUTCOME_STATUSES:
        score_retrain_schedule()
    event_record(name=events.LEAD_DELETED, payload=payload, actor=actor)


@dataclass(frozen=True)
class Conversion:
    lead: Lead
    contact: Contact
    deal: Deal


@transaction.atomic
def lead_convert(
    *,
    actor: User | None,
    lead: Lead,
    title: str = "",
    value: Decimal | None = None,
    currency: str = "",
    expected_close_date: date | None = None,
) -> Conversion:
    """The lead becomes a contact (or joins the contact with its email) and a deal in `prospect`.

    The deal's value may be unknown yet: it starts at zero for the team to estimate.
    """
    lead = Lead.objects.select_for_update().get(pk=lead.pk)  # two clicks, one conversion
    if lead.status == LeadStatus.CONVERTED:
        raise DomainError(_("This lead was already converted."), field="status", code="already_converted")
    contact = Contact.objects.filter(email__iexact=lead.email).first()
    if contact is None:
        contact = Contact(
            name=lead.name, email=lead.email, phone=lead.phone, company=lead.company, position=lead.position,
            tags=lead.tags, notes=lead.notes, assigned_to_id=lead.assigned_to_id,
        )
        _save_unique(contact)
        event_record(name=events.CONTACT_CREATED, payload=events.contact_json(contact), actor=actor)
    if not currency:
        profile = company_profile_current()
        currency = profile.default_currency if profile is not None else "USD"
    deal = Deal(
        title=title or lead.company or lead.name, contact=contact, lead=lead, value=value or Decimal("0.00"),
        currency=currency, stage=Stage.PROSPECT, probability=STAGE_PROBABILITY[Stage.PROSPECT],
        expected_close_date=expected_close_date, assigned_to_id=lead.assigned_to_id,
    )
    deal.save()
    DealStageChange.objects.create(deal=deal, from_stage="", to_stage=deal.stage, changed_by=actor)
    event_record(name=events.DEAL_CREATED, payload=events.deal_json(deal), actor=actor)

    lead.status, lead.closed_at, lead.converted_contact = LeadStatus.CONVERTED, timezone.now(), contact
    lead.save(update_fields=["status", "closed_at", "converted_contact", "updated_at"])
    score_retrain_schedule()
    event_record(
        name=events.LEAD_CONVERTED,
        payload={**events.lead_json(lead), "contact_id": contact.pk, "deal_id": deal.pk},
        actor=actor,
    )
    return Conversion(lead=lead, contact=contact, deal=deal)


# --- Contacts -------------------------------------------------------------------------------

CONTACT_FISCAL_FIELDS = events.CONTACT_FISCAL_FIELDS
# SAT's generic RFCs (the public in general, a foreign customer): no person's, so no check digit.
GENERIC_RFCS = ("XAXX010101000", "XEXX010101000")
COUNTRY_CODES = sorted(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())


def _contact_fiscal_clean(fields: dict, contact: Contact | None) -> dict:
    """The customer's fiscal data as the documents need it: the tax ID checked for the contact's
    country (the company's when the contact names none), the IE for the contact's state, the
    Mexican regime and CFDI use from SAT's catalogues. Only what `fields` changes is checked."""
    fields = {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}
    if not set(CONTACT_FISCAL_FIELDS) & set(fields):
        return fields
    current = {name: fields.get(name, getattr(contact, name, "")) for name in CONTACT_FISCAL_FIELDS}
    errors = {}
    country = current["country"] = current["country"].upper()
    if "country" in fields:
        fields["country"] = country
    if country and country not in COUNTRY_CODES:
        errors["country"] = [_("Use the country's two-letter ISO code: BR, MX, US...")]
    tax_country = country or tenant_country(connection.tenant)
    if "tax_id" in fields or ("country" in fields and current["tax_id"]):
        tax_id = current["tax_id"].upper()
        if tax_id in GENERIC_RFCS and tax_country == "MX":
            fields["tax_id"] = tax_id
        elif tax_country in ("BR", "MX", "US"):
            try:
                fields["tax_id"] = normalize_tax_id(tax_country, current["tax_id"])
            except ValidationError as error:
                errors["tax_id"] = error.messages
    registration = current["state_registration"]
    if "state_registration" in fields and registration:
        uf = state_code(current["state"])
        if registration.upper() == EXEMPT:
            fields["state_registration"] = EXEMPT
        elif tax_country != "BR":
            errors["state_registration"] = [_("A state registration (IE) applies only to customers in Brazil.")]
        elif not uf:
            errors["state"] = [_("Enter the customer's state (SP, RJ...): their state registration depends on it.")]
        elif not state_registration_valid(uf, registration):
            errors["state_registration"] = [
                _("Not a valid state registration (IE) of %(state)s: check its digits, or enter ISENTO.")
                % {"state": uf}
            ]
    if fields.get("tax_regime") and fields["tax_regime"] not in {code for code, _label in MEXICAN_TAX_REGIMES}:
        errors["tax_regime"] = [_("Choose one of SAT's tax regimes (601, 612, 626...).")]
    if fields.get("cfdi_use"):
        fields["cfdi_use"] = fields["cfdi_use"].upper()
        if fields["cfdi_use"] not in {code for code, _label in CFDI_USES}:
            errors["cfdi_use"] = [_("Choose one of SAT's CFDI uses (G01, G03, S01...).")]
    if errors:
        raise ValidationError(errors)
    return fields



@transaction.atomic
def contact_create(
    *,
    actor: User | None,
    name: str,
    email: str,
    phone: str = "",
    company: str = "",
    position: str = "",
    notes: str = "",
    tags: list[str] | tuple[str, ...] = (),
    assigned_to: User | None = None,
    **fiscal: str,
) -> Contact:
    """`fiscal`: any of CONTACT_FISCAL_FIELDS (the customer's tax ID, address...)."""
    access.assignment_check(actor, assigned_to)
    unknown = set(fiscal) - set(CONTACT_FISCAL_FIELDS)
    if unknown:
        raise TypeError(f"contact_create() got unexpected fields {sorted(unknown)}")
    fields = _clean_person_fields({"email": email, "phone": phone, "tags": tags})
    fields |= _contact_fiscal_clean({name: fiscal.get(name, "") for name in CONTACT_FISCAL_FIELDS}, None)
    _check_email_free(Contact, fields["email"])
    contact = Contact(
        name=name.strip(), company=company.strip(), position=position.strip(), notes=notes,
        assigned_to=assigned_to, **fields,
    )
    _save_unique(contact)
    event_record(name=events.CONTACT_CREATED, payload=events.contact_json(contact), actor=actor)
    return contact


@transaction.atomic
def contact_update(*, actor: User | None, contact: Contact, changes: dict) -> Contact:
    before = events.contact_json(contact)
    _check_assignee(actor, changes)
    changes = _contact_fiscal_clean(_clean_person_fields(changes), contact)
    if "email" in changes and changes["email"] != contact.email:
        _check_email_free(Contact, changes["email"], exclude_pk=contact.pk)
    _apply(contact, changes)
    changed = payload_changes(before, events.contact_json(contact))
    if not changed:
        return contact
    _save_unique(contact)
    event_record(name=events.CONTACT_UPDATED, payload=events.contact_json(contact), actor=actor, changes=changed)
    return contact


def contact_delete_refusal(contact: Contact) -> str:
    """Why the contact cannot be deleted ("" when it can): every module that refers to it says
    so (core.references); deleting it would erase their history. Its page says so up front
    instead of offering the button."""
    return delete_refusal(contact)


def contact_deals_count(contact: Contact) -> int:
    return Deal.objects.filter(contact=contact).count()


def contact_deals_refusal(count: int) -> str:
    """The CRM's reason a contact stays (registered in apps.py with core.references)."""
    return ngettext(
        "This contact has %(count)d deal. Delete or reassign it before deleting the contact.",
        "This contact has %(count)d deals. Delete or reassign them before deleting the contact.",
        count,
    ) % {"count": count}


@transaction.atomic
def contact_delete(*, actor: User | None, contact: Contact) -> None:
    refusal = contact_delete_refusal(contact)
    if refusal:
        raise DomainError(refusal, code="referenced")
    payload = events.contact_json(contact)
    Activity.objects.filter(related_to_type=RelatedType.CONTACT, related_to_id=contact.pk).delete()
    contact.delete()
    event_record(name=events.CONTACT_DELETED, payload=payload, actor=actor)


# --- Deals ----------------------------------------------------------------------------------


@transaction.atomic
def deal_create(
    *,
    actor: User | None,
    title: str,
    contact: Contact,
    value: Decimal,
    currency: str,
    stage: str = Stage.PROSPECT,
    probability: int | None = None,
    expected_close_date: date | None = None,
    assigned_to: User | None = None,
    lost_reason: str = "",
) -> Deal:
    access.assignment_check(actor, assigned_to)
    amount_check(value, currency, field="value")
    deal = Deal(
        title=title.strip(), contact=contact, value=value, currency=currency, stage=stage,
        probability=STAGE_PROBABILITY[stage] if probability is None else probability,
        expected_close_date=expected_close_date, assigned_to=assigned_to,
        lost_reason=lost_reason if stage == Stage.CLOSED_LOST else "",
        closed_at=timezone.now() if stage in CLOSED_STAGES else None,
    )
    deal.save()
    DealStageChange.objects.create(deal=deal, from_stage="", to_stage=stage, changed_by=actor)
    event_record(name=events.DEAL_CREATED, payload=events.deal_json(deal), actor=actor)
    return deal


@transaction.atomic
def deal_update(*, actor: User | None, deal: Deal, changes: dict) -> Deal:
    """PATCH semantics; a new `stage` is a move (history, won/lost events) like a drag on the board."""
    before = events.deal_json(deal)
    _check_assignee(actor, changes)
    changes = dict(changes)
    stage = changes.pop("stage", None)
    probability = changes.pop("probability", None)
    lost_reason = changes.pop("lost_reason", None)
    if "value" in changes or "currency" in changes:
        amount_check(changes.get("value", deal.value), changes.get("currency", deal.currency), field="value")
    _apply(deal, changes)
    if stage is not None and stage != deal.stage:
        return deal_move(actor=actor, deal=deal, stage=stage, probability=probability, lost_reason=lost_reason or "")
    if probability is not None:
        deal.probability = probability
    if lost_reason is not None and deal.stage == Stage.CLOSED_LOST:
        deal.lost_reason = lost_reason
    changed = payload_changes(before, events.deal_json(deal))
    if not changed:
        return deal
    deal.save()
    event_record(name=events.DEAL_UPDATED, payload=events.deal_json(deal), actor=actor, changes=changed)
    return deal


@transaction.atomic
def deal_move(
    *,
    actor: User | None,
    deal: Deal,
    stage: str,
    probability: int | None = None,
    lost_reason: str = "",
    position: int | None = None,
) -> Deal:
    """Put the deal in a stage (and, from the board, at a place in its column)."""
    previous = deal.stage
    if position is not None:
        column_make_room(record=deal, column_field="stage", column=stage, position=position)
        deal.position = position
    if stage == previous:
        deal.save()
        return deal
    deal.stage = stage
    deal.probability = STAGE_PROBABILITY[stage] if probability is None else probability
    deal.closed_at = timezone.now() if stage in CLOSED_STAGES else None
    deal.lost_reason = lost_reason if stage == Stage.CLOSED_LOST else ""
    if position is None:
        deal.position = 0  # the top of its new column: the board breaks ties by last change
    deal.save()
    DealStageChange.objects.create(deal=deal, from_stage=previous, to_stage=stage, changed_by=actor)
    payload = {**events.deal_json(deal), "previous_stage": previous}
    event_record(name=events.DEAL_STAGE_CHANGED, payload=payload, actor=actor)
    if stage == Stage.CLOSED_WON:
        event_record(name=events.DEAL_WON, payload=payload, actor=actor)
    elif stage == Stage.CLOSED_LOST:
        event_record(name=events.DEAL_LOST, payload=payload, actor=actor)
    return deal


@transaction.atomic
def deal_mark_won(*, actor: User | None, deal: Deal) -> Deal:
    if deal.stage == Stage.CLOSED_WON:
        raise DomainError(_("This deal is already marked as won."), field="stage", code="already_won")
    return deal_move(actor=actor, deal=deal, stage=Stage.CLOSED_WON)


@transaction.atomic
def deal_mark_lost(*, actor: User | None, deal: Deal, lost_reason: str = "") -> Deal:
    if deal.stage == Stage.CLOSED_LOST:
        raise DomainError(_("This deal is already marked as lost."), field="stage", code="already_lost")
    return deal_move(actor=actor, deal=deal, stage=Stage.CLOSED_LOST, lost_reason=lost_reason.strip())


@transaction.atomic
def deal_delete(*, actor: User | None, deal: Deal) -> None:
    payload = events.deal_json(deal)
    Activity.objects.filter(related_to_type=RelatedType.DEAL, related_to_id=deal.pk).delete()
    deal.delete()
    event_record(name=events.DEAL_DELETED, payload=payload, actor=actor)


# --- Activities -----------------------------------------------------------------------------

_RELATED_MODELS: dict[str, type[Model]] = {
    RelatedType.LEAD: Lead,
    RelatedType.CONTACT: Contact,
    RelatedType.DEAL: Deal,
}


def _check_related(related_to_type: str, related_to_id: int) -> Model:
    """The record an activity is about must exist here, in this tenant's schema."""
    record = _RELATED_MODELS[related_to_type].objects.filter(pk=related_to_id).first()
    if record is None:
        missing = {
            RelatedType.LEAD: _("No lead with this id exists."),
            RelatedType.CONTACT: _("No contact with this id exists."),
            RelatedType.DEAL: _("No deal with this id exists."),
        }
        raise ValidationError({"related_to_id": [missing[related_to_type]]})
    return record


def _related_engagement_changed(related_to_type: str, related_to_id: int) -> None:
    """Activities count in a lead's score: rescore the lead they are about (if open and not set by hand)."""
    if related_to_type != RelatedType.LEAD:
        return
    lead = Lead.objects.filter(pk=related_to_id).first()
    if lead is not None and not lead.score_is_manual and lead.status not in OUTCOME_STATUSES:
        score = lead_score_compute(lead)
        if score != lead.score:
            Lead.objects.filter(pk=lead.pk).update(score=score)
            event_record(
                name=events.LEAD_SCORE_CHANGED, payload=events.score_change_json(lead.pk, score, lead.score),
                actor=None, audit=False,
            )


@transaction.atomic
def activity_create(
    *,
    actor: User | None,
    type: str,
    subject: str,
    related_to_type: str,
    related_to_id: int,
    description: str = "",
    due_date: datetime | None = None,
    assigned_to: User | None = None,
) -> Activity:
    access.assignment_check(actor, assigned_to)
    _check_related(related_to_type, related_to_id)
    activity = Activity.objects.create(
        type=type, subject=subject.strip(), description=description, related_to_type=related_to_type,
        related_to_id=related_to_id, due_date=due_date, assigned_to=assigned_to or actor, created_by=actor,
    )
    _related_engagement_changed(related_to_type, related_to_id)
    event_record(name=events.ACTIVITY_CREATED, payload=events.activity_json(activity), actor=actor)
    return activity


@transaction.atomic
def activity_update(*, actor: User | None, activity: Activity, changes: dict) -> Activity:
    before_payload = events.activity_json(activity)
    _check_assignee(actor, changes)
    changes = dict(changes)
    completed = changes.pop("completed", None)
    related_type = changes.get("related_to_type", activity.related_to_type)
    related_id = changes.get("related_to_id", activity.related_to_id)
    if {"related_to_type", "related_to_id"} & changes.keys():
        _check_related(related_type, related_id)
    before = (activity.related_to_type, activity.related_to_id)
    _apply(activity, changes)
    if completed is not None and completed != activity.completed:
        activity.completed = completed
        activity.completed_at = timezone.now() if completed else None
    changed = payload_changes(before_payload, events.activity_json(activity))
    if not changed:
        return activity
    activity.save()
    for related_type, related_id in {before, (activity.related_to_type, activity.related_to_id)}:
        _related_engagement_changed(related_type, related_id)
    event_record(name=events.ACTIVITY_UPDATED, payload=events.activity_json(activity), actor=actor, changes=changed)
    return activity


@transaction.atomic
def activity_complete(*, actor: User | None, activity: Activity) -> Activity:
    """Completing twice keeps the first completion time."""
    if activity.completed:
        return activity
    activity.completed, activity.completed_at = True, timezone.now()
    activity.save(update_fields=["completed", "completed_at"])
    _related_engagement_changed(activity.related_to_type, activity.related_to_id)
    event_record(name=events.ACTIVITY_COMPLETED, payload=events.activity_json(activity), actor=actor)
    return activity


@transaction.atomic
def activity_delete(*, actor: User | None, activity: Activity) -> None:
    payload = events.activity_json(activity)
    activity.delete()
    _related_engagement_changed(activity.related_to_type, activity.related_to_id)
    event_record(name=events.ACTIVITY_DELETED, payload=payload, actor=actor)

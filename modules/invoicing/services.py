"""Every write of an invoice: the API and the workspace pages both come through here; the
subscriptions' billing run calls `invoice_create` and `invoice_issue` as they do.

Each service runs in one transaction, records its domain event there and raises ValidationError
(a field's problem, named as the API names it) or DomainError (a rule). An invoice is a draft
until it is issued: only then does finance hold its receivable, and only a draft changes or is
deleted. Money that pays an invoice, whatever the rail, goes through settlement.py.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.accounts.models import User
from modules.core.exceptions import DomainError
from modules.core.money import country_override
from modules.core.numbering import sequence_next
from modules.crm.models import Contact
from modules.events.services import event_record, payload_changes, system_events_record
from modules.finance import services as finance
from modules.finance.access import access_account
from modules.finance.models import AccountType
from modules.inventory.services import product_line_defaults
from modules.tenancy.scope import tenant_format_country, tenant_language

from . import events
from .fiscal import fiscal_document_issue
from .fiscal_documents import fiscal_resend_due, fiscal_result_apply, invoice_fiscal_cancel, invoice_fiscal_resend
from .lifecycle import invoice_cancel_hooks_run, invoice_issue_hooks_run
from .models import Invoice, InvoiceItem, InvoiceStatus, PaymentRail
from .pdf import company_name, invoice_pdf, invoice_pdf_filename
from .settlement import charges_withdraw, invoice_payment_receive
from .totals import Figures, Line, invoice_figures

# A document people read and a PDF of a few pages: more lines are a report, not an invoice.
MAX_ITEMS = 500
# The invoice's language where its customer or company is in these countries (else the company's own).
COUNTRY_LANGUAGES = {"BR": "pt-br", "MX": "es"}
# What was sold, as the tax authorities classify it (models.InvoiceItem says each one's default).
ITEM_FISCAL_FIELDS = events.ITEM_FISCAL_FIELDS
ITEM_FIELDS = ("description", "quantity", "unit_price", "discount", "tax_rate", *ITEM_FISCAL_FIELDS, "product")
ITEM_DEFAULTS = {
    "discount": Decimal(0), "tax_rate": Decimal(0), **dict.fromkeys(ITEM_FISCAL_FIELDS, ""), "product": None,
}
# What a draft's PATCH may change; the rest follows from it (totals) or from the flow (status).
DRAFT_FIELDS = ("customer", "issue_date", "due_date", "currency", "language", "invoice_discount", "notes", "items")


# --- Numbers, languages, items -------------------------------------------------------------------


def invoice_number_next(issue_date: date) -> str:
    """INV-<year>-<seq>, per workspace and year of the issue date, from core.numbering inside the
    caller's transaction: a rolled-back invoice gives its number back, two at once never share one."""
    year = issue_date.year
    return f"INV-{year}-{sequence_next(f'invoice:{year}'):03d}"


def language_default(customer: Contact) -> str:
    """The language an invoice is written in when nobody says: Portuguese for a customer in
    Brazil, Spanish in Mexico (their phone's country, else the company's), else the company's."""
    tenant = connection.tenant
    country = _phone_country(customer.phone) or tenant_format_country(tenant)
    return COUNTRY_LANGUAGES.get(country) or tenant_language(tenant)


def _phone_country(phone: str) -> str | None:
    if not phone:
        return None
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone))
    except phonenumbers.NumberParseException:
        return None


def _items_clean(items: list[dict]) -> list[dict]:
    if not items:
        raise ValidationError({"items": [_("Add at least one item.")]})
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": [_("An invoice has at most %(max)d items.") % {"max": MAX_ITEMS}]})
    cleaned = []
    for number, item in enumerate(items, start=1):
        item = _product_line(item)
        item = {**ITEM_DEFAULTS, **{field: item[field] for field in ITEM_FIELDS if field in item}}
        item["description"] = " ".join(item["description"].split())
        for field in ITEM_FISCAL_FIELDS:
            item[field] = item[field].strip().upper()
        if not item["description"]:
            raise ValidationError({"items": [
                _("Item %(number)d: %(problem)s") % {"number": number, "problem": _("describe what is billed.")}
            ]})
        cleaned.append(item)
    return cleaned


def _product_line(item: dict) -> dict:
    """A line of an inventory product starts from the product (its name, its sale price, its
    fiscal codes); what the line says itself wins, and a field left blank says nothing."""
    if item.get("product") is None:
        return item
    said = {name: value for name, value in item.items() if value not in ("", None)}
    return {**product_line_defaults(item["product"]), **said}


def items_figures(items: list[dict], *, invoice_discount: Decimal, currency: str) -> Figures:
    """totals.invoice_figures of items as the services and the editor hold them (dicts)."""
    lines = [
        Line(quantity=item["quantity"], unit_price=item["unit_price"], discount=item["discount"],
             tax_rate=item["tax_rate"])
        for item in items
    ]
    return invoice_figures(lines, invoice_discount=invoice_discount, currency=currency)


def _figures_apply(invoice: Invoice, figures: Figures) -> None:
    invoice.subtotal, invoice.discount = figures.subtotal, figures.discount
    invoice.tax, invoice.total = figures.tax, figures.total


def _items_write(invoice: Invoice, items: list[dict], figures: Figures) -> list[InvoiceItem]:
    return InvoiceItem.objects.bulk_create([
        InvoiceItem(invoice=invoice, position=position, total=line.total, **item)
        for position, (item, line) in enumerate(zip(items, figures.lines, strict=True))
    ])


def _dates_check(issue_date: date, due_date: date) -> None:
    if due_date < issue_date:
        raise ValidationError({"due_date": [_("The due date cannot be before the issue date.")]})


def _draft_check(invoice: Invoice, message: str) -> None:
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError(message, code="not_draft")


# --- Drafts --------------------------------------------------------------------------------------


@transaction.atomic
def invoice_create(
    *,
    actor: User | None,
    customer: Contact,
    issue_date: date,
    due_date: date,
    currency: str,
    items: list[dict],
    invoice_discount: Decimal = Decimal(0),
    notes: str = "",
    language: str = "",
) -> Invoice:
    """A draft with its number and items, totals by totals.py's rule. `items`: dicts of
    description, quantity, unit_price and optionally discount, tax_rate and the ITEM_FISCAL_FIELDS."""
    _dates_check(issue_date, due_date)
    items = _items_clean(items)
    figures = items_figures(items, invoice_discount=invoice_discount, currency=currency)
    invoice = Invoice(
        customer=customer, issue_date=issue_date, due_date=due_date, currency=currency,
        language=language or language_default(customer), invoice_discount=invoice_discount, notes=notes.strip(),
        status=InvoiceStatus.DRAFT, created_by=actor,
    )
    _figures_apply(invoice, figures)
    # Last before the insert: the sequence's row stays locked until this transaction ends.
    invoice.number = invoice_number_next(issue_date)
    invoice.save()
    written = _items_write(invoice, items, figures)
    event_record(name=events.INVOICE_CREATED, payload=events.invoice_document_json(invoice, written), actor=actor)
    return invoice


@transaction.atomic
def invoice_update(*, actor: User | None, invoice: Invoice, changes: dict) -> Invoice:
    """PATCH semantics on a draft; `items`, when given, replace the invoice's items as a whole.
    The number stays: the issue date keeps its year."""
    _draft_check(invoice, _("Only a draft can be changed: this invoice was issued."))
    old_items = list(invoice.items.all())
    before = events.invoice_document_json(invoice, old_items)
    changes = {field: value for field, value in changes.items() if field in DRAFT_FIELDS}
    items = changes.pop("items", None)
    for field, value in changes.items():
        setattr(invoice, field, value.strip() if field == "notes" else value)
    _number_year_check(invoice)
    _dates_check(invoice.issue_date, invoice.due_date)
    if items is not None:
        items = _items_clean(items)
    kept = [{field: getattr(item, field) for field in ITEM_FIELDS} for item in old_items]
    figures = items_figures(kept if items is None else items, invoice_discount=invoice.invoice_discount,
                            currency=invoice.currency)
    _figures_apply(invoice, figures)
    if items is None:
        written = _items_retotal(old_items, figures)
    else:
        invoice.items.all().delete()
        written = _items_write(invoice, items, figures)
    after = events.invoice_document_json(invoice, written)
    changed = payload_changes(before, after)
    if not changed:
        return invoice
    invoice.save()
    event_record(name=events.INVOICE_UPDATED, payload=after, actor=actor, changes=changed)
    return invoice


def _number_year_check(invoice: Invoice) -> None:
    year = invoice.number.split("-")[1]
    if str(invoice.issue_date.year) != year:
        raise ValidationError({"issue_date": [
            _("The issue date stays in %(year)s: the number %(number)s is that year's.")
            % {"year": year, "number": invoice.number}
        ]})


def _items_retotal(items: list[InvoiceItem], figures: Figures) -> list[InvoiceItem]:
    """The kept items with the totals a new currency gives them."""
    moved = []
    for item, line in zip(items, figures.lines, strict=True):
        if item.total != line.total:
            item.total = line.total
            moved.append(item)
    InvoiceItem.objects.bulk_update(moved, ["total"])
    return items


@transaction.atomic
def invoice_delete(*, actor: User | None, invoice: Invoice) -> None:
    """A draft only: an issued invoice stays in the books (cancel it). Its number is not reused."""
    _draft_check(invoice, _("Only a draft can be deleted: cancel an issued invoice instead."))
    payload = events.invoice_document_json(invoice, list(invoice.items.all()))
    invoice.delete()
    event_record(name=events.INVOICE_DELETED, payload=payload, actor=actor)


# --- Issue, pay, cancel --------------------------------------------------------------------------


@transaction.atomic
def invoice_issue(*, actor: User | None, invoice: Invoice) -> Invoice:
    """The draft becomes the customer's debt: its receivable in finance (the total, due on its due
    date, quoting its number), then its fiscal document where the company's country has one
    (fiscal.py). A refusal of either leaves the draft as it was. An issued invoice whose NF-e was
    rejected after the issue (a provider's late answer) is issued again: its document is resent."""
    if invoice.status != InvoiceStatus.DRAFT and fiscal_resend_due(invoice):
        return invoice_fiscal_resend(actor=actor, invoice=invoice)
    _draft_check(invoice, _("This invoice was already issued."))
    if invoice.total <= 0:
        raise DomainError(_("An invoice whose total is zero cannot be issued."), field="items", code="zero_total")
    invoice_issue_hooks_run(actor=actor, invoice=invoice)  # first: a refusal (no stock) writes nothing
    invoice.receivable = finance.account_create(actor=actor, type=AccountType.RECEIVABLE, **receivable_fields(invoice))
    invoice.status, invoice.issued_at = InvoiceStatus.ISSUED, timezone.now()
    fiscal_result_apply(invoice, fiscal_document_issue(invoice), actor=actor)
    invoice.save()
    event_record(name=events.INVOICE_ISSUED, payload=events.invoice_json(invoice), actor=actor)
    return invoice


def receivable_fields(invoice: Invoice) -> dict:
    """The receivable an issued invoice is in finance (account_create's keywords): its total, due
    on its due date, named and referenced by its number in the company's language."""
    with translation.override(tenant_language(connection.tenant)):  # the books speak the company's language
        name = _("Invoice %(number)s") % {"number": invoice.number}
    return {
        "amount": invoice.total, "currency": invoice.currency, "due_date": invoice.due_date, "name": name,
        "reference": invoice.number, "customer": invoice.customer, "invoice_id": invoice.pk,
    }


@transaction.atomic
def invoice_cancel(
    *, actor: User | None, invoice: Invoice, reason: str, cancel_reason_code: str = "", substitute_uuid: str = "",
) -> Invoice:
    """Nothing more is expected: its receivable is cancelled and its pending charges (boletos,
    PIX, payment links) withdrawn, and its fiscal document cancelled with the authority (an NF-e
    within 24 hours with `reason`; a CFDI with SAT's `cancel_reason_code`, and for 01 the
    `substitute_uuid` of the CFDI replacing it). A paid invoice stays paid; a draft may be
    cancelled too, so its number stays in the books."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the invoice is cancelled.")]})
    if invoice.status == InvoiceStatus.PAID:
        raise DomainError(_("A paid invoice cannot be cancelled."), code="paid")
    if invoice.status == InvoiceStatus.CANCELLED:
        raise DomainError(_("This invoice is already cancelled."), code="already_cancelled")
    invoice_fiscal_cancel(invoice, actor=actor, reason=reason, cancel_reason_code=cancel_reason_code,
                          substitute_uuid=substitute_uuid)
    if invoice.receivable_id is not None:
        receivable = access_account(None, invoice.receivable_id, for_write=True)
        finance.account_cancel(actor=actor, account=receivable, reason=reason)
    charges_withdraw(invoice)
    invoice_cancel_hooks_run(actor=actor, invoice=invoice)
    invoice.status, invoice.cancelled_at, invoice.cancel_reason = InvoiceStatus.CANCELLED, timezone.now(), reason
    invoice.save(update_fields=[
        "status", "cancelled_at", "cancel_reason", "nfe_status", "fiscal_cancelled_at", "fiscal_outcome",
        "updated_at",
    ])
    event_record(
        name=events.INVOICE_CANCELLED, payload={**events.invoice_json(invoice), "reason": reason}, actor=actor
    )
    return invoice


def _payable_check(invoice: Invoice) -> None:
    if invoice.status == InvoiceStatus.DRAFT:
        raise DomainError(_("Issue the invoice before recording its payment."), code="draft")
    if invoice.status == InvoiceStatus.PAID:
        raise DomainError(_("This invoice is already paid."), code="already_paid")
    if invoice.status == InvoiceStatus.CANCELLED:
        raise DomainError(_("This invoice is cancelled: it cannot be paid."), code="cancelled")


@transaction.atomic
def invoice_mark_paid(
    *, actor: User | None, invoice: Invoice, method: str, paid_at: datetime | None = None
) -> Invoice:
    """Its total, paid some way we did not see (a transfer, cash), recorded by hand at `paid_at`
    (now when not given): settled with its receivable as every rail settles (settlement.py)."""
    _payable_check(invoice)
    now = timezone.now()
    paid_at = paid_at or now
    if paid_at > now:
        raise ValidationError({"paid_at": [_("A payment cannot be dated in the future.")]})
    invoice_payment_receive(
        invoice_id=invoice.pk, rail=PaymentRail.MANUAL, external_id=f"manual-{uuid.uuid4().hex}",
        amount=invoice.total, paid_at=paid_at, actor=actor, method=method,
    )
    invoice.refresh_from_db()
    return invoice


@transaction.atomic
def invoices_mark_overdue() -> int:
    """Store as overdue the issued invoices whose due date has passed today, in the workspace's
    time zone (the task runs in it), one `invoice.overdue` event each: once, as the next run finds
    them overdue already. Readers do not wait for it (selectors.invoice_list)."""
    # An invoice being paid at this moment is skipped (skip_locked): the next hour sees it.
    due = list(
        Invoice.objects.select_for_update(skip_locked=True)
        .filter(status=InvoiceStatus.ISSUED, due_date__lt=timezone.localdate())
    )
    if not due:
        return 0
    now = timezone.now()
    Invoice.objects.filter(pk__in=[invoice.pk for invoice in due]).update(status=InvoiceStatus.OVERDUE, updated_at=now)
    for invoice in due:
        invoice.status, invoice.updated_at = InvoiceStatus.OVERDUE, now
    return system_events_record(name=events.INVOICE_OVERDUE, payloads=[events.invoice_json(invoice) for invoice in due])


# --- Sending -------------------------------------------------------------------------------------


@transaction.atomic
def invoice_send(*, actor: User | None, invoice: Invoice, to: str = "") -> Invoice:
    """The invoice by email, its PDF attached, in its own language (and money written as the
    company's country writes it), to `to` or else the customer; it leaves when this commits."""
    if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED):
        raise DomainError(_("Only an issued or paid invoice can be sent."), code="not_sendable")
    recipient = to or invoice.customer.email
    message = _invoice_message(invoice, recipient)
    transaction.on_commit(message.send)
    invoice.sent_at = timezone.now()
    invoice.save(update_fields=["sent_at", "updated_at"])
    event_record(name=events.INVOICE_SENT, payload={**events.invoice_json(invoice), "sent_to": recipient}, actor=actor)
    return invoice


def _invoice_message(invoice: Invoice, recipient: str) -> EmailMessage:
    context = {"invoice": invoice, "company": company_name()}
    with translation.override(invoice.language), country_override(tenant_format_country(connection.tenant)):
        subject = " ".join(render_to_string("invoicing/email/invoice_subject.txt", context).split())
        body = render_to_string("invoicing/email/invoice.txt", context)
        attachment = (invoice_pdf_filename(invoice), invoice_pdf(invoice), "application/pdf")
    return EmailMessage(subject=subject, body=body, to=[recipient], attachments=[attachment])


# --- What refers to a contact --------------------------------------------------------------------


def contact_invoices_count(contact: Contact) -> int:
    return Invoice.objects.filter(customer=contact).count()


def contact_invoices_refusal(count: int) -> str:
    """Invoicing's reason a CRM contact stays (registered in apps.py with core.references)."""
    return ngettext(
        "This contact is the customer of %(count)d invoice, which keeps its customer.",
        "This contact is the customer of %(count)d invoices, which keep their customer.",
        count,
    ) % {"count": count}

"""Many invoices created and issued at once (a billing run's chunk of due subscriptions): what
services.invoice_create then services.invoice_issue make of each, the same rows and events, in a
few statements whatever their number instead of some thirty each.

Each invoice is numbered, totalled and checked by the services' own helpers; the numbers of a
batch are one reservation of the year's sequence (consecutive, never repeated, given back on a
rollback); the receivables are finance's `receivables_create_many`. The fiscal step is made one
invoice at a time with an authority: where the company's country has one, issue through the
services instead (`bulk_issue_possible`).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import groupby

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.accounts.models import User
from modules.core.exceptions import DomainError
from modules.core.numbering import sequence_next_many
from modules.crm.models import Contact
from modules.events.services import events_record, events_record_changed
from modules.finance import services as finance
from modules.tenancy.selectors import tenant_country

from . import events
from .fiscal import fiscal_issuer
from .fiscal_settings import fiscal_settings
from .models import Invoice, InvoiceItem, InvoiceStatus
from .services import (
    _dates_check,
    _figures_apply,
    _items_clean,
    items_figures,
    language_default,
    receivable_fields,
)
from .totals import Figures


@dataclass
class InvoiceDraft:
    """invoice_create's keywords for one invoice of a batch."""

    customer: Contact
    issue_date: date
    due_date: date
    currency: str
    items: list[dict]
    invoice_discount: Decimal = Decimal(0)
    notes: str = ""
    language: str = ""
    # Filled as the batch is made: the items as the services clean them, and their figures.
    cleaned_items: list[dict] = field(default_factory=list, repr=False)
    figures: Figures | None = field(default=None, repr=False)


def bulk_issue_possible() -> bool:
    """No fiscal document to make with an authority for this company's invoices: its country has
    none, or the company has not turned them on (fiscal settings)."""
    return fiscal_issuer(tenant_country(connection.tenant)) is None or not fiscal_settings().enabled


@transaction.atomic
def invoices_issue_many(*, actor: User | None, drafts: list[InvoiceDraft]) -> list[Invoice]:
    """Each draft created and issued, in the drafts' order: numbered in that order, its items, its
    receivable in finance, its `invoice.created`, `account.created` and `invoice.issued` events.
    A draft the services would refuse refuses the batch, and nothing of it stays."""
    if not bulk_issue_possible():
        raise RuntimeError("invoices_issue_many: this company's fiscal step issues invoices one at a time")
    invoices = [_invoice_drafted(actor, draft) for draft in drafts]
    _numbers_assign(invoices)
    now = timezone.now()
    for invoice in invoices:
        invoice.status, invoice.issued_at = InvoiceStatus.ISSUED, now
    Invoice.objects.bulk_create(invoices)
    items = _items_write(invoices, drafts)
    # Created as drafts: their created events say so, as the services' do.
    events_record(name=events.INVOICE_CREATED, actor=actor, payloads=[
        events.invoice_document_json(_as_draft(invoice), invoice_items)
        for invoice, invoice_items in zip(invoices, items, strict=True)
    ])
    receivables = finance.receivables_create_many(
        actor=actor, receivables=[receivable_fields(invoice) for invoice in invoices]
    )
    for invoice, receivable in zip(invoices, receivables, strict=True):
        invoice.receivable = receivable
    Invoice.objects.bulk_update(invoices, ["receivable"])
    events_record_changed(
        name=events.INVOICE_ISSUED, payloads=[events.invoice_json(invoice) for invoice in invoices], actor=actor
    )
    return invoices


def _invoice_drafted(actor: User | None, draft: InvoiceDraft) -> Invoice:
    _dates_check(draft.issue_date, draft.due_date)
    draft.cleaned_items = _items_clean(draft.items)
    draft.figures = figures = items_figures(
        draft.cleaned_items, invoice_discount=draft.invoice_discount, currency=draft.currency
    )
    invoice = Invoice(
        customer=draft.customer, issue_date=draft.issue_date, due_date=draft.due_date, currency=draft.currency,
        language=draft.language or language_default(draft.customer), invoice_discount=draft.invoice_discount,
        notes=draft.notes.strip(), status=InvoiceStatus.DRAFT, created_by=actor,
    )
    _figures_apply(invoice, figures)
    if invoice.total <= 0:
        raise DomainError(_("An invoice whose total is zero cannot be issued."), field="items", code="zero_total")
    return invoice


def _numbers_assign(invoices: list[Invoice]) -> None:
    """INV-<year>-<seq> as services.invoice_number_next gives them, one reservation a year."""
    by_year = sorted(enumerate(invoices), key=lambda pair: (pair[1].issue_date.year, pair[0]))
    for year, group in groupby(by_year, key=lambda pair: pair[1].issue_date.year):
        group = [pair[1] for pair in group]
        for invoice, sequence in zip(group, sequence_next_many(f"invoice:{year}", len(group)), strict=True):
            invoice.number = f"INV-{year}-{sequence:03d}"


def _items_write(invoices: list[Invoice], drafts: list[InvoiceDraft]) -> list[list[InvoiceItem]]:
    per_invoice = [
        [
            InvoiceItem(invoice=invoice, position=position, total=line.total, **item)
            for position, (item, line) in enumerate(zip(draft.cleaned_items, draft.figures.lines, strict=True))
        ]
        for invoice, draft in zip(invoices, drafts, strict=True)
    ]
    InvoiceItem.objects.bulk_create([item for items in per_invoice for item in items])
    return per_invoice


def _as_draft(invoice: Invoice) -> Invoice:
    """The invoice as invoice_create saved it: a draft, not yet issued, without its receivable."""
    draft = Invoice(**{
        model_field.attname: getattr(invoice, model_field.attname) for model_field in Invoice._meta.concrete_fields
    })
    draft.status, draft.issued_at, draft.receivable_id = InvoiceStatus.DRAFT, None, None
    return draft

"""Invoicing's background work; the services queue these by name."""

from innexar.celery import app
from modules.core.exceptions import DomainError
from modules.tenancy.scope import for_each_tenant
from modules.tenancy.tasks import TenantTask

from .fiscal_documents import fiscal_pdf_make, invoice_fiscal_refresh, invoice_payment_complement, pending_documents
from .pix_charges import pix_charges_expire
from .services import invoices_mark_overdue
from .subscriptions import subscriptions_bill

# --- Invoices ------------------------------------------------------------------------------------


@app.task(base=TenantTask, name="invoicing.invoices_mark_overdue", ignore_result=True)
def invoices_mark_overdue_task() -> int:
    """Store as overdue what passed its due date in this workspace's time zone (TenantTask runs it
    there), with its event; running it twice marks nothing twice."""
    return invoices_mark_overdue()


@app.task(name="invoicing.invoices_mark_overdue_all", ignore_result=True)
def invoices_mark_overdue_all() -> int:
    """Hourly: one task per active workspace, each in its own schema and time zone; returns how many."""
    return for_each_tenant(lambda tenant: invoices_mark_overdue_task.delay())


# --- Subscriptions -------------------------------------------------------------------------------


@app.task(base=TenantTask, name="invoicing.subscriptions_bill", ignore_result=True)
def subscriptions_bill_task() -> int:
    """Bill the periods that have begun by today in this workspace's time zone; running it twice,
    or on two workers at once, bills no period twice."""
    return subscriptions_bill()


@app.task(name="invoicing.subscriptions_bill_all", ignore_result=True)
def subscriptions_bill_all() -> int:
    """Hourly (a day's run is idempotent): one task per active workspace; returns how many."""
    return for_each_tenant(lambda tenant: subscriptions_bill_task.delay())


# --- PIX charges ---------------------------------------------------------------------------------


@app.task(base=TenantTask, name="invoicing.pix_charges_expire", ignore_result=True)
def pix_charges_expire_task() -> int:
    """Write down the expiry of the tenant's PIX charges past it (readers see it already)."""
    return pix_charges_expire()


@app.task(name="invoicing.pix_charges_expire_all", ignore_result=True)
def pix_charges_expire_all() -> int:
    """Hourly: one task per active tenant; returns how many."""
    return for_each_tenant(lambda tenant: pix_charges_expire_task.delay())


# --- Fiscal documents ------------------------------------------------------------------------------

RETRIED_CODES = ("provider_refused", "pac_unavailable")  # the provider could not answer: ask again later


POLL_ATTEMPTS = 12


@app.task(base=TenantTask, name="invoicing.fiscal_document_poll", ignore_result=True)
def fiscal_document_poll(invoice_id: int, attempt: int = 1) -> None:
    """Ask the provider about a document SEFAZ is still processing, and again a little later
    (5 s, 10 s, ... up to 5 minutes) until it answers; the hourly sweep takes over after that.
    Each asking is its own message, so a worker restart loses at most one."""
    try:
        pending = invoice_fiscal_refresh(invoice_id=invoice_id)
    except DomainError as error:
        if error.code not in RETRIED_CODES:
            raise
        pending = True
    if pending and attempt < POLL_ATTEMPTS:
        fiscal_document_poll.apply_async((invoice_id, attempt + 1), countdown=min(5 * 2 ** (attempt - 1), 300))


@app.task(base=TenantTask, name="invoicing.fiscal_document_pdf", ignore_result=True)
def fiscal_document_pdf(invoice_id: int) -> None:
    """The DANFE or the CFDI's PDF, drawn from the stored XML once the issue has committed."""
    fiscal_pdf_make(invoice_id=invoice_id)


@app.task(base=TenantTask, name="invoicing.fiscal_documents_poll", ignore_result=True)
def fiscal_documents_poll_task() -> int:
    """Every document of the workspace still pending, asked about once each."""
    pending = pending_documents()
    for invoice_id in pending:
        fiscal_document_poll.delay(invoice_id)
    return len(pending)


@app.task(name="invoicing.fiscal_documents_poll_all", ignore_result=True)
def fiscal_documents_poll_all() -> int:
    """Hourly: documents a worker stopped asking about (a restart, a long outage) are asked again."""
    return for_each_tenant(lambda tenant: fiscal_documents_poll_task.delay())


COMPLEMENT_ATTEMPTS = 10


@app.task(base=TenantTask, name="invoicing.fiscal_payment_complement", ignore_result=True)
def fiscal_payment_complement(payment_id: int, method: str, attempt: int = 1) -> None:
    """A payment's CFDI complement (Pagos 2.0); a PAC that cannot be reached is tried again later
    (1 minute, 2, 4... up to an hour)."""
    try:
        invoice_payment_complement(payment_id=payment_id, method=method)
    except DomainError as error:
        if error.code not in RETRIED_CODES or attempt >= COMPLEMENT_ATTEMPTS:
            raise
        fiscal_payment_complement.apply_async((payment_id, method, attempt + 1),
                                              countdown=min(60 * 2 ** (attempt - 1), 3600))

"""Integrations' background work; the services queue these by name."""

import logging

from django.conf import settings

from innexar.celery import app
from modules.core.exceptions import DomainError
from modules.tenancy.tasks import TenantTask

from . import quickbooks
from .quickbooks_services import quickbooks_sync_give_up, quickbooks_sync_run
from .whatsapp_services import WhatsAppRateLimited, whatsapp_reminder_send

THROTTLE_RETRY_SECONDS = 60
logger = logging.getLogger(__name__)


@app.task(base=TenantTask, bind=True, name="integrations.quickbooks_sync", ignore_result=True, max_retries=5)
def quickbooks_sync_task(self, *, customers: bool = True, invoices: bool = True, vendors: bool = True) -> dict:
    """Push and pull with QuickBooks; throttled by Intuit (429), it tries again a minute later and
    carries on where it stopped (what it linked is kept)."""
    try:
        return quickbooks_sync_run(customers=customers, invoices=invoices, vendors=vendors)
    except quickbooks.Throttled as throttled:
        if self.request.retries >= self.max_retries:
            quickbooks_sync_give_up()
            return {}
        raise self.retry(exc=throttled, countdown=THROTTLE_RETRY_SECONDS) from throttled


@app.task(base=TenantTask, bind=True, name="integrations.whatsapp_reminder_send", ignore_result=True, max_retries=5)
def whatsapp_reminder_send_task(self, invoice_id: int) -> None:
    """The WhatsApp copy of a payment reminder (the email has gone already): rate-limited, it
    tries again; refused by Meta (a template not approved, a token expired), it is logged and
    dropped, as trying again would be refused the same way."""
    try:
        whatsapp_reminder_send(invoice_id=invoice_id, template=settings.WHATSAPP_REMINDER_TEMPLATE)
    except WhatsAppRateLimited as limited:
        raise self.retry(exc=limited, countdown=THROTTLE_RETRY_SECONDS) from limited
    except DomainError as refused:
        logger.warning("WhatsApp reminder of invoice %s refused: %s", invoice_id, refused.message)

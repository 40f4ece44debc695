"""Invoicing's background work; the services queue these by name."""

from innexar.celery import app
from modules.tenancy.scope import for_each_tenant
from modules.tenancy.tasks import TenantTask

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

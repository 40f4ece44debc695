"""Finance's background work; the services queue these by name."""

from django.db import OperationalError
from django.http import Http404

from innexar.celery import app
from modules.tenancy.scope import for_each_tenant
from modules.tenancy.tasks import TenantTask

from .feeds import FeedError, bank_feed_sync, bank_feeds_due
from .services import accounts_mark_overdue
from .statements import statement_import_run

# --- Statements and bank feeds (a name with "import" waits in the imports lane, "finance.bank_feed"
# in the providers lane: innexar/celery.py) ---------------------------------------------------------


# A large file takes minutes on a busy worker: more than the default limit.
@app.task(base=TenantTask, name="finance.statement_import_run", ignore_result=True, soft_time_limit=1800,
          time_limit=1860)
def statement_import_run_task(import_id: int, bank_account_id: int) -> None:
    """A statement import started from the statement page or the API; they poll its progress."""
    statement_import_run(import_id=import_id, bank_account_id=bank_account_id)


@app.task(name="finance.bank_feeds_sync_all", ignore_result=True)
def bank_feeds_sync_all() -> int:
    """Every few hours: each active tenant lists its feeds to sync; returns how many tenants."""
    return for_each_tenant(lambda tenant: bank_feeds_sync.delay())


@app.task(base=TenantTask, name="finance.bank_feeds_sync", ignore_result=True)
def bank_feeds_sync() -> int:
    """One task per feed of this tenant (a slow bank holds up only its own); returns how many."""
    bank_account_ids = list(bank_feeds_due().values_list("bank_account_id", flat=True))
    for bank_account_id in bank_account_ids:
        bank_feed_sync_task.delay(bank_account_id)
    return len(bank_account_ids)


@app.task(
    base=TenantTask, name="finance.bank_feed_sync", ignore_result=True,
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5,
)
def bank_feed_sync_task(bank_account_id: int) -> None:
    """A feed's sync as the system. A provider's refusal is kept on the feed for its page, and the
    next run tries again; a feed disconnected since it was queued has nothing to do."""
    try:
        bank_feed_sync(actor=None, bank_account_id=bank_account_id)
    except (FeedError, Http404):
        return


# --- Payables and receivables ----------------------------------------------------------------------


@app.task(base=TenantTask, name="finance.accounts_mark_overdue", ignore_result=True)
def accounts_mark_overdue_task() -> int:
    """Store as overdue what passed its due date in this workspace's time zone (TenantTask runs it
    there); running it twice marks nothing twice."""
    return accounts_mark_overdue()


@app.task(name="finance.accounts_mark_overdue_all", ignore_result=True)
def accounts_mark_overdue_all() -> int:
    """Hourly: one task per active workspace, each in its own schema and time zone; returns how many."""
    return for_each_tenant(lambda tenant: accounts_mark_overdue_task.delay())

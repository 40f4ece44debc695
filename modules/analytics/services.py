"""Reports: asked for (`report_request`), made (`report_make`, in the request when quick, by a
worker otherwise) and handed out through signed, expiring links (`report_link`).

Quick or queued: a report of at most QUICK_ROWS rows (counted first, one cheap query) is made in
the request, whose answer is the spec's 200 with its link; a longer one is made by a worker and
the answer is a 202 with the URL to poll. 1,000 rows take well under a second in any format
(the PDF is the slowest: about 0.5 s for 1,000 rows here); 100,000 rows of CSV take seconds
(docs/bench.md). A client that would rather poll says `Prefer: respond-async`.
"""

import logging
import time
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innexar.celery import app
from modules.core.exceptions import DomainError
from modules.core.files import tenant_file_path
from modules.core.signing import file_url
from modules.invoicing.pdf import company_name
from modules.tenancy.selectors import tenant_currency
from modules.tenancy.tasks import on_commit_in_this_tenant

from .dashboard import custom_period_check
from .files import WRITERS, ReportContent
from .models import Report, ReportFormat, ReportStatus
from .reports import REPORT_TYPES, report_rows, report_size

logger = logging.getLogger(__name__)

QUICK_ROWS = 1000
MAKE_TASK = "analytics.report_make"


def report_check(*, type: str, format: str, start: date | None, end: date | None) -> None:
    if type not in REPORT_TYPES:
        raise DomainError(
            _("Unknown report type. Choose one of: %(types)s.") % {"types": ", ".join(REPORT_TYPES)}, field="type"
        )
    if format not in ReportFormat.values:
        raise DomainError(_("Unknown format. Choose pdf, excel or csv."), field="format")
    custom_period_check(start=start, end=end)


@transaction.atomic
def report_request(*, actor, type: str, format: str, start: date, end: date, language: str,
                   queue: bool = False) -> Report:
    """Record the report and make it now if it is quick, else queue it (at commit); `queue`
    queues it whatever its size."""
    report_check(type=type, format=format, start=start, end=end)
    report = Report.objects.create(
        type=type, format=format, start_date=start, end_date=end, language=language, created_by=actor,
    )
    if not queue and report_size(type, custom_period_check(start=start, end=end)) <= QUICK_ROWS:
        report_make(report_id=report.pk)
        report.refresh_from_db()
    else:
        report_id = str(report.pk)
        on_commit_in_this_tenant(lambda: app.signature(MAKE_TASK).delay(report_id))
    return report


def report_make(*, report_id) -> None:
    """Make the report's file. Running it again for a report made, failed or being made does nothing."""
    claimed = Report.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(status=ReportStatus.RUNNING)
    if not claimed:
        return
    report = Report.objects.get(pk=report_id)
    try:
        with translation.override(report.language):
            name, data, rows = _report_file(report)
        stored = default_storage.save(name, ContentFile(data))
    except Exception:
        logger.exception("report %s failed", report_id)
        with translation.override(report.language):
            message = _("The report could not be made: try again, or choose a shorter range.")
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, error=message, finished_at=timezone.now()
        )
        return
    Report.objects.filter(pk=report_id).update(
        status=ReportStatus.DONE, file=stored, rows=rows, finished_at=timezone.now()
    )


def _report_file(report: Report) -> tuple[str, bytes, int]:
    period = custom_period_check(start=report.start_date, end=report.end_date)
    rows = report_rows(report.type, period)
    write, extension = WRITERS[report.format]
    content = ReportContent(
        report_type=REPORT_TYPES[report.type], rows=rows, currency=tenant_currency(connection.tenant),
        start=report.start_date, end=report.end_date, company=company_name(),
    )
    filename = f"{report.type}_{report.start_date.isoformat()}_{report.end_date.isoformat()}.{extension}"
    return tenant_file_path(connection.tenant.pk, "reports", filename), write(content), len(rows)


def report_link(report: Report) -> tuple[str, datetime] | None:
    """The file's signed link on the workspace's own host and when it stops opening; None until made."""
    if report.status != ReportStatus.DONE:
        return None
    tenant = connection.tenant
    # The token carries the second it was signed; it opens for INNEXAR_FILE_LINK_SECONDS after.
    signed_at = int(time.time())
    url = tenant.workspace_url(file_url(report.file, tenant_id=tenant.pk))
    return url, datetime.fromtimestamp(signed_at + settings.INNEXAR_FILE_LINK_SECONDS, UTC)

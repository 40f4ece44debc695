"""Who may see a report: whoever asked for it, and the workspace's admins and managers. Reports
are never changed once made, so `for_write` and `for_delete` find the same."""

import uuid

from django.http import Http404

from .models import Report


def access_report(actor, report_id, *, for_write: bool = False, for_delete: bool = False) -> Report:
    try:
        report = Report.objects.get(pk=uuid.UUID(str(report_id)))
    except (ValueError, Report.DoesNotExist):
        raise Http404 from None
    if report.created_by_id != actor.pk and not actor.is_tenant_manager:
        raise Http404
    return report

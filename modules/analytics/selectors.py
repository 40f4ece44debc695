from .models import Report


def report_list(actor):
    """The reports the actor may see (access.access_report's rule), newest first."""
    reports = Report.objects.order_by("-created_at")
    return reports if actor.is_tenant_manager else reports.filter(created_by=actor)

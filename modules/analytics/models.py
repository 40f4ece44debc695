import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.core.models import user_link


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    EXCEL = "excel", "Excel"
    CSV = "csv", "CSV"


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Report(models.Model):
    """A report asked for: its type, range and format, and once made, its file (a tenant file
    path, core.files) handed out through signed links only."""

    # Not a counter: a report's id is in its status URL, and needs to say nothing of how many exist.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=32)  # a key of reports.REPORT_TYPES
    format = models.CharField(max_length=8, choices=ReportFormat.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    language = models.CharField(max_length=8)  # the asker's: headings and the PDF are in it
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    rows = models.PositiveIntegerField(null=True, blank=True)
    file = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.start_date}–{self.end_date} ({self.format})"

    @property
    def is_waiting(self) -> bool:
        return self.status in (ReportStatus.PENDING, ReportStatus.RUNNING)

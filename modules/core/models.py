from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def user_link(**kwargs) -> models.ForeignKey:
    """A business record's link to a user (`assigned_to`, `created_by`). Users live in the public
    schema, so there is no database constraint: one would make deleting a user reach into every
    tenant's schema."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        null=True, blank=True, related_name="+", **kwargs,
    )


class Sequence(models.Model):
    """A counter that hands out document numbers (invoice numbers per year, NF-e numbers per
    series, CFDI folios), one row per key in each tenant's schema. See core/numbering.py."""

    key = models.CharField(max_length=100, unique=True)
    last_value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.last_value}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """A file handed to a worker (the CRM's leads CSV, later products, transactions…): the page
    or the API client follows its progress, then reads its report. See core/imports.py.

    The file waits in the database, not on a disk, so any worker on any machine can read it;
    it is emptied once read.
    """

    kind = models.CharField(max_length=50)  # what the file holds: "crm.leads"
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    # Row errors are worded in the language of whoever started the import.
    language = models.CharField(max_length=8, default="en")
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)  # rows already there, left out quietly
    errors = models.JSONField(default=list)  # [{"row", "error", "label"}]: the rows left out
    warnings = models.JSONField(default=list)  # [{"row", "warning", "label"}]: imported, with a change
    rejected = models.BinaryField(default=b"")  # the rows left out, as a CSV to fix and import again
    failure = models.TextField(blank=True)  # why a file was refused as a whole
    created_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True)
    # Last sign of life (queued, taken, progress): the sweeper fails jobs silent for too long.
    progressed_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["progressed_at"], name="core_importjob_unfinished_idx",
                condition=models.Q(status__in=["queued", "running"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"

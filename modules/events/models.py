import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q


class Event(models.Model):
    """A domain event (`lead.created`, `deal.won`, ...), written in the transaction that caused it.

    The table is a transactional outbox: an event exists exactly when its change committed, so
    the relay can deliver from here without losing or inventing events. Consumers deduplicate on
    `uuid` and order one record's events by `aggregate_version`; `payload_version` says which
    shape the payload has. Rows are kept `INNEXAR_OUTBOX_RETENTION_DAYS` after dispatch: the
    lasting record of who did what is AuditEntry, which holds no personal data.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=64)
    aggregate_type = models.CharField(max_length=32)
    aggregate_id = models.BigIntegerField()
    aggregate_version = models.PositiveIntegerField()
    payload_version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField()
    # `*.updated`: {"field": {"old": …, "new": …}} for each field the change touched.
    changes = models.JSONField(null=True, blank=True)
    actor = models.ForeignKey(
        # Users live in the public schema; no database constraint across schemas, and deleting a
        # user never reaches into tenant schemas.
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        null=True, blank=True, related_name="+",
    )
    occurred_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["aggregate_type", "aggregate_id", "aggregate_version"], name="events_aggregate_version_unique"
            ),
        ]
        # The relay reads only what is left to send: a small index, whatever the table's size.
        indexes = [models.Index(fields=["id"], condition=Q(dispatched_at__isnull=True), name="events_undispatched_idx")]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class AuditEntry(models.Model):
    """Who changed what and when, kept for as long as the workspace lives. It names the record
    and the fields, never their values, so erasing a person (LGPD/GDPR) leaves nothing here to erase."""

    action = models.CharField(max_length=64)
    aggregate_type = models.CharField(max_length=32)
    aggregate_id = models.BigIntegerField()
    fields = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        null=True, blank=True, related_name="+",
    )
    occurred_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["aggregate_type", "aggregate_id"], name="audit_record_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.aggregate_type} #{self.aggregate_id}"

from django.conf import settings
from django.db import models


class Event(models.Model):
    """A domain event (`lead.created`, `deal.won`, ...), written in the transaction that caused it.

    The table is a transactional outbox: an event exists exactly when its change committed, so
    the webhooks module can deliver from here without losing or inventing events. It is also
    the tenant's audit trail: who did what, when.
    """

    name = models.CharField(max_length=64, db_index=True)
    payload = models.JSONField()
    actor = models.ForeignKey(
        # Users live in the public schema; no database constraint across schemas, and deleting a
        # user never reaches into tenant schemas.
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        null=True, blank=True, related_name="+",
    )
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["delivered_at", "id"], name="events_undelivered_idx")]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"

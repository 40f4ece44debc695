from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.core.secrets import EncryptedTextField


class EndpointStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FAILING = "failing", _("Failing")  # a delivery used all its tries; deliveries go on
    DISABLED = "disabled", _("Disabled")  # paused by the workspace: nothing is delivered


class Endpoint(models.Model):
    """A URL of the workspace's own systems subscribed to events of the catalogue (events.py).
    The secret signs every delivery; it is stored encrypted and shown only when created."""

    url = models.URLField(_("URL"), max_length=2000)
    events = ArrayField(models.CharField(max_length=64), verbose_name=_("events"))
    secret = EncryptedTextField()
    status = models.CharField(max_length=16, choices=EndpointStatus.choices, default=EndpointStatus.ACTIVE)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # waiting for its first try or its next retry
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")  # refused for good (a 4xx) or out of tries


class Delivery(models.Model):
    """One event owed to one endpoint, and how its tries went. `body` is the exact JSON sent
    every time (a redelivery repeats it, event id included, so receivers can deduplicate)."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField()
    event = models.CharField(max_length=64)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["endpoint", "-id"], name="webhooks_delivery_log_idx"),
            # The retry sweep reads only what waits.
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(status="pending"), name="webhooks_delivery_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"

"""The workspace's connections to QuickBooks Online and the WhatsApp Cloud API (one row each, in
its own schema), what a sync remembers of QuickBooks' records, and the WhatsApp messages sent.
Tokens and secrets are encrypted at rest and never returned."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.core.models import user_link
from modules.core.secrets import EncryptedTextField


class SyncStatus(models.TextChoices):
    IDLE = "idle", _("Not synced yet")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Syncing")
    DONE = "done", _("Synced")
    FAILED = "failed", _("Failed")


class QuickBooksConnection(models.Model):
    realm_id = models.CharField(max_length=64)  # the QuickBooks company (Intuit's realmId)
    access_token = EncryptedTextField()
    refresh_token = EncryptedTextField()
    access_expires_at = models.DateTimeField()
    # False once Intuit refused the refresh token (invalid_grant): only connecting again helps.
    active = models.BooleanField(default=True)
    connected_at = models.DateTimeField(auto_now_add=True)
    connected_by = user_link()
    sync_status = models.CharField(max_length=16, choices=SyncStatus.choices, default=SyncStatus.IDLE)
    sync_error = models.TextField(blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    synced_customers = models.PositiveIntegerField(default=0)
    synced_invoices = models.PositiveIntegerField(default=0)
    synced_vendors = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.realm_id


class LinkKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    INVOICE = "invoice", _("Invoice")
    VENDOR = "vendor", _("Vendor")


class QuickBooksLink(models.Model):
    """One of our records and its QuickBooks twin: what makes a second sync create nothing.
    `local_key` is a contact's or an invoice's id, or a vendor's name in lower case (payables
    name their vendor in words)."""

    realm_id = models.CharField(max_length=64)  # the company the twin lives in
    kind = models.CharField(max_length=16, choices=LinkKind.choices)
    local_key = models.CharField(max_length=200)
    external_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["realm_id", "kind", "local_key"], name="integrations_qb_link_local_unique"),
            models.UniqueConstraint(
                fields=["realm_id", "kind", "external_id"], name="integrations_qb_link_external_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.local_key} ↔ {self.external_id}"


class WhatsAppConnection(models.Model):
    phone_number = models.CharField(max_length=20)  # E.164, as the spec sends it
    phone_number_id = models.CharField(max_length=32)  # the Cloud API's id of that number
    display_name = models.CharField(max_length=200, blank=True)  # Meta's verified_name
    access_token = EncryptedTextField()  # the spec's api_key
    app_secret = EncryptedTextField()  # the spec's api_secret: what Meta signs its webhooks with
    verify_token = models.CharField(max_length=64)  # given to Meta for its GET handshake
    connected_at = models.DateTimeField(auto_now_add=True)
    connected_by = user_link()

    def __str__(self) -> str:
        return self.phone_number


class MessageStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")


# Meta's statuses may arrive out of order: a status never goes back to an earlier one.
STATUS_ORDER = [MessageStatus.ACCEPTED, MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ]


class WhatsAppMessage(models.Model):
    wamid = models.CharField(max_length=128, unique=True)  # Meta's message id
    to = models.CharField(max_length=20)
    template = models.CharField(max_length=512)
    variables = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=MessageStatus.choices, default=MessageStatus.ACCEPTED)
    error = models.TextField(blank=True)
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sent_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.wamid

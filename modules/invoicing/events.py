"""Invoicing's domain events and their payloads (the records as the API shows them, minus what
depends on the reader). Services record them in the transaction that made the change."""

from modules.core.formats import amount_json, iso_date, iso_datetime, number_json, unit_price_json

from .models import (
    Boleto,
    CustomerCredit,
    FiscalCertificate,
    FiscalEvent,
    FiscalSettings,
    Invoice,
    InvoiceItem,
    InvoicePayment,
    Pix,
    PixSettings,
    StripeConnection,
    Subscription,
)

# What an item says of what was sold, for the tax authorities (models.InvoiceItem).
ITEM_FISCAL_FIELDS = ("ncm", "cfop", "service_code", "sat_product_code", "sat_unit_code")

INVOICE_CREATED = "invoice.created"
INVOICE_UPDATED = "invoice.updated"
INVOICE_DELETED = "invoice.deleted"
INVOICE_ISSUED = "invoice.issued"
INVOICE_SENT = "invoice.sent"
INVOICE_PAID = "invoice.paid"
INVOICE_CANCELLED = "invoice.cancelled"
INVOICE_OVERDUE = "invoice.overdue"
BOLETO_CREATED = "boleto.created"
BOLETO_REMITTED = "boleto.remitted"
PIX_CREATED = "pix.created"
PIX_PAID = "pix.paid"
PIX_EXPIRED = "pix.expired"
PIX_CANCELLED = "pix.cancelled"
PIX_SETTINGS_UPDATED = "pix_settings.updated"
CREDIT_RECORDED = "credit.recorded"
SUBSCRIPTION_CREATED = "subscription.created"
SUBSCRIPTION_UPDATED = "subscription.updated"
SUBSCRIPTION_BILLED = "subscription.billed"
SUBSCRIPTION_PAST_DUE = "subscription.past_due"
SUBSCRIPTION_PAUSED = "subscription.paused"
SUBSCRIPTION_RESUMED = "subscription.resumed"
SUBSCRIPTION_CANCELLED = "subscription.cancelled"
INVOICE_PAYMENT_LINK_CREATED = "invoice.payment_link_created"
INVOICE_PAYMENT_LINK_EXPIRED = "invoice.payment_link_expired"
STRIPE_CONNECTED = "stripe.connected"
STRIPE_UPDATED = "stripe.updated"
STRIPE_DISCONNECTED = "stripe.disconnected"
FISCAL_SETTINGS_UPDATED = "fiscal_settings.updated"
FISCAL_CERTIFICATE_UPLOADED = "fiscal_certificate.uploaded"
FISCAL_DOCUMENT_CHANGED = "invoice.fiscal_document_changed"  # authorised, denied, rejected, cancelled
FISCAL_EVENT_RECORDED = "invoice.fiscal_event_recorded"  # a correction letter, a payment complement


def invoice_json(invoice: Invoice, *, payment: InvoicePayment | None = None) -> dict:
    currency = invoice.currency
    payload = {
        "id": invoice.pk,
        "number": invoice.number,
        "customer_id": invoice.customer_id,
        "issue_date": iso_date(invoice.issue_date),
        "due_date": iso_date(invoice.due_date),
        "currency": currency,
        "status": invoice.status,
        "subtotal": amount_json(invoice.subtotal, currency),
        "discount": amount_json(invoice.discount, currency),
        "tax": amount_json(invoice.tax, currency),
        "total": amount_json(invoice.total, currency),
        "receivable_id": invoice.receivable_id,
        "issued_at": iso_datetime(invoice.issued_at),
        "paid_at": iso_datetime(invoice.paid_at),
        "cancelled_at": iso_datetime(invoice.cancelled_at),
        "created_at": iso_datetime(invoice.created_at),
        "updated_at": iso_datetime(invoice.updated_at),
    }
    if payment is not None:
        payload["payment"] = {
            "rail": payment.rail,
            "external_id": payment.external_id,
            "amount": amount_json(payment.amount, currency),
            "paid_at": iso_datetime(payment.paid_at),
        }
    return payload


def credit_json(credit: CustomerCredit) -> dict:
    return {
        "id": credit.pk,
        "customer_id": credit.customer_id,
        "invoice_id": credit.payment.invoice_id,
        "amount": amount_json(credit.amount, credit.currency),
        "currency": credit.currency,
    }


def subscription_json(subscription: Subscription) -> dict:
    return {
        "id": subscription.pk,
        "customer_id": subscription.customer_id,
        "plan": subscription.plan,
        "amount": amount_json(subscription.amount, subscription.currency),
        "currency": subscription.currency,
        "billing_cycle": subscription.billing_cycle,
        "billing_day": subscription.billing_day,
        "status": subscription.status,
        "trial_ends_at": iso_date(subscription.trial_ends_at),
        "started_at": iso_date(subscription.started_at),
        "next_billing_date": iso_date(subscription.next_billing_date),
        "cancel_at": iso_date(subscription.cancel_at),
        "stripe_subscription_id": subscription.stripe_subscription_id or None,
    }


def invoice_item_json(item: InvoiceItem, currency: str) -> dict:
    return {
        "id": item.pk,
        "description": item.description,
        "quantity": number_json(item.quantity),
        "unit_price": unit_price_json(item.unit_price, currency),
        "discount": amount_json(item.discount, currency),
        "tax_rate": number_json(item.tax_rate),
        "total": amount_json(item.total, currency),
        **{field: getattr(item, field) for field in ITEM_FISCAL_FIELDS},
        "product_id": item.product_id,
    }


def invoice_document_json(invoice: Invoice, items: list[InvoiceItem]) -> dict:
    """The invoice with what its draft can change (items, discount, notes, language): the payload
    of its created, updated and deleted events, whose `changes` then name the items too."""
    return {
        **invoice_json(invoice),
        "language": invoice.language,
        "invoice_discount": amount_json(invoice.invoice_discount, invoice.currency),
        "notes": invoice.notes,
        "items": [invoice_item_json(item, invoice.currency) for item in items],
    }


def stripe_connection_json(connection: StripeConnection) -> dict:
    """What the API shows of the connection: never a key or a secret (the publishable key masked)."""
    return {
        "id": connection.pk,
        "account_id": connection.account_id,
        "mode": "live" if connection.livemode else "test",
        "publishable_key": key_masked(connection.publishable_key),
        "webhook_secret_set": bool(connection.webhook_secret),
        "connected_at": iso_datetime(connection.connected_at),
    }


def key_masked(key: str) -> str:
    """pk_test_…4242: the kind of key and its last four characters."""
    prefix = key[: key.index("_", 3) + 1] if key.count("_") >= 2 else ""
    return f"{prefix}…{key[-4:]}"


def boleto_json(boleto: Boleto) -> dict:
    """A boleto as the API shows it, without its PDF link (signed for a reader, and expiring)."""
    return {
        "id": boleto.pk,
        "invoice_id": boleto.invoice_id,
        "bank": boleto.bank,
        "bank_account_id": boleto.bank_account_id,
        "our_number": boleto.our_number,
        "barcode": boleto.barcode,
        "digitableLine": boleto.digitable_line,
        "due_date": iso_date(boleto.due_date),
        "amount": amount_json(boleto.amount, "BRL"),
        "status": boleto.status,
        "paid_at": iso_datetime(boleto.paid_at),
        "paid_amount": amount_json(boleto.paid_amount, "BRL") if boleto.paid_amount is not None else None,
        "remittance_number": boleto.remittance_number,
        "created_at": iso_datetime(boleto.created_at),
    }


def pix_json(pix: Pix, *, status: str | None = None) -> dict:
    """A PIX charge as the API shows it, without its QR image (the text is the same code).
    `status`: the one a reader sees, when it differs from the stored one (an expired charge the
    periodic task has not reached yet)."""
    return {
        "id": pix.pk,
        "invoice_id": pix.invoice_id,
        "type": pix.type,
        "txid": pix.txid,
        "key": pix.key,
        "amount": amount_json(pix.amount, "BRL") if pix.amount is not None else None,
        "qr_code_text": pix.qr_code_text,
        "location": pix.location or None,
        "expires_at": iso_datetime(pix.expires_at),
        "status": status or pix.status,
        "paid_at": iso_datetime(pix.paid_at),
        "paid_amount": amount_json(pix.paid_amount, "BRL") if pix.paid_amount is not None else None,
        "end_to_end_id": pix.end_to_end_id or None,
        "created_at": iso_datetime(pix.created_at),
    }


def pix_settings_json(settings: PixSettings) -> dict:
    """The PIX set-up without its secrets: only whether each is set."""
    return {
        "id": settings.pk,
        "key": settings.key,
        "merchant_name": settings.merchant_name,
        "merchant_city": settings.merchant_city,
        "psp": settings.psp or "sandbox",
        "psp_base_url": settings.psp_base_url,
        "psp_client_id": settings.psp_client_id,
        "psp_client_secret_set": bool(settings.psp_client_secret),
        "webhook_secret_set": bool(settings.webhook_secret),
        "updated_at": iso_datetime(settings.updated_at),
    }


def fiscal_settings_json(settings: FiscalSettings) -> dict:
    """The fiscal set-up without the provider's token: only whether it is set."""
    return {
        "id": settings.pk,
        "enabled": settings.enabled,
        "provider": settings.provider,
        "environment": settings.environment,
        "provider_token_set": bool(settings.provider_token),
        "provider_base_url": settings.provider_base_url,
        "nfe_series": settings.nfe_series,
        "nfse_series": settings.nfse_series,
        "pis_cofins_regime": settings.pis_cofins_regime,
        "payment_method": settings.payment_method,
        "iss_rate": str(settings.iss_rate) if settings.iss_rate is not None else None,
        "nbs": settings.nbs,
        "updated_at": iso_datetime(settings.updated_at),
    }


def fiscal_certificate_json(certificate: FiscalCertificate) -> dict:
    """Whose certificate and until when: never its files or password."""
    return {
        "id": certificate.pk,
        "kind": certificate.kind,
        "subject": certificate.subject,
        "tax_id": certificate.tax_id,
        "serial": certificate.serial,
        "valid_from": iso_datetime(certificate.valid_from),
        "valid_until": iso_datetime(certificate.valid_until),
    }


def fiscal_document_json(invoice: Invoice) -> dict:
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "document": invoice.fiscal_document,
        "nfe_number": invoice.nfe_number,
        "nfe_key": invoice.nfe_key,
        "nfe_status": invoice.nfe_status,
        "cfdi_uuid": invoice.cfdi_uuid,
        "outcome": invoice.fiscal_outcome,
        "code": invoice.fiscal_code,
        "reason": invoice.fiscal_reason,
    }


def fiscal_event_json(event: FiscalEvent) -> dict:
    return {
        "id": event.pk,
        "invoice_id": event.invoice_id,
        "kind": event.kind,
        "sequence": event.sequence,
        "text": event.text,
        "code": event.code,
        "reason": event.reason,
        "protocol": event.protocol,
        "created_at": iso_datetime(event.created_at),
    }

"""Who may see or change which invoicing record: core/access.py's rule (its table), one function
a record. Invoices and subscriptions have no assignee: every member changes them, as an unassigned
CRM record; a plain member deletes only what they created, managers and admins anything."""

from modules.core.access import record_access

from .models import Boleto, Invoice, Pix, Subscription


def access_invoice(actor, invoice_id, *, for_write: bool = False, for_delete: bool = False) -> Invoice:
    queryset = Invoice.objects.select_related("customer", "receivable")
    return record_access(actor, queryset, invoice_id, for_write=for_write, for_delete=for_delete)


def access_subscription(actor, subscription_id, *, for_write: bool = False, for_delete: bool = False) -> Subscription:
    queryset = Subscription.objects.select_related("customer")
    return record_access(actor, queryset, subscription_id, for_write=for_write, for_delete=for_delete)


def access_boleto(actor, boleto_id, *, for_write: bool = False, for_delete: bool = False) -> Boleto:
    """A boleto is its invoice's: whoever may see the invoice sees it."""
    queryset = Boleto.objects.select_related("invoice__customer", "bank_account")
    return record_access(actor, queryset, boleto_id, for_write=for_write, for_delete=for_delete)


def access_pix(actor, pix_id, *, for_write: bool = False, for_delete: bool = False) -> Pix:
    queryset = Pix.objects.select_related("invoice__customer")
    return record_access(actor, queryset, pix_id, for_write=for_write, for_delete=for_delete)

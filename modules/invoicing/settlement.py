"""Money that arrived for an invoice, whichever rail brought it (card through Stripe, PIX, boleto,
or recorded by hand): the one place an invoice becomes paid.

Providers deliver at least once and rails race each other, so `invoice_payment_receive`:
- keys the payment on the rail's own id (a Stripe event or session id, a PIX end-to-end id, a
  boleto's our number): the same notification twice records one payment;
- locks the invoice, so two rails paying at once are taken one after the other;
- settles the invoice and its receivable in finance (finance's payment rule), then withdraws the
  invoice's other pending charges, when the invoice was still open;
- keeps the money as the customer's credit when the invoice was already paid (or cancelled): a
  late second payment is never lost.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from modules.core.exceptions import DomainError
from modules.events.services import event_record
from modules.finance.access import access_account
from modules.finance.payments import payment_apply

from . import events
from .models import (
    OPEN_STATUSES,
    Boleto,
    ChargeStatus,
    CheckoutSession,
    CustomerCredit,
    Invoice,
    InvoicePayment,
    InvoiceStatus,
    Pix,
)

# The finance payment method each rail pays a receivable with.
RAIL_METHODS = {"card": "credit_card", "pix": "pix", "boleto": "boleto", "manual": "bank_transfer"}


@dataclass(frozen=True)
class Received:
    payment: InvoicePayment
    duplicate: bool  # this rail's id was recorded before: nothing changed
    credit: CustomerCredit | None  # what the invoice did not need (all of it, when it was paid already)


Charge = Boleto | Pix | CheckoutSession


def invoice_payment_receive(
    *, invoice_id: int, rail: str, external_id: str, amount: Decimal, paid_at: datetime,
    charge: Charge | None = None, actor=None, method: str = "",
) -> Received:
    """`charge` is the boleto, PIX charge or checkout session the money came through, if any;
    `method`, the finance payment method of money recorded by hand (the rail's own otherwise).
    Less than the invoice's total is refused (nothing is recorded: a provider retries, a person
    is told); more (a boleto paid late with interest) settles it and the rest is a credit."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().select_related("customer").get(pk=invoice_id)
        earlier = InvoicePayment.objects.filter(rail=rail, external_id=external_id).first()
        if earlier is not None:
            return Received(earlier, duplicate=True, credit=getattr(earlier, "credit", None))
        settles = invoice.status in OPEN_STATUSES  # issued, past its due date or not
        if amount <= 0 or (settles and amount < invoice.total):
            raise DomainError(
                _("The amount paid (%(paid)s) is less than the invoice's total (%(total)s).")
                % {"paid": amount, "total": invoice.total},
                field="amount", code="amount_mismatch",
            )
        try:
            with transaction.atomic():
                payment = InvoicePayment.objects.create(
                    invoice=invoice, rail=rail, external_id=external_id, amount=amount, paid_at=paid_at,
                    settled_invoice=settles,
                )
        except IntegrityError:  # the same notification, recorded by a concurrent delivery
            earlier = InvoicePayment.objects.get(rail=rail, external_id=external_id)
            return Received(earlier, duplicate=True, credit=getattr(earlier, "credit", None))
        if charge is not None:
            _charge_paid(charge, payment)
        if settles:
            _settle(invoice, payment, method=method or RAIL_METHODS[rail], actor=actor)
        left_over = amount - invoice.total if settles else amount
        credit = _credit(invoice, payment, left_over, actor=actor) if left_over > 0 else None
        return Received(payment, duplicate=False, credit=credit)


def _charge_paid(charge: Charge, payment: InvoicePayment) -> None:
    charge.status, charge.paid_at = ChargeStatus.PAID, payment.paid_at
    fields = ["status", "paid_at"]
    if hasattr(charge, "paid_amount"):
        charge.paid_amount = payment.amount
        fields.append("paid_amount")
    charge.save(update_fields=fields)


def _credit(invoice: Invoice, payment: InvoicePayment, amount: Decimal, *, actor) -> CustomerCredit:
    credit = CustomerCredit.objects.create(
        customer=invoice.customer, payment=payment, amount=amount, currency=invoice.currency
    )
    event_record(name=events.CREDIT_RECORDED, payload=events.credit_json(credit), actor=actor)
    return credit


def _settle(invoice: Invoice, payment: InvoicePayment, *, method: str, actor) -> None:
    if invoice.receivable_id is not None:
        receivable = access_account(None, invoice.receivable_id, for_write=True)
        payment_apply(
            account=receivable, amount=receivable.remaining, paid_at=payment.paid_at,
            method=method, actor=actor,
        )
    invoice.status, invoice.paid_at = InvoiceStatus.PAID, payment.paid_at
    invoice.save(update_fields=["status", "paid_at", "updated_at"])
    charges_withdraw(invoice)
    # Imported here: subscriptions imports the invoice services, which import this module, so a
    # module importing this one first (the PIX charges) would otherwise meet it half-loaded.
    from .fiscal_documents import fiscal_payment_settled
    from .subscriptions import subscription_invoice_paid

    subscription_invoice_paid(invoice)  # a past-due subscription it billed is active again
    fiscal_payment_settled(invoice, payment, method=method)  # a CFDI's payment complement
    event_record(name=events.INVOICE_PAID, payload=events.invoice_json(invoice, payment=payment), actor=actor)


def charges_withdraw(invoice: Invoice) -> int:
    """The invoice's pending charges on every rail stop being payable (it was paid one way, or
    cancelled). How many were withdrawn."""
    return sum(
        model.objects.filter(invoice=invoice, status=ChargeStatus.PENDING).update(status=ChargeStatus.CANCELLED)
        for model in (Boleto, Pix, CheckoutSession)
    )

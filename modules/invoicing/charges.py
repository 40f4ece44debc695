"""What boletos and PIX charges share: which invoices they are made for, and for how much.

A charge pays its invoice whole. `settlement.invoice_payment_receive` refuses less than the
invoice's total (a partial payment is not taken), so a charge for less could be paid at the bank
and never settle anything: its amount is the invoice's total, and any other is refused here,
before the customer is asked to pay it.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from modules.core.exceptions import DomainError
from modules.core.money import format_money

from .models import Invoice, InvoiceStatus

CHARGE_CURRENCY = "BRL"  # boletos and PIX are Brazilian rails: reais only
CHARGEABLE_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE)


def invoice_chargeable(invoice: Invoice) -> None:
    """Refuse an invoice a boleto or PIX charge cannot be made for: one not issued (a draft, a
    paid or cancelled invoice), not in reais, or of nothing to pay."""
    if invoice.status not in CHARGEABLE_STATUSES:
        raise DomainError(
            _("Only an issued invoice can be charged; this one is %(status)s.")
            % {"status": invoice.get_status_display().lower()},
            field="invoice_id", code="not_issued",
        )
    if invoice.currency != CHARGE_CURRENCY:
        raise DomainError(
            _("Boletos and PIX charge in reais (BRL); this invoice is in %(currency)s.")
            % {"currency": invoice.currency},
            field="invoice_id", code="not_brl",
        )
    if invoice.total <= 0:
        raise DomainError(_("This invoice's total is zero: there is nothing to charge."), field="invoice_id")


def charge_amount(invoice: Invoice, amount: Decimal | None) -> Decimal:
    """The amount of a charge for `invoice`: its total when none is given; more is refused, and
    so is less (see the module's docstring)."""
    if amount is None or amount == invoice.total:
        return invoice.total
    total = format_money(invoice.total, invoice.currency)
    if amount > invoice.total:
        message = _("The amount cannot be more than the invoice's total (%(total)s).")
    else:
        message = _("A charge pays the whole invoice: its amount is the invoice's total (%(total)s).")
    raise DomainError(message % {"total": total}, field="amount", code="amount_not_total")

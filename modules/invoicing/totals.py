"""An invoice's figures from its items: the one rounding rule, used by the services (what is
stored), the editor's live totals and, through what is stored, the API, the PDF and the mail.

The rule, in Decimal and the currency's ISO digits (core.money: CLP has none, USD two), rounding
half up:

1. A line's amount is quantity × unit price, rounded to the currency (`gross`): each line is
   rounded, then lines are added, as NF-e does (money.total_by_line).
2. The line's own discount, an amount in the currency no larger than that, comes off it: the
   line's `total` (what the item shows, before tax) = gross − discount.
3. The invoice's discount is spread over the lines in proportion to their totals with
   money.allocate (largest remainder), so the shares add up to it exactly; it can be no larger
   than the lines' totals together.
4. A line's tax = (total − its share of the invoice's discount) × tax rate ÷ 100, rounded to the
   currency. The rate is a percentage, 18 for 18 %.
5. subtotal = Σ gross; discount = Σ line discounts + the invoice's discount; tax = Σ line taxes;
   total = subtotal − discount + tax.

Rules a person can break (a discount larger than its line, an amount finer than the currency)
are refused with a ValidationError naming the item, never rounded away.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from modules.core.money import allocate, amount_check, amount_digits_message, quantize

HUNDRED = Decimal(100)
ZERO = Decimal(0)
# What an amount column holds (core.money.AmountField: 14 digits, 2 of them decimals).
AMOUNT_LIMIT = Decimal(10) ** 12


@dataclass(frozen=True)
class Line:
    """What a line is made of, as typed."""

    quantity: Decimal
    unit_price: Decimal
    discount: Decimal = ZERO
    tax_rate: Decimal = ZERO  # a percentage: 18 for 18 %


@dataclass(frozen=True)
class LineFigures:
    gross: Decimal  # quantity × unit price, rounded
    discount: Decimal  # the line's own
    total: Decimal  # gross − discount: the item's `total`
    invoice_discount: Decimal  # its share of the invoice's discount
    tax: Decimal


@dataclass(frozen=True)
class Figures:
    currency: str
    lines: tuple[LineFigures, ...]
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal


def invoice_figures(lines: Sequence[Line], *, invoice_discount: Decimal, currency: str) -> Figures:
    """The invoice's figures by the rule above; ValidationError on `items` or `invoice_discount`
    for what the rule cannot take."""
    problems = [_line_problem(number, line, currency) for number, line in enumerate(lines, start=1)]
    problems = [problem for problem in problems if problem]
    if problems:
        raise ValidationError({"items": problems})
    _invoice_discount_check(invoice_discount, currency)
    grosses = [quantize(line.quantity * line.unit_price, currency) for line in lines]
    totals = [gross - line.discount for gross, line in zip(grosses, lines, strict=True)]
    shares = _discount_shares(invoice_discount, totals, currency)
    taxes = [
        quantize((total - share) * line.tax_rate / HUNDRED, currency)
        for total, share, line in zip(totals, shares, lines, strict=True)
    ]
    figures = tuple(
        LineFigures(gross=gross, discount=line.discount, total=total, invoice_discount=share, tax=tax)
        for gross, line, total, share, tax in zip(grosses, lines, totals, shares, taxes, strict=True)
    )
    subtotal = sum(grosses, ZERO)
    discount = sum((line.discount for line in lines), ZERO) + invoice_discount
    tax = sum(taxes, ZERO)
    total = subtotal - discount + tax
    if max(subtotal, total) >= AMOUNT_LIMIT:
        raise ValidationError({"items": [_("The items add up to more than an invoice can hold.")]})
    return Figures(currency=currency, lines=figures, subtotal=subtotal, discount=discount, tax=tax, total=total)


def _line_problem(number: int, line: Line, currency: str) -> str:
    """What is wrong with item `number` ("" when nothing is)."""
    if line.quantity <= 0:
        message = _("the quantity must be more than zero.")
    elif line.unit_price < 0:
        message = _("the unit price cannot be negative.")
    elif line.discount < 0:
        message = _("the discount cannot be negative.")
    elif not ZERO <= line.tax_rate <= HUNDRED:
        message = _("the tax rate is a percentage from 0 to 100.")
    elif quantize(line.discount, currency) != line.discount:
        message = amount_digits_message(currency)
    elif line.discount > quantize(line.quantity * line.unit_price, currency):
        message = _("the discount is more than the item's amount.")
    else:
        return ""
    return _("Item %(number)d: %(problem)s") % {"number": number, "problem": message}


def _invoice_discount_check(invoice_discount: Decimal, currency: str) -> None:
    if invoice_discount < 0:
        raise ValidationError({"invoice_discount": [_("The discount cannot be negative.")]})
    amount_check(invoice_discount, currency, field="invoice_discount", positive=False)


def _discount_shares(invoice_discount: Decimal, totals: list[Decimal], currency: str) -> list[Decimal]:
    """The invoice's discount split over the lines by their totals, adding up to it exactly."""
    if invoice_discount > sum(totals, ZERO):
        raise ValidationError({"invoice_discount": [
            _("The invoice's discount is more than its items add up to after their own discounts.")
        ]})
    if not invoice_discount:
        return [ZERO] * len(totals)
    return allocate(invoice_discount, totals, currency)

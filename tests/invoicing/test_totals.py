"""An invoice's figures by totals.py's one rounding rule: each line rounded to the currency, the
invoice's discount spread over the lines so that it adds up exactly, tax per line after it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from modules.invoicing.totals import Line, invoice_figures


def line(quantity: str, unit_price: str, discount: str = "0", tax_rate: str = "0") -> Line:
    return Line(Decimal(quantity), Decimal(unit_price), Decimal(discount), Decimal(tax_rate))


def figures(*lines: Line, invoice_discount: str = "0", currency: str = "USD"):
    return invoice_figures(lines, invoice_discount=Decimal(invoice_discount), currency=currency)


def test_it_adds_the_specs_example():
    result = figures(line("40", "150.00"), line("1", "99.00"))

    assert (result.subtotal, result.discount, result.tax, result.total) == (
        Decimal("6099.00"), Decimal(0), Decimal(0), Decimal("6099.00")
    )
    assert [figure.total for figure in result.lines] == [Decimal("6000.00"), Decimal("99.00")]


def test_each_line_is_rounded_before_the_lines_are_added():
    # 3 × 0.335 = 1.005 → 1.01 a line (half up); three lines 3.03, where the unrounded sum would round to 3.02.
    result = figures(line("3", "0.335"), line("3", "0.335"), line("3", "0.335"))

    assert [figure.gross for figure in result.lines] == [Decimal("1.01")] * 3
    assert result.subtotal == Decimal("3.03")


def test_a_lines_own_discount_comes_off_it_before_tax():
    result = figures(line("2", "50.00", discount="10.00", tax_rate="18"))

    only = result.lines[0]
    assert (only.gross, only.discount, only.total, only.tax) == (
        Decimal("100.00"), Decimal("10.00"), Decimal("90.00"), Decimal("16.20")
    )
    assert (result.subtotal, result.discount, result.tax, result.total) == (
        Decimal("100.00"), Decimal("10.00"), Decimal("16.20"), Decimal("106.20")
    )


def test_the_invoice_discount_is_spread_so_that_it_adds_up_exactly():
    # 100.00 over three equal lines: 33.34, 33.33, 33.33 (largest remainder), never 99.99 or 100.02.
    result = figures(line("1", "10.00"), line("1", "10.00"), line("1", "10.00"), invoice_discount="10.00")

    shares = [figure.invoice_discount for figure in result.lines]
    assert shares == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]
    assert sum(shares) == Decimal("10.00")
    assert result.total == Decimal("20.00")


def test_the_invoice_discount_follows_the_lines_totals_and_comes_off_before_each_lines_tax():
    # Lines of 300 (taxed 10 %) and 100 (untaxed); 40 off the invoice: 30 from the first, 10 from the second.
    result = figures(line("3", "100.00", tax_rate="10"), line("1", "100.00"), invoice_discount="40.00")

    assert [figure.invoice_discount for figure in result.lines] == [Decimal("30.00"), Decimal("10.00")]
    assert [figure.tax for figure in result.lines] == [Decimal("27.00"), Decimal("0.00")]
    assert (result.subtotal, result.discount, result.tax, result.total) == (
        Decimal("400.00"), Decimal("40.00"), Decimal("27.00"), Decimal("387.00")
    )


def test_tax_rates_with_decimals_round_each_lines_tax_half_up():
    # 8.25 % of 19.99 is 1.649175 → 1.65; 16 % of 0.03 is 0.0048 → 0.00.
    result = figures(line("1", "19.99", tax_rate="8.25"), line("1", "0.03", tax_rate="16"))

    assert [figure.tax for figure in result.lines] == [Decimal("1.65"), Decimal("0.00")]
    assert result.total == Decimal("21.67")


def test_a_zero_decimal_currency_rounds_to_whole_pesos():
    # CLP has no minor unit: 3 × 333.5 = 1000.5 → 1001; 19 % of 1001 = 190.19 → 190; 100 off in three: 34, 33, 33.
    result = figures(
        line("3", "333.5", tax_rate="19"), line("1", "1000"), line("1", "1000"), invoice_discount="100", currency="CLP"
    )

    assert [figure.gross for figure in result.lines] == [Decimal(1001), Decimal(1000), Decimal(1000)]
    assert [figure.invoice_discount for figure in result.lines] == [Decimal(34), Decimal(33), Decimal(33)]
    assert result.lines[0].tax == Decimal(184)  # 19 % of (1001 − 34) = 183.73
    assert result.total == Decimal(3001) - Decimal(100) + Decimal(184)


def test_finer_quantities_and_unit_prices_keep_every_digit_until_the_line_is_rounded():
    result = figures(line("2.5", "0.3333333333"), line("0.000001", "1000000"))

    assert [figure.gross for figure in result.lines] == [Decimal("0.83"), Decimal("1.00")]


@pytest.mark.parametrize(("bad", "message"), [
    (line("0", "10.00"), "Item 1: the quantity must be more than zero."),
    (line("1", "-1"), "Item 1: the unit price cannot be negative."),
    (line("1", "10.00", discount="-1"), "Item 1: the discount cannot be negative."),
    (line("1", "10.00", tax_rate="100.5"), "Item 1: the tax rate is a percentage from 0 to 100."),
    (line("1", "10.00", discount="10.01"), "Item 1: the discount is more than the item's amount."),
    (line("1", "10.00", discount="0.005"), "Item 1: USD amounts have at most 2 decimal places."),
])
def test_it_refuses_an_item_the_rule_cannot_take_and_names_it(bad, message):
    with pytest.raises(ValidationError) as refused:
        figures(bad)

    assert refused.value.message_dict == {"items": [message]}


def test_it_names_every_item_at_fault():
    with pytest.raises(ValidationError) as refused:
        figures(line("1", "10.00"), line("0", "5.00"), line("1", "5.00", discount="6"))

    assert refused.value.message_dict == {"items": [
        "Item 2: the quantity must be more than zero.", "Item 3: the discount is more than the item's amount.",
    ]}


@pytest.mark.parametrize(("discount", "currency", "message"), [
    ("20.01", "USD", "The invoice's discount is more than its items add up to after their own discounts."),
    ("-1", "USD", "The discount cannot be negative."),
    ("0.5", "CLP", "CLP amounts are whole numbers, with no decimal places."),
])
def test_it_refuses_an_invoice_discount_it_cannot_spread(discount, currency, message):
    with pytest.raises(ValidationError) as refused:
        figures(line("2", "10"), invoice_discount=discount, currency=currency)

    assert refused.value.message_dict == {"invoice_discount": [message]}


def test_it_refuses_items_adding_up_to_more_than_an_amount_holds():
    with pytest.raises(ValidationError) as refused:
        figures(line("999999999", "1001"))

    assert refused.value.message_dict == {"items": ["The items add up to more than an invoice can hold."]}

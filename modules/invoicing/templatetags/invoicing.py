"""`{% load invoicing %}`: an item's figures written in the reader's locale (core.money), as the
invoice page, the editor and the PDF show them."""

from decimal import Decimal

from django import template

from modules.core.money import currency_spec, format_money, number_in_locale

register = template.Library()


@register.filter
def quantity(value: Decimal | None) -> str:
    """A quantity or a rate with the digits it has: `40`, `1,5` in pt-BR, `2.25` in en."""
    if value is None:
        return ""
    return number_in_locale(value.normalize(), None)


@register.filter
def unit_price(value: Decimal | None, currency: str) -> str:
    """A unit price as money, with more digits than the currency shows when it has them:
    `R$ 150,00`, `$0.125`."""
    if value is None:
        return ""
    own = max(0, -value.normalize().as_tuple().exponent)
    return format_money(value, currency, digits=max(own, currency_spec(currency).display_digits))

"""`{% load money %}` `{{ total.amount|money:total.currency }}`: an amount written as the reader's
locale writes its currency (core.money.format_money), `R$ 5.000,00` in pt-BR."""

from decimal import Decimal

from django import template

from modules.core.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    return format_money(amount, currency)

from django import template

from modules.core.phones import phone_display, tenant_region

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """`{{ lead.phone|phone }}`: `+5541991234567` reads `(41) 99123-4567` in a Brazilian workspace."""
    return phone_display(value, region=tenant_region())

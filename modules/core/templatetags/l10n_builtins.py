"""Django's `date`, `time` and `floatformat` filters in format_locale (core.l10n): a template
builtin (settings.TEMPLATES), so every template and django-tables2's columns use them."""

from django import template
from django.template import defaultfilters

from modules.core.l10n import date_text, number_text, time_text

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if value in (None, ""):
        return ""
    try:
        return date_text(value, arg or "DATE_FORMAT")
    except AttributeError:
        return defaultfilters.date(value, arg)


@register.filter(expects_localtime=True, is_safe=False)
def time(value, arg=None):
    if value in (None, ""):
        return ""
    try:
        return time_text(value, arg or "TIME_FORMAT")
    except (AttributeError, TypeError):
        return defaultfilters.time(value, arg)


@register.filter(is_safe=True)
def floatformat(value, arg=-1):
    return number_text(value, arg)

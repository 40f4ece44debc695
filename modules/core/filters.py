"""Filter pieces shared by every module's API and HTML list pages."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _


class CommaSeparatedChoiceFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """`status=new,contacted`: several values, each checked against the field's choices."""


class CommaSeparatedNumberFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """`assigned_to=3,7`: several ids."""


class DayOrMomentField(forms.CharField):
    """A date (YYYY-MM-DD) or an ISO 8601 datetime; cleans to (aware datetime, was_a_date)."""

    default_error_messages = {"invalid": _("Enter a date (YYYY-MM-DD) or an ISO 8601 date and time.")}

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            return timezone.make_aware(datetime.combine(day, time.min)), True
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return (timezone.make_aware(moment) if timezone.is_naive(moment) else moment), False


class DayFilter(django_filters.Filter):
    """`created_after=2025-01-01` / `created_before=2025-12-31`, both days included, or exact moments.

    A day becomes a range on the indexed column (never `column::date`, which no index serves),
    measured in the active time zone.
    """

    field_class = DayOrMomentField

    def __init__(self, *args, end: bool = False, **kwargs):
        self.end = end
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        moment, was_a_date = value
        if self.end and was_a_date:
            return qs.filter(**{f"{self.field_name}__lt": moment + timedelta(days=1)})
        return qs.filter(**{f"{self.field_name}__{'lte' if self.end else 'gte'}": moment})


class StableOrderingFilter(django_filters.OrderingFilter):
    """`ordering=-score`: rows that tie keep one order (by id, same direction), so pages never
    repeat or skip a row."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        ordering = qs.query.order_by
        if value and ordering:
            qs = qs.order_by(*ordering, "-pk" if str(ordering[0]).startswith("-") else "pk")
        return qs

"""Filter pieces shared by every module's API and HTML list pages."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _


class CommaSeparatedChoiceFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """`status=new,contacted`: several values, each checked against the field's choices."""


# PostgreSQL's bigint, the type of every id: a larger number is refused before it reaches the
# query, where comparing it with the column would fail the whole request.
ID_MAX = 2**63 - 1


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within `min_value`..`max_value` (the column's range): `score_min=1e20` or
    `score_max=-107` is a 400 naming the parameter, not a query PostgreSQL refuses."""

    field_class = forms.IntegerField


class IdFilter(IntegerFilter):
    """`related_to_id=42`: a record id, 1 to bigint's largest."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=ID_MAX, **kwargs)


class CommaSeparatedIdFilter(django_filters.BaseInFilter, IdFilter):
    """`assigned_to=3,7`: several ids, each checked like one."""


class DayOrMomentField(forms.CharField):
    """A date (YYYY-MM-DD) or an ISO 8601 datetime; cleans to (aware datetime, was_a_date)."""

    default_error_messages = {"invalid": _("Enter a date (YYYY-MM-DD) or an ISO 8601 date and time.")}

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        try:  # both parsers raise ValueError for a well-formed impossible date (2025-13-45)
            day = parse_date(value) if len(value) == 10 else None
            moment = None if day else parse_datetime(value)
        except ValueError:
            day = moment = None
        if day is not None:
            return timezone.make_aware(datetime.combine(day, time.min)), True
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
            if moment.date() == date.max:  # until the end of time: the day after does not exist
                return qs
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

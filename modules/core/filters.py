"""Filter pieces shared by every module's API and HTML list pages."""

import re
from datetime import UTC, datetime, time, timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers


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


AMOUNT_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"


class AmountField(forms.DecimalField):
    """An amount as the API writes one, `5000.00`: no exponent, no sign, the column's precision
    (`1e999999` would overflow PostgreSQL's numeric)."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(AMOUNT_PATTERN, str(value).strip()):
            raise ValidationError(_("Enter an amount such as 5000.00."), code="invalid")
        return super().to_python(value)


class AmountFilter(django_filters.NumberFilter):
    """`value_min=5000.00`."""

    field_class = AmountField


class TrueOrFalseField(forms.Field):
    """`true` or `false`, as a JSON boolean is written; empty is no filter."""

    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value not in ("true", "false"):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value == "true"


class BooleanFilter(django_filters.BooleanFilter):
    """`completed=true`: django-filter's own takes `1`, `True` or `yes` and reads anything else
    (`completed=null`) as no filter at all, which is not what the schema's boolean says."""

    field_class = TrueOrFalseField


# The years a date filter takes. Every CRM date is one a person lives to see (when a record was
# made, when a call is due); a year outside is a typo or a probe (`created_before=9999-12-31`,
# where the next day and most time zones' offsets overflow), and gets an answer that says so.
FILTER_YEARS = (1900, 2199)
FILTER_YEAR_PATTERN = r"^(19|2[01])[0-9]{2}-"  # the same range, for the OpenAPI schema


class DayOrMomentField(forms.CharField):
    """A date (YYYY-MM-DD) or an ISO 8601 datetime; cleans to (aware datetime, was_a_date)."""

    default_error_messages = {
        "invalid": _("Enter a date (YYYY-MM-DD) or an ISO 8601 date and time."),
        "year": _("Enter a date between the years %(first)d and %(last)d."),
    }

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        try:  # both parsers raise ValueError for a well-formed impossible date (2025-13-45)
            day = parse_date(value) if len(value) == 10 else None
            moment = None if day else parse_datetime(value)
        except ValueError:
            day = moment = None
        if day is None and moment is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        first, last = FILTER_YEARS
        if not first <= (day or moment).year <= last:
            raise ValidationError(self.error_messages["year"], code="year", params={"first": first, "last": last})
        if day is not None:
            return timezone.make_aware(datetime.combine(day, time.min)), True
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(UTC), False  # in UTC: PostgreSQL takes offsets up to 15:59, Python up to 23:59


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


class FilterBackend(DjangoFilterBackend):
    """The API's filters. A parameter the list does not know (`stauts=lost`, a typo) is refused
    rather than ignored: ignoring it would answer the whole list as if it were the filtered one.
    A parameter sent empty (`created_after=`) is refused unless it is text: the schema's date,
    number or choice is never empty. (The pages read an empty form field as no filter; only API
    clients come here.)"""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            known = {*filterset_class.base_filters, *_paging_parameters(view)}
            unknown = {
                name: [_("This list has no such parameter.")] for name in request.query_params if name not in known
            }
            if unknown:
                raise serializers.ValidationError(unknown)
            empty = {
                name: [_("Give this parameter a value, or leave it out.")]
                for name, filter_ in filterset_class.base_filters.items()
                if request.query_params.get(name) == "" and not isinstance(filter_, django_filters.CharFilter)
            }
            if empty:
                raise serializers.ValidationError(empty)
        return super().filter_queryset(request, queryset, view)


def _paging_parameters(view) -> set[str]:
    paginator = getattr(view, "paginator", None)
    names = {getattr(paginator, "page_query_param", None), getattr(paginator, "page_size_query_param", None)}
    return {name for name in names if name}

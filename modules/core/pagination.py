"""API pagination: `{count, next, previous, results}` with `page` and `page_size` (at most 200).

Counting is exact while it is cheap. The planner's estimate comes first (EXPLAIN: nothing is
read); when it expects at most `INNEXAR_EXACT_COUNT_LIMIT` rows (10,000 by default), PostgreSQL
counts them, bounded by a LIMIT so a wrong guess never costs more than that many rows. Beyond,
`count` is the estimate and the response says so in the `X-Count-Estimated: true` header. An
exact COUNT(*) over a million rows costs more than the page itself (55 ms measured at 1M rows),
and nobody pages through 10,000 leads.

With an estimate the pages do not trust it: a page reads one row more than it shows, so `next`
is there exactly when more rows are, any page that has rows is served (the estimate may be
short), and the last page turns the count exact again.
"""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

MAX_OFFSET = 2**63 - 1


def planner_estimate(queryset) -> int:
    """The row count PostgreSQL's planner expects for the query (EXPLAIN, nothing is read)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]  # psycopg decodes the JSON
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    @cached_property
    def exact_count_limit(self) -> int:
        return settings.INNEXAR_EXACT_COUNT_LIMIT

    def _rows_to_count(self):
        return self.object_list

    @cached_property
    def count(self) -> int:
        rows = self._rows_to_count()
        if not hasattr(rows, "query"):
            return len(rows)
        rows = rows.order_by()
        estimate = planner_estimate(rows)
        if estimate <= self.exact_count_limit:
            bounded = rows.values("pk")[: self.exact_count_limit + 1].count()
            if bounded <= self.exact_count_limit:
                return bounded
            estimate = max(estimate, bounded)  # the planner guessed far too low
        self.count_is_estimated = True
        return estimate

    count_is_estimated = False

    def _counts_an_estimate(self) -> bool:
        # Only a count above the limit can be an estimate; reading it first sets the flag.
        return self.count > self.exact_count_limit and self.count_is_estimated

    def validate_number(self, number):
        if not self._counts_an_estimate():
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page > MAX_OFFSET:  # SQL's OFFSET is a bigint
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        if not self._counts_an_estimate():
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        has_next = len(rows) > self.per_page
        if not has_next:  # the last page: now the count is known
            self.count = bottom + len(rows)
            self.count_is_estimated = False
        return EstimatedPage(rows[: self.per_page], number, self, has_next=has_next)


class EstimatedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next


class TablePaginator(EstimatedCountPaginator):
    """The workspace lists' paginator (django-tables2's `paginator_class`), counting as the API does.

    django-tables2 hands it the table's rows; what it counts is the queryset under them."""

    def _rows_to_count(self):
        return getattr(self.object_list.data, "data", self.object_list)


class WholeNumberField(forms.IntegerField):
    """Digits only, as the schema's integer says: Django's IntegerField also takes `2.0`."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"\s*[0-9]+\s*", str(value)):
            raise DjangoValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class PageNumberPagination(pagination.PageNumberPagination):
    """`page_size` is checked like any parameter: `page_size=0` or `abc` is a 400 naming it (DRF
    would quietly use the default); a larger size than 200 is served as 200. A `page` that is not
    a page of the list is DRF's 404."""

    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()  # `page` is a number, as the schema says
    django_paginator_class = EstimatedCountPaginator

    def get_page_size(self, request):
        if self.page_size_query_param not in request.query_params:
            return self.page_size
        try:
            size = WholeNumberField(min_value=1).clean(request.query_params[self.page_size_query_param])
        except DjangoValidationError as error:
            raise ValidationError({self.page_size_query_param: error.messages}) from None
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.page.paginator.count_is_estimated:
            response["X-Count-Estimated"] = "true"
        return response

"""Filter pieces shared by every module's API and HTML list pages."""

import django_filters


class CommaSeparatedChoiceFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """`status=new,contacted`: several values, each checked against the field's choices."""

import django_filters

from modules.core.filters import BooleanFilter, CommaSeparatedChoiceFilter

from .models import Role, User


class MemberFilter(django_filters.FilterSet):
    role = CommaSeparatedChoiceFilter(choices=Role.choices)
    is_active = BooleanFilter()

    class Meta:
        model = User
        fields = ["role", "is_active"]

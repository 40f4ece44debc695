import django_filters
from django.utils.translation import gettext_lazy as _

from modules.core.filters import BooleanFilter, CommaSeparatedChoiceFilter, StableOrderingFilter

from .models import Role, User


class MemberFilter(django_filters.FilterSet):
    role = CommaSeparatedChoiceFilter(choices=Role.choices)
    is_active = BooleanFilter()
    ordering = StableOrderingFilter(
        fields=("name", "email", "role", "date_joined"), label=_("Order by")
    )

    class Meta:
        model = User
        fields = ["role", "is_active"]

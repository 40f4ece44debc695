"""Plan gates: a feature the tenant's plan lacks, or a seat beyond its users, answers 403 naming
the plan that has it."""

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from .plans import OFFERS, Feature, cheapest_plan_for_users, cheapest_plan_with, plan_includes


def plan_required_message(feature: Feature) -> str:
    plan = OFFERS[cheapest_plan_with(feature)].plan
    return _("Your plan does not include %(feature)s. Upgrade to the %(plan)s plan to use it.") % {
        "feature": feature.label, "plan": plan.label,
    }


def seat_limit_message(plan: str) -> str:
    """What a workspace that has used every seat of `plan` hears when it asks for one more."""
    seats = OFFERS[plan].max_users
    upgrade = OFFERS[cheapest_plan_for_users(seats + 1)].plan
    return _(
        "Your %(current)s plan includes %(count)d active users. Upgrade to the %(plan)s plan to add more."
    ) % {"current": OFFERS[plan].plan.label, "count": seats, "plan": upgrade.label}


class PlanFeature(BasePermission):
    """Subclass with `feature = Feature.X` (see `requires_feature`)."""

    feature: Feature

    def has_permission(self, request, view) -> bool:
        tenant = getattr(request.user, "tenant", None)
        if tenant is None or plan_includes(tenant.plan, self.feature):
            return True
        self.message = plan_required_message(self.feature)
        return False


def requires_feature(feature: Feature) -> type[PlanFeature]:
    return type(f"Requires{feature.name.title()}", (PlanFeature,), {"feature": feature})

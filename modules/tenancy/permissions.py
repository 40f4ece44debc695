"""Plan gates: a feature the tenant's plan lacks answers 403 naming the plan that has it; one
that does not exist yet answers 403 saying it is coming soon."""

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from .plans import OFFERS, Feature, cheapest_plan_with, plan_includes


def plan_required_message(feature: Feature) -> str:
    plan = OFFERS[cheapest_plan_with(feature)].plan
    return _("Your plan does not include %(feature)s. Upgrade to the %(plan)s plan to use it.") % {
        "feature": feature.label, "plan": plan.label,
    }


class PlanFeature(BasePermission):
    """Subclass with `feature = Feature.X` (see `requires_feature`)."""

    feature: Feature

    def has_permission(self, request, view) -> bool:
        tenant = getattr(request.user, "tenant", None)
        if tenant is None:
            return True
        if not self.feature.available:
            self.message = _("Coming soon: %(feature)s. No plan offers it yet.") % {"feature": self.feature.label}
            return False
        if plan_includes(tenant.plan, self.feature):
            return True
        self.message = plan_required_message(self.feature)
        return False


def requires_feature(feature: Feature) -> type[PlanFeature]:
    return type(f"Requires{feature.name.title()}", (PlanFeature,), {"feature": feature})

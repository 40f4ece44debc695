"""Plans, what each includes, and the feature gate every module asks."""

from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class Plan(models.TextChoices):
    STARTER = "starter", _("Starter")
    PROFESSIONAL = "professional", _("Professional")
    ENTERPRISE = "enterprise", _("Enterprise")


class Feature(models.TextChoices):
    CRM = "crm", _("CRM: leads, contacts, deal pipeline and activities")
    FINANCE = "finance", _("Payables, receivables and cash flow")
    INVOICING = "invoicing", _("Invoices with NF-e, CFDI, Stripe, boleto and PIX")
    INVENTORY = "inventory", _("Inventory and stock movements")
    PROJECTS = "projects", _("Projects with Kanban, time tracking and Gantt")
    INTEGRATIONS = "integrations", _("QuickBooks, Stripe and WhatsApp integrations")
    ANALYTICS = "analytics", _("Analytics and PDF, Excel and CSV reports")
    WEBHOOKS = "webhooks", _("Outgoing webhooks")

    @property
    def available(self) -> bool:
        """Whether the module exists today: its app (labelled like the feature) is installed.
        Plans list every module they will include; the ones not built yet are "coming soon"
        on the marketing pages and refused by the gate, both from this one answer."""
        return self.value in apps.app_configs


@dataclass(frozen=True)
class PlanOffer:
    plan: Plan
    monthly_price_usd: Decimal
    max_users: int | None
    features: frozenset[Feature]


_STARTER_FEATURES = frozenset({Feature.CRM, Feature.FINANCE, Feature.INVOICING})
_PROFESSIONAL_FEATURES = _STARTER_FEATURES | {Feature.INVENTORY, Feature.PROJECTS, Feature.ANALYTICS}

OFFERS: dict[str, PlanOffer] = {
    Plan.STARTER: PlanOffer(Plan.STARTER, Decimal("29.00"), 3, _STARTER_FEATURES),
    Plan.PROFESSIONAL: PlanOffer(Plan.PROFESSIONAL, Decimal("79.00"), 15, _PROFESSIONAL_FEATURES),
    Plan.ENTERPRISE: PlanOffer(Plan.ENTERPRISE, Decimal("199.00"), None, frozenset(Feature)),
}


def plan_includes(plan: str, feature: Feature) -> bool:
    return feature in OFFERS[plan].features


def available_features(plan: str) -> list[Feature]:
    """What a workspace on `plan` can use today, in the plans' order of features."""
    return [feature for feature in Feature if feature.available and plan_includes(plan, feature)]


def cheapest_plan_with(feature: Feature) -> Plan:
    for offer in OFFERS.values():  # ordered from cheapest
        if feature in offer.features:
            return offer.plan
    raise ValueError(f"No plan includes {feature}")


def cheapest_plan_for_users(count: int) -> Plan:
    for offer in OFFERS.values():  # ordered from cheapest
        if offer.max_users is None or offer.max_users >= count:
            return offer.plan
    raise ValueError(f"No plan allows {count} users")


def seat_limit_message(plan: str) -> str:
    """What a workspace that has used every seat of `plan` hears when it asks for one more."""
    seats = OFFERS[plan].max_users
    upgrade = OFFERS[cheapest_plan_for_users(seats + 1)].plan
    return ngettext(
        "Your %(current)s plan includes %(count)d active user. Upgrade to the %(plan)s plan to add more.",
        "Your %(current)s plan includes %(count)d active users. Upgrade to the %(plan)s plan to add more.",
        seats,
    ) % {"current": OFFERS[plan].plan.label, "count": seats, "plan": upgrade.label}


def plan_status(tenant) -> dict:
    """What the tenant's plan includes, and for each feature it lacks, the plan that has it."""
    offer = OFFERS[tenant.plan]
    return {
        "plan": tenant.plan,
        "trial_ends_on": tenant.trial_ends_on,
        "max_users": offer.max_users,
        "features": [
            {
                "key": feature.value,
                "name": feature.label,
                "included": feature in offer.features,
                "available": feature.available,
                "required_plan": None if feature in offer.features else cheapest_plan_with(feature).value,
            }
            for feature in Feature
        ],
    }

"""Inventory is Professional+: a Starter tenant's call is refused, naming the plan needed; and
while a module does not exist yet (webhooks' stand-in), every plan's call to it is refused as
coming soon."""

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from modules.accounts.permissions import IsTenantMember
from modules.tenancy.permissions import requires_feature
from modules.tenancy.plans import OFFERS, Feature, Plan, cheapest_plan_with, plan_includes
from tests.tenancy.webhooks_stand_in import shipped, unbuilt


@pytest.fixture
def webhooks_built():
    """Webhooks as they are once the module ships: an installed app labelled "webhooks"."""
    with shipped():
        yield


def probe(feature: Feature) -> type[APIView]:
    """An endpoint of the module that needs `feature`."""

    class Probe(APIView):
        permission_classes = [IsTenantMember, requires_feature(feature)]

        def get(self, request):
            return Response({"ok": True})

    return Probe


def call_as(user, language="en", feature: Feature = Feature.INVENTORY):
    request = APIRequestFactory().get("/api/v1/probe/", HTTP_ACCEPT_LANGUAGE=language)
    request.tenant = user.tenant
    force_authenticate(request, user=user)
    from django.utils import translation

    with translation.override(language):
        return probe(feature).as_view()(request)


def test_a_professional_tenant_may_use_inventory(team_a):
    assert call_as(team_a.user).status_code == 200


def test_an_enterprise_tenant_may_use_a_module_once_it_ships(team_a, webhooks_built):
    team_a.user.tenant.plan = "enterprise"

    assert call_as(team_a.user, feature=Feature.WEBHOOKS).status_code == 200


@pytest.mark.parametrize("language, detail", [
    ("en", "Coming soon: Outgoing webhooks. No plan offers it yet."),
    ("es", "Próximamente: Webhooks salientes. Ningún plan lo ofrece todavía."),
])
def test_a_module_not_built_yet_is_refused_as_coming_soon_on_every_plan(team_a, language, detail):
    team_a.user.tenant.plan = "enterprise"

    with unbuilt():
        response = call_as(team_a.user, language, feature=Feature.WEBHOOKS)

    assert response.status_code == 403
    assert response.data == {"detail": detail}


@pytest.mark.parametrize("language, detail", [
    ("en", "Your plan does not include Inventory and stock movements. Upgrade to the Professional plan to use it."),
    ("pt-br", "Seu plano não inclui Estoque e movimentações de estoque. Faça upgrade para o plano Profissional "
              "para usá-lo."),
])
def test_a_starter_tenant_is_refused_with_the_plan_needed(team_b, language, detail):
    response = call_as(team_b.user, language)

    assert response.status_code == 403
    assert response.data == {"detail": detail}


def test_plans_grow_from_starter_to_enterprise():
    assert cheapest_plan_with(Feature.CRM) == Plan.STARTER
    assert cheapest_plan_with(Feature.INVENTORY) == Plan.PROFESSIONAL
    assert cheapest_plan_with(Feature.WEBHOOKS) == Plan.ENTERPRISE
    assert OFFERS[Plan.STARTER].features < OFFERS[Plan.PROFESSIONAL].features < OFFERS[Plan.ENTERPRISE].features
    assert not plan_includes(Plan.STARTER, Feature.INVENTORY)


def test_the_plan_endpoint_says_what_the_tenant_has_and_lacks(api, team_b):
    response = api(user=team_b.user).get("/api/v1/settings/plan/")

    assert response.status_code == 200
    body = response.json()
    assert body["plan"] == "starter"
    assert body["max_users"] == 3
    inventory = next(f for f in body["features"] if f["key"] == "inventory")
    assert inventory == {"key": "inventory", "name": "Inventory and stock movements", "included": False,
                         "available": True, "required_plan": "professional"}
    crm = next(f for f in body["features"] if f["key"] == "crm")
    assert crm["included"] is True and crm["available"] is True


def test_the_plan_endpoint_needs_a_token_of_this_tenant(api, team_a, team_b):
    assert api().get("/api/v1/settings/plan/").status_code == 401
    assert api(host=team_a.host, user=team_b.user).get("/api/v1/settings/plan/").status_code == 401

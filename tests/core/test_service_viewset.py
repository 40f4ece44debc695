"""The API kit's ServiceViewSet: a module's endpoints are gated by its plan feature, and every
request that may write runs in one transaction that a refusal rolls back, custom actions
included, whether or not they remembered to be atomic."""

import pytest
from django_tenants.utils import tenant_context
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from modules.core.api import ServiceActions, ServiceViewSet
from modules.core.exceptions import DomainError
from modules.crm import services
from modules.crm.models import Lead
from modules.tenancy.plans import Feature


class LeadTriage(ServiceViewSet):
    """A module's custom action that writes, then meets a rule that says no."""

    feature = Feature.CRM

    @action(detail=False, methods=["post"])
    def triage(self, request):
        services.lead_create(actor=request.user, name="Half-written", email="half@example.com")
        if request.data.get("refuse"):
            raise DomainError("The triage rule said no.")
        return Response({"ok": True})


class InventoryCount(ServiceViewSet):
    feature = Feature.INVENTORY

    @action(detail=False, methods=["post"])
    def count(self, request):
        return Response({"ok": True})


def post(viewset, name: str, user, data):
    request = APIRequestFactory().post(f"/api/v1/kit/{name}/", data, format="json")
    request.tenant = user.tenant
    force_authenticate(request, user=user)
    with tenant_context(user.tenant):
        return viewset.as_view({"post": name})(request)


def test_a_custom_action_refused_after_writing_leaves_nothing_written(team_a):
    response = post(LeadTriage, "triage", team_a.admin, {"refuse": True})

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["The triage rule said no."]}
    with tenant_context(team_a.tenant):
        assert not Lead.objects.filter(email="half@example.com").exists()


def test_a_custom_action_that_succeeds_keeps_what_it_wrote(team_a):
    response = post(LeadTriage, "triage", team_a.admin, {})

    assert response.status_code == 200
    with tenant_context(team_a.tenant):
        assert Lead.objects.filter(email="half@example.com").exists()


@pytest.mark.parametrize("base", [ServiceViewSet, ServiceActions])
def test_a_viewset_without_its_plan_feature_is_refused_when_it_is_written(base):
    with pytest.raises(TypeError, match="feature"):
        class Ungated(base):  # noqa: F841 -- its creation is what fails
            pass


def test_the_plan_gate_applies_to_every_viewset_of_the_kit(team_b):
    response = post(InventoryCount, "count", team_b.admin, {})  # beta is on the Starter plan

    assert response.status_code == 403
    assert response.data == {"detail": (
        "Your plan does not include Inventory and stock movements. Upgrade to the Professional plan to use it."
    )}

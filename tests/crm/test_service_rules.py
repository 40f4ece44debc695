"""Rules the services keep whatever door a call comes through (a task, a page, the API): the API's
serializers check some of them first, so these tests call the services directly."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from modules.crm import services


@pytest.mark.parametrize("value", [Decimal("0"), Decimal("-5.00"), None])
def test_a_deal_is_worth_more_than_nothing(team_a, crm_a, value):
    contact = crm_a.contact()
    with tenant_context(team_a.tenant), pytest.raises(ValidationError) as refused:
        services.deal_create(actor=team_a.admin, title="Free", contact=contact, value=value, currency="USD")

    assert refused.value.message_dict == {"value": ["Enter an amount greater than zero."]}


def test_a_deal_of_one_dollar_is_a_deal(crm_a):
    assert crm_a.deal(value="1.00").value == Decimal("1.00")


@pytest.mark.parametrize("tags", ["vip", ["vip", 3], [None]])
def test_tags_are_a_list_of_text(team_a, tags):
    with tenant_context(team_a.tenant), pytest.raises(ValidationError) as refused:
        services.lead_create(actor=team_a.admin, name="Ana", email="ana.tags@example.com", tags=tags)

    assert refused.value.message_dict == {"tags": ["Tags must be a list of text values."]}

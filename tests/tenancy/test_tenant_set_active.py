"""modules.tenancy.services.tenant_set_active: staff suspend and reactivate tenants."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from modules.accounts.models import User
from modules.core.exceptions import DomainError
from modules.tenancy.models import Tenant
from modules.tenancy.services import tenant_set_active
from tests.conftest import PASSWORD


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_superuser("staff@innexar.app", PASSWORD, name="Sam Staff")


def is_active(tenant: Tenant) -> bool:
    return Tenant.objects.get(pk=tenant.pk).is_active


def updates(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if query["sql"].startswith("UPDATE")]


def test_it_suspends_a_tenant_and_says_who_did_it(staff, team_b, caplog):
    with caplog.at_level(logging.INFO, logger="modules.tenancy.services"):
        tenant = tenant_set_active(actor=staff, tenant=team_b.tenant, active=False)

    assert tenant.is_active is False
    assert is_active(team_b.tenant) is False
    assert caplog.messages == [f"User {staff.pk} changed is_active of tenant {team_b.tenant.pk}: True -> False"]


def test_it_reactivates_a_tenant(staff, team_b, caplog):
    Tenant.objects.filter(pk=team_b.tenant.pk).update(is_active=False)

    with caplog.at_level(logging.INFO, logger="modules.tenancy.services"):
        tenant = tenant_set_active(actor=staff, tenant=team_b.tenant, active=True)

    assert tenant.is_active is True
    assert is_active(team_b.tenant) is True
    assert caplog.messages == [f"User {staff.pk} changed is_active of tenant {team_b.tenant.pk}: False -> True"]


def test_it_changes_nothing_when_the_tenant_already_is_so(staff, team_b, caplog):
    with (
        caplog.at_level(logging.INFO, logger="modules.tenancy.services"),
        CaptureQueriesContext(connection) as queries,
    ):
        tenant = tenant_set_active(actor=staff, tenant=team_b.tenant, active=True)

    assert tenant.is_active is True
    assert updates(queries) == []
    assert caplog.messages == []


def test_it_decides_on_the_row_it_locked_not_on_a_stale_copy(staff, team_b):
    stale = Tenant.objects.get(pk=team_b.tenant.pk)
    Tenant.objects.filter(pk=team_b.tenant.pk).update(is_active=False)  # someone else, meanwhile

    with CaptureQueriesContext(connection) as queries:
        tenant = tenant_set_active(actor=staff, tenant=stale, active=False)

    assert tenant.is_active is False
    assert any(query["sql"].endswith("FOR UPDATE") for query in queries.captured_queries)
    assert updates(queries) == []


@pytest.mark.parametrize("active, language, message", [
    (False, "en", "The platform's own tenant is always active."),
    (True, "en", "The platform's own tenant is always active."),
    (False, "pt-br", "O cliente da própria plataforma está sempre ativo."),
    (False, "es", "La empresa propia de la plataforma siempre está activa."),
])
def test_it_refuses_the_platforms_own_tenant_in_the_active_language(staff, active, language, message):
    public = Tenant.objects.get(schema_name="public")

    with translation.override(language), pytest.raises(DomainError) as refusal:
        tenant_set_active(actor=staff, tenant=public, active=active)

    assert refusal.value.message == message
    assert is_active(public) is True

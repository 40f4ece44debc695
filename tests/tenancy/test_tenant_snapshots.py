"""A request's tenant comes from a per-process snapshot: a change still counts on the very next
request, in every process, and one host or token never reaches another tenant's data."""

import pytest
from django.test import Client

from modules.accounts.models import User
from modules.tenancy.models import Domain
from modules.tenancy.services import tenant_set_active
from tests.conftest import PASSWORD, PUBLIC_HOST, in_another_process

ME = "/api/v1/auth/me/"
LEADS = "/api/v1/crm/leads/"


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_superuser("staff@innexar.app", PASSWORD, name="Sam Staff")


def test_a_suspension_counts_at_once_in_every_process(api, team_a, staff):
    client = api(host=team_a.host, user=team_a.user)
    assert client.get(ME).status_code == 200  # this process now keeps the tenant and user
    assert Client().get("/", HTTP_HOST=team_a.host).status_code == 302  # sign-in page

    with in_another_process():
        tenant_set_active(actor=staff, tenant=team_a.tenant, active=False)

    response = client.get(ME)
    assert response.status_code == 401
    assert response.json() == {"detail": "This workspace is inactive."}
    assert Client().get("/", HTTP_HOST=team_a.host).status_code == 403
    assert api(user=team_a.user).get(ME).status_code == 401  # nor through the API host

    with in_another_process():
        tenant_set_active(actor=staff, tenant=team_a.tenant, active=True)

    assert client.get(ME).status_code == 200


def test_a_deleted_domain_stops_answering_at_once(api, team_a):
    client = api(host=team_a.host, user=team_a.user)
    assert client.get(ME).status_code == 200
    domain = Domain.objects.get(domain=team_a.host)

    with in_another_process():
        domain.delete()

    assert client.get(ME).status_code == 404


def test_cached_hosts_and_tokens_never_cross_tenants(api, team_a, team_b):
    own_a = api(host=team_a.host, user=team_a.admin)
    own_b = api(host=team_b.host, user=team_b.admin)
    assert own_a.get(ME).json()["tenant"]["id"] == team_a.tenant.pk
    assert own_b.get(ME).json()["tenant"]["id"] == team_b.tenant.pk

    # Both tenants and both users are now kept by this process: still, each stays in its place.
    assert api(host=team_b.host, user=team_a.admin).get(ME).status_code == 401
    assert api(host=team_a.host, user=team_b.admin).get(LEADS).status_code == 401
    assert api(host=PUBLIC_HOST, user=team_a.admin).get(ME).json()["tenant"]["id"] == team_a.tenant.pk
    assert api(host=PUBLIC_HOST, user=team_b.admin).get(ME).json()["tenant"]["id"] == team_b.tenant.pk


def test_a_bulk_update_counts_at_once_in_every_process(api, team_a):
    """QuerySet.update() sends no signal of its own: the snapshot must not miss it."""
    from modules.tenancy.models import Tenant

    client = api(host=team_a.host, user=team_a.user)
    assert client.get(ME).status_code == 200

    with in_another_process():
        Tenant.objects.filter(pk=team_a.tenant.pk).update(is_active=False)

    assert client.get(ME).status_code == 401

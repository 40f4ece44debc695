"""POST admin.<base>/tenants/<id>/status/: staff suspend and reactivate a tenant from the table."""

from django.test import Client

from modules.tenancy.models import Tenant
from tests.conftest import ADMIN_HOST

HTMX = {"HTTP_HX_REQUEST": "true"}
ME = "/api/v1/auth/me/"




def status_url(tenant: Tenant) -> str:
    return f"/tenants/{tenant.pk}/status/"


def is_active(tenant: Tenant) -> bool:
    return Tenant.objects.get(pk=tenant.pk).is_active


def test_it_offers_each_active_tenant_a_suspend_button_that_asks_first(staff_client, team_a):
    page = staff_client.get("/", HTTP_HOST=ADMIN_HOST).content.decode()

    assert f'<tr id="tenant-{team_a.tenant.pk}"' in page
    assert f'action="/tenants/{team_a.tenant.pk}/status/"' in page
    assert f'hx-post="/tenants/{team_a.tenant.pk}/status/" hx-target="closest tr"' in page
    assert (
        'hx-confirm="Suspend Alpha Industries? Nobody will be able to sign in to its workspace '
        'or use its API until it is reactivated."'
    ) in page


def test_it_suspends_a_tenant_and_goes_back_to_the_table(staff_client, team_b):
    response = staff_client.post(status_url(team_b.tenant), {"active": "false"}, HTTP_HOST=ADMIN_HOST)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_active(team_b.tenant) is False
    assert "Beta Trading was suspended." in staff_client.get("/", HTTP_HOST=ADMIN_HOST).content.decode()


def test_it_answers_htmx_with_the_tenants_row_redrawn(staff_client, team_b):
    response = staff_client.post(status_url(team_b.tenant), {"active": "false"}, HTTP_HOST=ADMIN_HOST, **HTMX)

    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="tenant-{team_b.tenant.pk}"')
    assert "<html" not in row
    assert '<span class="badge badge-warn">Suspended</span>' in row
    assert '<td class="numeric">3</td>' in row
    assert '<input type="hidden" name="active" value="true">' in row
    assert 'hx-confirm="Reactivate Beta Trading? Its team will be able to sign in again."' in row


def test_it_reactivates_a_tenant(staff_client, team_b):
    Tenant.objects.filter(pk=team_b.tenant.pk).update(is_active=False)

    response = staff_client.post(status_url(team_b.tenant), {"active": "true"}, HTTP_HOST=ADMIN_HOST, **HTMX)

    assert response.status_code == 200
    assert '<span class="badge badge-ok">Active</span>' in response.content.decode()
    assert is_active(team_b.tenant) is True


def test_a_suspended_tenant_is_shut_out_of_its_workspace_and_api_until_reactivated(staff_client, api, team_b):
    workspace = Client(HTTP_HOST=team_b.host)
    workspace.force_login(team_b.admin)
    token = api(host=team_b.host, user=team_b.user)
    assert workspace.get("/").status_code == 200
    assert token.get(ME).status_code == 200

    staff_client.post(status_url(team_b.tenant), {"active": "false"}, HTTP_HOST=ADMIN_HOST, **HTMX)

    page = workspace.get("/")
    assert page.status_code == 403
    assert "The Beta Trading workspace is suspended" in page.content.decode()
    refused = token.get(ME)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "This workspace is inactive."}

    staff_client.post(status_url(team_b.tenant), {"active": "true"}, HTTP_HOST=ADMIN_HOST, **HTMX)

    assert token.get(ME).status_code == 200
    assert workspace.get("/").status_code == 200


def test_it_sends_anonymous_visitors_to_sign_in_and_changes_nothing(client, team_b):
    response = client.post(status_url(team_b.tenant), {"active": "false"}, HTTP_HOST=ADMIN_HOST)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/tenants/{team_b.tenant.pk}/status/"
    assert is_active(team_b.tenant) is True


def test_it_refuses_a_tenant_admin_and_changes_nothing(client, team_a, team_b):
    client.force_login(team_a.admin)

    response = client.post(status_url(team_b.tenant), {"active": "false"}, HTTP_HOST=ADMIN_HOST, **HTMX)

    # htmx asked: the browser goes to the staff sign-in page as a whole page.
    assert response["HX-Redirect"].startswith("/login/?next=")
    assert (is_active(team_a.tenant), is_active(team_b.tenant)) == (True, True)


def test_it_does_not_find_the_platforms_own_tenant(staff_client):
    public = Tenant.objects.get(schema_name="public")

    response = staff_client.post(status_url(public), {"active": "false"}, HTTP_HOST=ADMIN_HOST)

    assert response.status_code == 404
    assert is_active(public) is True


def test_it_refuses_anything_but_the_buttons_values(staff_client, team_b):
    response = staff_client.post(status_url(team_b.tenant), {"active": "maybe"}, HTTP_HOST=ADMIN_HOST)

    assert response.status_code == 400
    assert is_active(team_b.tenant) is True


def test_it_changes_a_tenant_only_by_post(staff_client, team_b):
    assert staff_client.get(status_url(team_b.tenant), HTTP_HOST=ADMIN_HOST).status_code == 405

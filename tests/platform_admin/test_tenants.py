"""The platform admin's tenants table on admin.<base>: staff only."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.tenancy.models import Tenant
from tests.conftest import ADMIN_HOST, PASSWORD


def rows(response) -> list[str]:
    return [row.record.subdomain for row in response.context["table"].paginated_rows]


def add_tenants(count: int) -> None:
    """Bare tenant rows, no schema: enough for a table."""
    Tenant.objects.bulk_create(
        Tenant(schema_name=f"extra{n}", subdomain=f"extra{n}", name=f"Extra {n}", plan="starter")
        for n in range(count)
    )


# --- Who gets in ----------------------------------------------------------------------------------


def test_it_shows_the_staff_sign_in_page(client, db):
    response = client.get("/login/", HTTP_HOST=ADMIN_HOST)

    assert response.status_code == 200
    assert "Staff sign in" in response.content.decode()


def test_it_signs_staff_in(client, staff):
    response = client.post(
        "/login/", {"username": "staff@innexar.app", "password": PASSWORD}, HTTP_HOST=ADMIN_HOST
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_it_refuses_a_tenant_admins_credentials(client, team_a):
    response = client.post(
        "/login/", {"username": team_a.admin.email, "password": PASSWORD}, HTTP_HOST=ADMIN_HOST
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_sends_anonymous_visitors_to_the_sign_in_page(client, db):
    response = client.get("/", HTTP_HOST=ADMIN_HOST)

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_it_does_not_honour_a_tenant_users_session(client, team_a):
    client.force_login(team_a.admin)

    response = client.get("/", HTTP_HOST=ADMIN_HOST)

    assert response["Location"] == "/login/?next=/"
    assert "_auth_user_id" not in client.session


def test_it_signs_staff_out(staff_client):
    response = staff_client.post("/logout/", HTTP_HOST=ADMIN_HOST)

    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in staff_client.session


# --- The table -------------------------------------------------------------------------------------


def test_it_lists_every_customer_tenant_with_its_details(staff_client, team_a, team_b):
    response = staff_client.get("/", HTTP_HOST=ADMIN_HOST)

    assert response.status_code == 200
    assert sorted(rows(response)) == ["alpha", "beta"]
    alpha = next(row for row in response.context["table"].rows if row.record.subdomain == "alpha")
    assert alpha.get_cell("name") == "Alpha Industries"
    assert alpha.get_cell("subdomain") == '<a href="http://alpha.localhost:8000/">alpha</a>'
    assert alpha.get_cell("plan") == "Professional"
    assert alpha.get_cell("is_active") == '<span class="badge badge-ok">Active</span>'
    assert alpha.get_cell("users_count") == 3
    assert alpha.get_cell("trial_ends_on") == team_a.tenant.trial_ends_on.strftime("%m/%d/%Y")


def test_it_shows_a_suspended_tenant_as_suspended(staff_client, team_b):
    Tenant.objects.filter(pk=team_b.tenant.pk).update(is_active=False)

    response = staff_client.get("/?q=beta", HTTP_HOST=ADMIN_HOST)

    assert (
        response.context["table"].rows[0].get_cell("is_active")
        == '<span class="badge badge-warn">Suspended</span>'
    )


def test_it_searches_by_name_or_subdomain(staff_client, team_a, team_b):
    assert rows(staff_client.get("/?q=TRADING", HTTP_HOST=ADMIN_HOST)) == ["beta"]
    assert rows(staff_client.get("/?q=alp", HTTP_HOST=ADMIN_HOST)) == ["alpha"]


def test_its_search_ignores_accents_and_case_both_ways(staff_client, team_a, team_b):
    Tenant.objects.filter(pk=team_a.tenant.pk).update(name="Padaria São José")
    Tenant.objects.filter(pk=team_b.tenant.pk).update(name="Panaderia Nunez")

    assert rows(staff_client.get("/?q=sao jose", HTTP_HOST=ADMIN_HOST)) == ["alpha"]
    assert rows(staff_client.get("/?q=PADARIA SÃO", HTTP_HOST=ADMIN_HOST)) == ["alpha"]
    assert rows(staff_client.get("/?q=Núñez", HTTP_HOST=ADMIN_HOST)) == ["beta"]


def test_it_filters_by_plan(staff_client, team_a, team_b):
    assert rows(staff_client.get("/?plan=starter", HTTP_HOST=ADMIN_HOST)) == ["beta"]


def test_it_ignores_an_unknown_plan_filter(staff_client, team_a, team_b):
    assert sorted(rows(staff_client.get("/?plan=gold", HTTP_HOST=ADMIN_HOST))) == ["alpha", "beta"]


def test_it_answers_htmx_with_the_table_fragment_only(staff_client, team_a, team_b):
    response = staff_client.get("/?plan=professional", HTTP_HOST=ADMIN_HOST, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="tenants-table"')
    assert "<html" not in page
    assert rows(response) == ["alpha"]
    assert "HX-Request" in response["Vary"]


def test_it_answers_a_history_restore_with_the_whole_page(staff_client, team_a):
    response = staff_client.get(
        "/", HTTP_HOST=ADMIN_HOST, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


def test_it_pages_the_table_by_25(staff_client, team_a, team_b):
    add_tenants(30)

    first = staff_client.get("/", HTTP_HOST=ADMIN_HOST)
    second = staff_client.get("/?page=2", HTTP_HOST=ADMIN_HOST)

    assert len(rows(first)) == 25
    assert len(rows(second)) == 7
    assert "32 tenants" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()


def test_it_counts_users_without_a_query_per_tenant(staff_client, team_a, team_b):
    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            staff_client.get("/", HTTP_HOST=ADMIN_HOST)
        return len(queries)

    queries_for_page()  # the first request of a process also looks up the admin host
    with_two = queries_for_page()
    add_tenants(20)

    assert queries_for_page() == with_two


def test_guessing_a_staff_password_is_throttled(client, staff):
    answers = [
        client.post("/login/", {"username": staff.email, "password": f"guess-{n}"}, HTTP_HOST=ADMIN_HOST).status_code
        for n in range(6)
    ]

    assert answers == [200, 200, 200, 200, 200, 429]
    blocked = client.post("/login/", {"username": staff.email, "password": PASSWORD}, HTTP_HOST=ADMIN_HOST)
    assert blocked.status_code == 429
    assert "Too many sign-in attempts." in blocked.content.decode()
    assert "_auth_user_id" not in client.session

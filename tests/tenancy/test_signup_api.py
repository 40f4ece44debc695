"""POST /api/v1/public/tenants/: a new company gets its workspace, domain and admin at once."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_exists

from modules.accounts.models import Role, User
from modules.accounts.signup import tenant_signup
from modules.tenancy.models import CompanyProfile, Domain, SpareSchema, Tenant
from tests.conftest import on_own_connection

URL = "/api/v1/public/tenants/"


def payload(**overrides):
    body = {
        "name": "ACME Corporation",
        "schema_name": "acme",
        "plan": "professional",
        "admin_user": {"name": "John Doe", "email": "john@acme.com", "password": "Senha@123-Forte"},
    }
    body.update(overrides)
    return body


def test_it_creates_tenant_domain_and_admin(api, db):
    response = api().post(URL, payload())

    assert response.status_code == 201
    body = response.json()
    tenant = Tenant.objects.get(subdomain="acme")
    assert body["id"] == tenant.id
    assert body["name"] == "ACME Corporation"
    assert body["schema_name"] == "acme"
    assert body["plan"] == "professional"
    assert body["domains"] == [{"domain": "acme.localhost", "is_primary": True}]
    admin = User.objects.get(email="john@acme.com")
    assert body["admin_user"] == {"id": admin.id, "name": "John Doe", "email": "john@acme.com"}
    assert admin.role == Role.ADMIN and admin.tenant == tenant
    assert body["access"] and body["refresh"]
    assert (tenant.trial_ends_on - tenant.created_at.date()).days == 14
    assert CompanyProfile.objects.get(tenant=tenant).legal_name == "ACME Corporation"


def test_the_new_workspace_is_usable_at_once(api, db):
    body = api().post(URL, payload()).json()

    client = api(host="acme.localhost")
    client.client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    me = client.get("/api/v1/auth/me/")

    assert me.status_code == 200
    assert me.json()["tenant"]["schema_name"] == "acme"
    assert schema_exists("acme")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM acme.django_migrations")
        assert cursor.fetchone()[0] > 0


def test_it_uses_a_spare_schema_from_the_pool(api, db):
    spares_before = SpareSchema.objects.count()

    api().post(URL, payload())

    assert SpareSchema.objects.count() == spares_before - 1


def test_a_hyphenated_subdomain_maps_to_a_safe_schema_name(api, db):
    response = api().post(URL, payload(schema_name="acme-tools"))

    assert response.status_code == 201
    assert response.json()["schema_name"] == "acme-tools"
    assert response.json()["domains"][0]["domain"] == "acme-tools.localhost"
    assert Tenant.objects.get(subdomain="acme-tools").schema_name == "acme_tools"


def test_a_taken_subdomain_is_refused(api, team_a):
    response = api().post(URL, payload(schema_name="alpha"))

    assert response.status_code == 400
    assert response.json() == {"schema_name": ["This name is already taken."]}


def test_a_taken_admin_email_is_refused(api, team_a):
    response = api().post(URL, payload(admin_user={
        "name": "Someone", "email": team_a.admin.email.upper(), "password": "Senha@123-Forte",
    }))

    assert response.status_code == 400
    assert response.json() == {"admin_user": {"email": ["A user with this email already exists."]}}


@pytest.mark.parametrize("name", ["public", "www", "admin", "api", "app", "static", "media", "mail",
                                  "pg-catalog", "pg-anything", "spare-abc"])
def test_reserved_names_are_refused(api, db, name):
    tenants_before = Tenant.objects.count()

    response = api().post(URL, payload(schema_name=name))

    assert response.status_code == 400
    assert response.json() == {"schema_name": ["This name is reserved. Please choose another one."]}
    assert Tenant.objects.count() == tenants_before


@pytest.mark.parametrize("name", ["ab", "a" * 64, "acme_corp", "-acme", "acme-", "1acme", "ac me", "acmé", "a--b"])
def test_names_that_are_not_dns_labels_are_refused(api, db, name):
    response = api().post(URL, payload(schema_name=name))

    assert response.status_code == 400
    assert list(response.json()) == ["schema_name"]


def test_uppercase_names_are_refused_with_a_clear_message(api, db):
    response = api().post(URL, payload(schema_name="Acme"))

    assert response.json() == {"schema_name": ["Use lowercase letters only."]}


def test_every_missing_field_is_reported(api, db):
    response = api().post(URL, {})

    assert response.status_code == 400
    assert set(response.json()) == {"name", "schema_name", "plan", "admin_user"}


def test_an_unknown_plan_and_a_weak_password_are_refused(api, db):
    response = api().post(URL, payload(plan="gold", admin_user={
        "name": "John", "email": "john@acme.com", "password": "123",
    }))

    assert response.status_code == 400
    assert response.json()["plan"] == ['"gold" is not a valid choice.']
    assert not Tenant.objects.filter(subdomain="acme").exists()


def test_a_weak_password_is_reported_on_the_password_field(api, db):
    response = api().post(URL, payload(admin_user={"name": "John", "email": "john@acme.com", "password": "123"}))

    assert response.status_code == 400
    assert "password" in response.json()["admin_user"]
    assert not Tenant.objects.filter(subdomain="acme").exists()


def test_a_failure_midway_leaves_no_tenant_schema_domain_or_user(team_a):
    """The admin email collides only at INSERT (as in a race between two signups): the schema
    rename, tenant, domain and profile written before it must all roll back. The signup runs on
    a connection of its own, outside the test's transaction: what it does not undo would stay."""
    spares_before = set(SpareSchema.objects.values_list("schema_name", flat=True))

    with pytest.raises(ValidationError) as refused:
        on_own_connection(lambda: tenant_signup(
            name="Racer", subdomain="racer", plan="starter", admin_name="Racer",
            admin_email=team_a.admin.email, admin_password="Senha@123-Forte",
        ))

    assert refused.value.error_list[0].code == "email_taken"
    assert not Tenant.objects.filter(subdomain="racer").exists()
    assert not Domain.objects.filter(domain="racer.localhost").exists()
    assert not schema_exists("racer")
    assert set(SpareSchema.objects.values_list("schema_name", flat=True)) == spares_before
    assert all(schema_exists(name) for name in spares_before)


def test_signup_works_when_the_pool_is_empty(api, db):
    """No spare ready (a burst of signups): the schema is migrated on the spot instead."""
    SpareSchema.objects.all().delete()  # rolled back with the test

    response = api().post(URL, payload(schema_name="burst"))

    assert response.status_code == 201
    assert schema_exists("burst")


def test_errors_are_translated(api, db):
    response = api(language="pt-BR").post(URL, payload(schema_name="admin", plan="gold"))

    assert response.json()["schema_name"] == ["Este nome é reservado. Escolha outro."]
    assert response.json()["plan"] == ['"gold" não é uma escolha válida.']


def test_losing_a_race_for_the_name_is_a_400_not_a_500(team_a):
    """Another signup took the name after this one was validated: the schema rename collides."""
    from modules.accounts.tenant_api import signup_error_for_api

    with pytest.raises(ValidationError) as refused:
        tenant_signup(
            name="Copycat", subdomain="alpha", plan="starter", admin_name="Copycat",
            admin_email="copycat@example.com", admin_password="Senha@123-Forte",
        )

    assert signup_error_for_api(refused.value).detail == {"schema_name": ["This name is already taken."]}
    assert not User.objects.filter(email="copycat@example.com").exists()
    assert Tenant.objects.filter(subdomain="alpha").count() == 1

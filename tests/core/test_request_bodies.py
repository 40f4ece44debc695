"""Bodies built to break the parser: too deep, too large. A 4xx that says why, nothing written."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django_tenants.utils import tenant_context

from modules.accounts.models import User
from modules.crm.models import Lead
from modules.tenancy.models import Tenant

DEEP = "[" * 100_000 + "]" * 100_000


def post_raw(api, path: str, body: str | bytes, **options):
    return api(**options).client.post(path, body, content_type="application/json")


@pytest.mark.parametrize("path", ["/api/v1/public/auth/login/", "/api/v1/public/tenants/"])
def test_a_body_nested_100000_deep_is_refused_before_anyone_signs_in(api, db, path):
    users, tenants = User.objects.count(), Tenant.objects.count()

    response = post_raw(api, path, DEEP)

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The JSON body nests deeper than 32 levels."]}
    assert (User.objects.count(), Tenant.objects.count()) == (users, tenants)


def test_a_body_nested_just_below_pythons_limit_is_refused_too(api, team_a):
    """900 levels parse, then recurse through validation: the depth is checked first."""
    body = json.dumps({"name": "Ana", "email": "ana@example.com", "tags": json.loads("[" * 900 + "]" * 900)})

    response = post_raw(api, "/api/v1/crm/leads/", body, host=team_a.host, user=team_a.admin)

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The JSON body nests deeper than 32 levels."]}
    with tenant_context(team_a.tenant):
        assert not Lead.objects.exists()


def test_the_depth_error_is_translated(api, db):
    response = post_raw(api, "/api/v1/public/auth/login/", DEEP, language="pt-BR")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["O corpo JSON tem mais de 32 níveis de aninhamento."]}


def test_an_ordinary_nested_body_still_works(api, db):
    response = post_raw(api, "/api/v1/public/auth/login/", json.dumps({"email": [[["a"]]], "password": "x"}))

    assert response.status_code == 400
    assert "email" in response.json()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
@pytest.mark.parametrize("language, message", [
    ("en", "The request body is too large."),
    ("es", "El cuerpo de la solicitud es demasiado grande."),
])
def test_a_json_body_over_the_upload_limit_is_a_413(api, team_a, language, message):
    body = json.dumps({"name": "Ana", "email": "ana@example.com", "notes": "x" * 2000})

    response = post_raw(api, "/api/v1/crm/leads/", body, host=team_a.host, user=team_a.admin, language=language)

    assert response.status_code == 413
    assert response.json() == {"detail": message}
    with tenant_context(team_a.tenant):
        assert not Lead.objects.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_multipart_body_over_the_upload_limit_is_a_413_too(api, team_a):
    upload = SimpleUploadedFile("leads.csv", b"name,email\nAna,ana@example.com\n", content_type="text/csv")

    response = api(host=team_a.host, user=team_a.admin).client.post(
        "/api/v1/crm/leads/import/", {"file": upload, "note": "x" * 2000}, format="multipart"
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
    with tenant_context(team_a.tenant):
        assert not Lead.objects.exists()


def test_the_api_reads_json_and_says_so_for_a_form(api, db):
    response = api().client.post(
        "/api/v1/public/auth/login/", "email=a%40example.com&password=x",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 415


def test_a_lone_surrogate_is_refused_before_it_reaches_the_database(api, team_a):
    body = '{"name": "Ana \\ud800", "email": "ana@example.com"}'

    response = post_raw(api, "/api/v1/crm/leads/", body, host=team_a.host, user=team_a.admin)

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The JSON body holds text that is not valid Unicode."]}
    with tenant_context(team_a.tenant):
        assert not Lead.objects.exists()


@pytest.mark.parametrize("field, value, message", [
    ("name", 0, "Not a valid string."),
    ("score", "7", "A valid integer is required."),
    ("tags", ["vip", 7], {"1": ["Not a valid string."]}),
    ("assigned_to", "1", "Incorrect type. Expected pk value, received str."),
])
def test_json_types_are_taken_as_the_schema_states_them(api, team_a, field, value, message):
    body = {"name": "Ana", "email": "ana@example.com", field: value}

    response = api(host=team_a.host, user=team_a.admin).post("/api/v1/crm/leads/", body)

    assert response.status_code == 400
    assert response.json() == {field: message if isinstance(message, dict) else [message]}
    with tenant_context(team_a.tenant):
        assert not Lead.objects.exists()

"""A new workspace starts in its country: the signup's `country`, else the one its language suggests."""

import pytest

from modules.tenancy.models import CompanyProfile, SpareSchema, Tenant
from tests.tenancy.test_signup_api import URL, payload


def company(subdomain: str) -> tuple[str, str, str]:
    profile = CompanyProfile.objects.get(tenant__subdomain=subdomain)
    return profile.country, profile.default_currency, profile.timezone


@pytest.mark.parametrize(("language", "expected"), [
    ("pt-BR", ("BR", "BRL", "America/Sao_Paulo")),
    ("es", ("MX", "MXN", "America/Mexico_City")),
    ("en", ("US", "USD", "America/New_York")),
])
def test_the_language_picks_the_country_when_none_is_sent(api, db, language, expected):
    response = api(language=language).post(URL, payload())

    assert response.status_code == 201
    assert company("acme") == expected


def test_the_country_sent_wins_over_the_language(api, db):
    response = api(language="en").post(URL, payload(country="MX"))

    assert response.status_code == 201
    assert company("acme") == ("MX", "MXN", "America/Mexico_City")


def test_the_language_in_the_body_picks_it_too(api, db):
    api(language="en").post(URL, payload(language="pt-br"))

    assert company("acme") == ("BR", "BRL", "America/Sao_Paulo")


def test_a_workspace_migrated_on_the_spot_starts_in_its_country_too(api, db):
    SpareSchema.objects.all().delete()  # no spare ready: the slow path; rolled back with the test

    response = api(language="es").post(URL, payload(schema_name="taqueria"))

    assert response.status_code == 201
    assert company("taqueria") == ("MX", "MXN", "America/Mexico_City")


def test_an_unknown_country_is_refused_in_the_callers_language_and_nothing_is_written(api, db):
    tenants = Tenant.objects.count()

    response = api(language="pt-BR").post(URL, payload(country="AR"))

    assert response.status_code == 400
    assert response.json() == {"country": ['"AR" não é uma escolha válida.']}
    assert Tenant.objects.count() == tenants

"""Subdomains a phisher would want (login.innexar.app asking for a password) are not for signup."""

import pytest
from django.core.exceptions import ValidationError

from modules.tenancy.validators import validate_subdomain

PHISHING_BAIT = [
    "login", "auth", "accounts", "docs", "billing", "support", "help", "status", "root", "postgres",
    "localhost", "mail", "smtp", "static", "media", "assets", "cdn", "app", "dashboard", "security",
    "secure", "sso", "oauth", "webhooks", "signin", "password", "payments", "webmail", "innexar",
]


@pytest.mark.parametrize("name", PHISHING_BAIT)
def test_a_name_a_phisher_would_want_is_reserved(name):
    with pytest.raises(ValidationError) as refused:
        validate_subdomain(name)

    assert refused.value.code == "reserved"


def test_the_signup_api_says_the_name_is_reserved(api, db):
    response = api(language="pt-br").post("/api/v1/public/tenants/", {
        "name": "Login Co", "schema_name": "login", "plan": "starter",
        "admin_user": {"name": "Eve", "email": "eve@login.example.com", "password": "Correct-Horse-42"},
    })

    assert response.status_code == 400
    assert response.json()["schema_name"] == ["Este nome é reservado. Escolha outro."]


@pytest.mark.parametrize("name", ["acme", "login-tools", "my-support-desk"])
def test_ordinary_names_stay_free(name):
    validate_subdomain(name)

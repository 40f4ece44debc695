"""Signing up on the marketing site: the same tenant_signup service the API calls."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import RequestFactory
from rest_framework.request import Request

from modules.accounts.models import Role, User
from modules.accounts.throttles import SignupThrottle
from modules.tenancy.models import Tenant
from tests.conftest import PASSWORD, PUBLIC_HOST


def form(**changes) -> dict:
    return {
        "name": "Newco Ltda",
        "subdomain": "newco",
        "plan": "professional",
        "admin_name": "Nina Newco",
        "email": "Nina@Newco.example.com",
        "password": PASSWORD,
        **changes,
    }


@pytest.fixture
def signup(client, db):
    def post(**changes):
        return client.post("/signup/", form(**changes), HTTP_HOST=PUBLIC_HOST)

    return post


def test_it_shows_the_signup_form(client, db):
    response = client.get("/signup/", HTTP_HOST=PUBLIC_HOST)

    assert response.status_code == 200
    page = response.content.decode()
    for name in ("name", "subdomain", "plan", "admin_name", "email", "password"):
        assert f'name="{name}"' in page
    assert "Professional · $79.00/month" in page


def test_it_preselects_the_plan_chosen_on_the_pricing_page(client, db):
    page = client.get("/signup/?plan=starter", HTTP_HOST=PUBLIC_HOST).content.decode()

    assert 'value="starter" id="id_plan_0" required checked' in page
    assert 'value="professional" id="id_plan_1" required>' in page


def test_it_creates_the_tenant_and_its_admin(signup):
    response = signup()

    assert response.status_code == 302
    tenant = Tenant.objects.get(subdomain="newco")
    assert (tenant.name, tenant.plan, tenant.schema_name) == ("Newco Ltda", "professional", "newco")
    admin = User.objects.get(tenant=tenant)
    assert (admin.email, admin.name, admin.role, admin.language) == (
        "nina@newco.example.com",
        "Nina Newco",
        Role.ADMIN,
        "en",
    )
    assert admin.check_password(PASSWORD)


def test_it_sends_the_new_admin_to_their_workspace_with_a_one_time_token(signup):
    response = signup()

    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc, location.path) == (
        "http",
        "newco.localhost:8000",
        "/auth/handoff/",
    )
    assert len(parse_qs(location.query)["token"]) == 1


def test_it_signs_up_in_the_visitors_language(client, db):
    client.post("/signup/", form(), HTTP_HOST=PUBLIC_HOST, HTTP_ACCEPT_LANGUAGE="pt-BR")

    assert User.objects.get(email="nina@newco.example.com").language == "pt-br"
    assert Tenant.objects.get(subdomain="newco").company.language == "pt-br"


@pytest.mark.parametrize(
    ("subdomain", "message"),
    [
        ("new_co", "Use 3 to 63 lowercase letters, digits or hyphens, starting with a letter."),
        ("9lives", "Use 3 to 63 lowercase letters, digits or hyphens, starting with a letter."),
        ("admin", "This name is reserved. Please choose another one."),
        ("spare-one", "This name is reserved. Please choose another one."),
    ],
)
def test_it_refuses_a_subdomain_the_service_refuses(signup, subdomain, message):
    response = signup(subdomain=subdomain)

    assert response.status_code == 422
    assert response.context["form"].errors == {"subdomain": [message]}
    assert message in response.content.decode()
    assert not Tenant.objects.filter(name="Newco Ltda").exists()


def test_an_address_typed_with_capitals_is_taken_in_lowercase(signup):
    response = signup(subdomain=" NewCo ")

    assert response.status_code == 302
    assert Tenant.objects.filter(subdomain="newco").exists()


def test_every_problem_shows_in_one_round(signup, team_a):
    response = signup(subdomain="new_co", email="ADMIN@alpha.example.com", password="12345678")

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "subdomain": ["Use 3 to 63 lowercase letters, digits or hyphens, starting with a letter."],
        "email": ["A user with this email already exists."],
        "password": ["This password is too common.", "This password is entirely numeric."],
    }


def test_it_refuses_a_subdomain_already_taken(signup, team_a):
    response = signup(subdomain="alpha")

    assert response.status_code == 422
    assert response.context["form"].errors == {"subdomain": ["This name is already taken."]}


def test_it_refuses_an_email_already_registered_whatever_its_case(signup, team_a):
    response = signup(email="ADMIN@alpha.example.com")

    assert response.status_code == 422
    assert response.context["form"].errors == {"email": ["A user with this email already exists."]}
    assert not Tenant.objects.filter(subdomain="newco").exists()


def test_it_refuses_a_weak_password_with_the_validators_reasons(signup):
    response = signup(password="12345678")

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "password": ["This password is too common.", "This password is entirely numeric."]
    }
    assert not Tenant.objects.filter(subdomain="newco").exists()


def test_it_refuses_a_password_too_like_the_admins_email(signup):
    response = signup(email="margarida@newco.example.com", password="margarida1")

    assert response.status_code == 422
    assert response.context["form"].errors == {"password": ["The password is too similar to the email."]}


def test_it_requires_every_field(signup):
    response = signup(name="", subdomain="", admin_name="", email="", password="")

    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"name", "subdomain", "admin_name", "email", "password"}


def test_it_refuses_an_unknown_plan(signup):
    response = signup(plan="platinum")

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "plan": ["Select a valid choice. platinum is not one of the available choices."]
    }


def test_it_shares_the_apis_signup_limit_per_address(signup):
    api_signup = Request(RequestFactory().post("/api/v1/public/register/"))
    for _ in range(20):  # the API's INNEXAR_SIGNUP_RATE: 20 an hour from one address
        assert SignupThrottle().allow_request(api_signup, None)

    response = signup()

    assert response.status_code == 429
    assert "Too many sign-ups from your network." in response.content.decode()
    assert not Tenant.objects.filter(subdomain="newco").exists()


def test_it_shows_a_lost_race_for_the_name_or_email_beside_the_field(db):
    """Another signup took the name or the email after this form was validated."""
    from django.core.exceptions import ValidationError

    from modules.marketing.forms import SignupForm

    form = SignupForm(data={})
    form.is_valid()
    form.add_signup_error(ValidationError([
        ValidationError("This name is already taken.", code="taken"),
        ValidationError("A user with this email already exists.", code="email_taken"),
    ]))

    assert form.errors["subdomain"] == ["This field is required.", "This name is already taken."]
    assert form.errors["email"] == ["This field is required.", "A user with this email already exists."]


# --- The country -------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "country"), [("pt-BR", "BR"), ("es", "MX"), ("en", "US")])
def test_the_form_offers_the_country_its_language_suggests(client, db, language, country):
    page = client.get("/signup/", HTTP_HOST=PUBLIC_HOST, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f'<option value="{country}" selected>' in page


def test_the_country_chosen_sets_currency_and_time_zone(signup):
    signup(country="MX")

    profile = Tenant.objects.get(subdomain="newco").company
    assert (profile.country, profile.default_currency, profile.timezone) == ("MX", "MXN", "America/Mexico_City")


def test_left_out_the_country_follows_the_language(client, db):
    client.post("/signup/", form(), HTTP_HOST=PUBLIC_HOST, HTTP_ACCEPT_LANGUAGE="pt-BR")

    profile = Tenant.objects.get(subdomain="newco").company
    assert (profile.country, profile.default_currency, profile.timezone) == ("BR", "BRL", "America/Sao_Paulo")


def test_an_unknown_country_is_refused_and_nothing_is_created(signup):
    response = signup(country="AR")

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["country"]
    assert not Tenant.objects.filter(subdomain="newco").exists()

"""Signup cannot be used to list the platform's accounts at speed, nor its staff at all.

The spec answers a signup with 201 and tokens at once, so an address that already has an
account must be refused there and then: that much is told (docs/security.md). What is
not: every attempt counts against the per-address limit, refused ones too; and the platform's
own mail domains (where staff addresses live) are refused alike whether or not an account exists.
"""

import pytest

from modules.accounts.models import User
from modules.tenancy.models import Tenant
from tests.conftest import PASSWORD, PUBLIC_HOST

SIGNUP = "/api/v1/public/tenants/"
RESERVED = "Addresses at this domain cannot be used for a workspace account."


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_superuser("staff@innexar.app", PASSWORD, name="Sam Staff")


def api_payload(email: str) -> dict:
    return {
        "name": "Probe", "schema_name": "probe", "plan": "starter",
        "admin_user": {"name": "Probe", "email": email, "password": "Senha@123-Forte"},
    }


def page_form(email: str) -> dict:
    return {"name": "Probe", "subdomain": "probe", "plan": "starter", "admin_name": "Probe",
            "email": email, "password": PASSWORD}


def test_the_api_answers_a_staff_address_as_any_address_at_the_platforms_domain(api, staff):
    staff_answer = api().post(SIGNUP, api_payload("staff@innexar.app"))
    nobody_answer = api().post(SIGNUP, api_payload("nobody@innexar.app"))

    assert staff_answer.status_code == nobody_answer.status_code == 400
    assert staff_answer.json() == nobody_answer.json() == {"admin_user": {"email": [RESERVED]}}
    assert not Tenant.objects.filter(subdomain="probe").exists()


def test_the_page_answers_a_staff_address_as_any_address_at_the_platforms_domain(client, staff):
    staff_answer = client.post("/signup/", page_form("staff@innexar.app"), HTTP_HOST=PUBLIC_HOST)
    nobody_answer = client.post("/signup/", page_form("nobody@innexar.app"), HTTP_HOST=PUBLIC_HOST)

    assert staff_answer.status_code == nobody_answer.status_code == 422
    assert staff_answer.context["form"].errors == nobody_answer.context["form"].errors == {"email": [RESERVED]}


def test_an_invitation_answers_a_staff_address_as_any_address_at_the_platforms_domain(api, team_a, staff):
    client = api(user=team_a.admin)
    staff_answer = client.post("/api/v1/users/", {"email": "staff@innexar.app", "name": "S"})
    nobody_answer = client.post("/api/v1/users/", {"email": "nobody@innexar.app", "name": "N"})

    assert staff_answer.status_code == nobody_answer.status_code == 400
    assert staff_answer.json() == nobody_answer.json() == {"email": [RESERVED]}


def test_every_refused_attempt_on_the_page_counts_against_the_limit(client, team_a):
    answers = [
        client.post("/signup/", page_form(f"probe{n}@example.com") | {"password": ""}, HTTP_HOST=PUBLIC_HOST)
        for n in range(20)
    ]

    response = client.post("/signup/", page_form(team_a.user.email), HTTP_HOST=PUBLIC_HOST)

    assert [answer.status_code for answer in answers] == [422] * 20
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many sign-ups from your network." in page
    assert "A user with this email already exists." not in page


def test_every_refused_attempt_on_the_api_counts_against_the_limit(api, team_a):
    client = api()
    answers = [client.post(SIGNUP, api_payload(f"probe{n}@example.com") | {"plan": "x"}).status_code
               for n in range(20)]

    response = client.post(SIGNUP, api_payload(team_a.user.email))

    assert answers == [400] * 20
    assert response.status_code == 429


def test_a_workspaces_subdomain_is_not_a_platform_mail_domain(api, db):
    response = api().post(SIGNUP, api_payload("ana@acme.innexar.app"))

    assert response.status_code == 201

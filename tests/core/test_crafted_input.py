"""Crafted input answers a 4xx with a translated message and writes nothing, never a 500."""

import pytest

from modules.accounts.models import User
from modules.tenancy.models import Tenant

USERS = "/api/v1/users/"
HTMX = {"HTTP_HX_REQUEST": "true"}
ONE_LINE = "Enter a single line of text, without line breaks or control characters."


@pytest.mark.parametrize("pk", ["abc", "null,null", "99999999999999999999999"])
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_a_user_id_that_is_no_number_is_not_found(api, team_a, pk, method):
    response = getattr(api(user=team_a.admin, language="es"), method)(f"{USERS}{pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No encontrado."}


def test_an_invitation_with_a_line_break_in_the_name_is_refused_and_saves_nobody(api, team_a):
    response = api(user=team_a.admin).post(USERS, {"email": "eve@alpha.example.com", "name": "Eve\r\nBcc: x@evil.test"})

    assert response.status_code == 400
    assert response.json() == {"name": [ONE_LINE]}
    assert not User.objects.filter(email="eve@alpha.example.com").exists()


def test_the_team_page_refuses_a_line_break_in_a_name(client, team_a):
    client.force_login(team_a.admin)

    response = client.post(
        "/settings/team/invite/",
        {"email": "eve@alpha.example.com", "name": "Eve\nX", "role": "user", "language": "en"},
        HTTP_HOST=team_a.host, **HTMX,
    )

    assert response.status_code == 422
    assert ONE_LINE in response.content.decode()
    assert not User.objects.filter(email="eve@alpha.example.com").exists()


def test_a_signup_with_a_line_break_in_the_company_name_is_refused(api, db):
    response = api().post("/api/v1/public/tenants/", {
        "name": "Evil\r\nCorp", "schema_name": "evil-corp", "plan": "starter",
        "admin_user": {"name": "Eve", "email": "eve@evil.example.com", "password": "Correct-Horse-42"},
    })

    assert response.status_code == 400
    assert response.json() == {"name": [ONE_LINE]}
    assert not Tenant.objects.filter(subdomain="evil-corp").exists()


def test_a_name_saved_before_the_rule_does_not_break_the_mail(
    api, team_a, mailoutbox, django_capture_on_commit_callbacks
):
    Tenant.objects.filter(pk=team_a.tenant.pk).update(name="Alpha\r\nIndustries")
    User.objects.filter(pk=team_a.admin.pk).update(name="Old\nAdmin")

    with django_capture_on_commit_callbacks(execute=True):
        invited = api(user=team_a.admin).post(USERS, {"email": "nia@alpha.example.com", "name": "Nia"})
        reset = api().post("/api/v1/public/auth/password/reset/", {"email": team_a.user.email})

    assert invited.status_code == 201 and reset.status_code == 200
    assert [mail.subject for mail in mailoutbox] == [
        "Old Admin invited you to Alpha Industries on Innexar",
        "Reset your password for Alpha Industries on Innexar",
    ]

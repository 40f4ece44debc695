"""Team management on /settings/team/: admins invite, change roles, deactivate and reactivate;
managers look; plain users and other tenants are refused, and nothing changes.

The rules themselves (one active admin at least, nobody deactivates themself) belong to
modules.accounts.services; these tests check that the page carries them out and shows their
refusals in the teammate's row."""

import pytest

from modules.accounts.models import Role, User

TEAM = "/settings/team/"
INVITE = "/settings/team/invite/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def member_url(user: User) -> str:
    return f"/settings/team/{user.pk}/"


def invitation(**changes) -> dict:
    return {"email": "nora@alpha.example.com", "name": "Nora New", "role": "manager", "language": "es", **changes}


def state_of(user: User) -> tuple[str, bool]:
    user = User.objects.get(pk=user.pk)
    return user.role, user.is_active


@pytest.fixture
def admin_client(client, team_a):
    client.force_login(team_a.admin)
    return client


# --- The page -----------------------------------------------------------------------------------


def test_it_gives_an_admin_the_invitation_form_and_each_rows_controls(admin_client, team_a):
    response = admin_client.get(TEAM, HTTP_HOST=team_a.host)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'action="/settings/team/invite/"' in page
    assert response.context["invite_form"].initial == {"language": "en"}
    row = f'<tr id="member-{team_a.user.pk}"'
    assert row in page
    assert f'action="/settings/team/{team_a.user.pk}/" class="inline-form"' in page
    assert f'hx-post="/settings/team/{team_a.user.pk}/" hx-target="closest tr"' in page
    assert "Deactivate Alpha Industries User? They will no longer be able to sign in." in page


def test_it_shows_a_manager_the_team_read_only(client, team_a):
    client.force_login(team_a.manager)

    response = client.get(TEAM, HTTP_HOST=team_a.host)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Only admins can change the team." in page
    assert "/settings/team/invite/" not in page
    assert f"/settings/team/{team_a.user.pk}/" not in page
    assert [column.name for column in response.context["table"].columns] == [
        "name", "email", "role", "is_active", "date_joined",
    ]


# --- Inviting -----------------------------------------------------------------------------------


def test_it_invites_a_teammate_and_goes_back_to_the_team(
    admin_client, team_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(INVITE, invitation(), HTTP_HOST=team_a.host)

    assert response.status_code == 302
    assert response["Location"] == TEAM
    nora = User.objects.get(email="nora@alpha.example.com")
    assert (nora.name, nora.tenant, nora.role, nora.language) == ("Nora New", team_a.tenant, Role.MANAGER, "es")
    assert not nora.has_usable_password()
    assert mailoutbox[0].to == ["nora@alpha.example.com"]
    page = admin_client.get(TEAM, HTTP_HOST=team_a.host).content.decode()
    assert "Invitation sent to nora@alpha.example.com." in page


def test_it_answers_an_htmx_invitation_with_the_team_panel_and_a_blank_form(admin_client, team_a):
    response = admin_client.post(INVITE, invitation(), HTTP_HOST=team_a.host, **HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="team-panel">')
    assert "<html" not in page
    assert "Invitation sent to nora@alpha.example.com." in page
    assert not response.context["invite_form"].is_bound
    nora = User.objects.get(email="nora@alpha.example.com")
    assert f'<tr id="member-{nora.pk}"' in page


def test_it_shows_the_services_refusal_beside_the_email(admin_client, team_a, team_b):
    response = admin_client.post(INVITE, invitation(email=team_b.user.email), HTTP_HOST=team_a.host, **HTMX)

    assert response.status_code == 422
    assert response.context["invite_form"].errors == {"email": ["A user with this email already exists."]}
    assert response.content.decode().lstrip().startswith('<div id="team-panel">')
    assert User.objects.get(email=team_b.user.email).tenant == team_b.tenant


def test_it_shows_form_errors_on_the_whole_page_without_javascript(admin_client, team_a):
    response = admin_client.post(INVITE, invitation(email="not-an-email", role="owner"), HTTP_HOST=team_a.host)

    assert response.status_code == 422
    assert "<html" in response.content.decode()
    assert set(response.context["invite_form"].errors) == {"email", "role"}
    assert User.objects.filter(tenant=team_a.tenant).count() == 3


@pytest.mark.parametrize("who", ["manager", "user"])
def test_it_refuses_invitations_from_anyone_but_an_admin(client, team_a, who):
    client.force_login(getattr(team_a, who))

    response = client.post(INVITE, invitation(), HTTP_HOST=team_a.host)

    assert response.status_code == 403
    assert "Only admins can change the team." in response.content.decode()
    assert not User.objects.filter(email="nora@alpha.example.com").exists()


# --- Changing a teammate ------------------------------------------------------------------------


def test_it_changes_a_role_and_goes_back_to_the_team(admin_client, team_a):
    response = admin_client.post(member_url(team_a.user), {"role": "manager"}, HTTP_HOST=team_a.host)

    assert response.status_code == 302
    assert response["Location"] == TEAM
    assert state_of(team_a.user) == (Role.MANAGER, True)
    page = admin_client.get(TEAM, HTTP_HOST=team_a.host).content.decode()
    assert "Changes to Alpha Industries User were saved." in page


def test_it_answers_an_htmx_role_change_with_the_row_alone(admin_client, team_a):
    response = admin_client.post(member_url(team_a.user), {"role": "manager"}, HTTP_HOST=team_a.host, **HTMX)

    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="member-{team_a.user.pk}"')
    assert row.rstrip().endswith("</tr>")
    assert "<td >Manager</td>" in row
    assert '<option value="manager" selected>Manager</option>' in row
    assert state_of(team_a.user) == (Role.MANAGER, True)


def test_it_deactivates_a_teammate_in_place(admin_client, team_a):
    response = admin_client.post(member_url(team_a.user), {"is_active": "false"}, HTTP_HOST=team_a.host, **HTMX)

    assert response.status_code == 200
    row = response.content.decode()
    assert '<span class="badge badge-muted">Deactivated</span>' in row
    assert '<input type="hidden" name="is_active" value="true">' in row
    assert state_of(team_a.user) == (Role.USER, False)


def test_it_reactivates_a_teammate(admin_client, team_a):
    User.objects.filter(pk=team_a.user.pk).update(is_active=False)

    response = admin_client.post(member_url(team_a.user), {"is_active": "true"}, HTTP_HOST=team_a.host)

    assert response.status_code == 302
    assert state_of(team_a.user) == (Role.USER, True)


def test_it_shows_the_last_admin_rule_in_the_row(admin_client, team_a):
    response = admin_client.post(member_url(team_a.admin), {"role": "user"}, HTTP_HOST=team_a.host, **HTMX)

    assert response.status_code == 422
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="member-{team_a.admin.pk}"')
    assert '<small class="field-error" role="alert">A workspace needs at least one active admin.</small>' in row
    assert '<option value="admin" selected>Admin</option>' in row
    assert state_of(team_a.admin) == (Role.ADMIN, True)


def test_it_shows_that_admins_cannot_deactivate_themselves(admin_client, team_a):
    response = admin_client.post(member_url(team_a.admin), {"is_active": "false"}, HTTP_HOST=team_a.host, **HTMX)

    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.content.decode()
    assert state_of(team_a.admin) == (Role.ADMIN, True)


def test_it_shows_the_refusal_in_the_row_of_the_whole_page_without_javascript(admin_client, team_a):
    response = admin_client.post(member_url(team_a.admin), {"role": "user"}, HTTP_HOST=team_a.host)

    assert response.status_code == 422
    page = response.content.decode()
    assert "<html" in page
    row = page[page.index(f'<tr id="member-{team_a.admin.pk}"'):]
    assert row[: row.index("</tr>")].count("A workspace needs at least one active admin.") == 1
    assert state_of(team_a.admin) == (Role.ADMIN, True)


@pytest.mark.parametrize("language, message", [
    ("pt-br", "O espaço de trabalho precisa de pelo menos um administrador ativo."),
    ("es", "Un espacio de trabajo necesita al menos un administrador activo."),
])
def test_it_speaks_the_admins_language_when_refusing(client, team_a, language, message):
    User.objects.filter(pk=team_a.admin.pk).update(language=language)
    client.force_login(team_a.admin)

    response = client.post(member_url(team_a.admin), {"role": "user"}, HTTP_HOST=team_a.host, **HTMX)

    assert response.status_code == 422
    assert message in response.content.decode()


def test_it_refuses_an_unknown_role(admin_client, team_a):
    response = admin_client.post(member_url(team_a.user), {"role": "owner"}, HTTP_HOST=team_a.host, **HTMX)

    assert response.status_code == 422
    assert "Select a valid choice. owner is not one of the available choices." in response.content.decode()
    assert state_of(team_a.user) == (Role.USER, True)


@pytest.mark.parametrize("who", ["manager", "user"])
def test_it_refuses_changes_from_anyone_but_an_admin(client, team_a, who):
    client.force_login(getattr(team_a, who))

    response = client.post(member_url(team_a.user), {"role": "admin", "is_active": "false"}, HTTP_HOST=team_a.host)

    assert response.status_code == 403
    assert state_of(team_a.user) == (Role.USER, True)


def test_it_does_not_find_another_tenants_teammate(admin_client, team_a, team_b):
    for data in ({"role": "user"}, {"is_active": "false"}):
        response = admin_client.post(member_url(team_b.admin), data, HTTP_HOST=team_a.host, **HTMX)

        assert response.status_code == 404
    assert state_of(team_b.admin) == (Role.ADMIN, True)


def test_it_changes_teammates_only_by_post(admin_client, team_a):
    assert admin_client.get(member_url(team_a.user), HTTP_HOST=team_a.host).status_code == 405
    assert admin_client.get(INVITE, HTTP_HOST=team_a.host).status_code == 405


def test_it_sends_anonymous_visitors_to_sign_in(client, team_a):
    response = client.post(member_url(team_a.user), {"is_active": "false"}, HTTP_HOST=team_a.host)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert state_of(team_a.user) == (Role.USER, True)

"""Team management on /settings/team/: admins invite, change roles, deactivate and reactivate;
managers look; plain users and other tenants are refused, and nothing changes.

The rules themselves (one active admin at least, nobody deactivates themself) belong to
modules.accounts.services; these tests check that the page carries them out and shows their
refusals in the teammate's row."""

import re

import pytest
from django.conf import settings

from modules.accounts import services as accounts_services
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


def row_of(page: str, user: User) -> str:
    row = page[page.index(f'<tr id="member-{user.pk}"'):]
    return row[: row.index("</tr>")]


def cells_of(row: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)


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


def test_it_fits_an_admins_controls_in_three_columns(admin_client, team_a):
    """The role select shows the role, so no read-only copy of it (nor the date joined) widens
    the table and pushes the controls past its right edge: name (with email), status, role."""
    response = admin_client.get(TEAM, HTTP_HOST=team_a.host)

    assert [column.name for column in response.context["table"].columns] == ["name", "is_active", "role"]
    page = response.content.decode()
    assert ">Joined<" not in page and ">Actions<" not in page
    name, status, role = cells_of(row_of(page, team_a.user))
    assert "Alpha Industries User" in name
    assert '<a href="mailto:user@alpha.example.com">user<wbr>@alpha<wbr>.example<wbr>.com</a>' in name
    assert '<span class="badge badge-ok">Active</span>' in status
    assert f'<select name="role" id="member-{team_a.user.pk}-role"' in role
    assert '<option value="user" selected>User</option>' in role
    assert "Deactivate" in role


def test_it_shows_a_manager_the_team_read_only(client, team_a):
    client.force_login(team_a.manager)

    response = client.get(TEAM, HTTP_HOST=team_a.host)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Only admins can change the team." in page
    assert "/settings/team/invite/" not in page
    assert f"/settings/team/{team_a.user.pk}/" not in page
    assert [column.name for column in response.context["table"].columns] == ["name", "is_active", "role"]
    # No controls, so the role is written out.
    assert 'name="role"' not in page
    assert cells_of(row_of(page, team_a.user))[2].strip() == "User"
    assert cells_of(row_of(page, team_a.manager))[2].strip() == "Manager"


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


def test_it_shows_an_invitee_as_invited_until_they_choose_a_password(admin_client, team_a):
    admin_client.post(INVITE, invitation(), HTTP_HOST=team_a.host, **HTMX)
    nora = User.objects.get(email="nora@alpha.example.com")

    page = admin_client.get(TEAM, HTTP_HOST=team_a.host).content.decode()

    status = cells_of(row_of(page, nora))[1]
    assert '<span class="badge badge-warn">Invited</span>' in status
    assert "Active" not in status

    # The emailed link: she chooses her password, and she is in.
    uid, token, _url = accounts_services.password_reset_link(nora)
    accounts_services.password_reset_confirm(uid=uid, token=token, new_password="Nora-Chooses-42!")

    page = admin_client.get(TEAM, HTTP_HOST=team_a.host).content.decode()
    assert '<span class="badge badge-ok">Active</span>' in cells_of(row_of(page, nora))[1]


def test_it_shows_a_deactivated_invitee_as_deactivated(admin_client, team_a):
    admin_client.post(INVITE, invitation(), HTTP_HOST=team_a.host, **HTMX)
    nora = User.objects.get(email="nora@alpha.example.com")

    response = admin_client.post(member_url(nora), {"is_active": "false"}, HTTP_HOST=team_a.host, **HTMX)

    assert '<span class="badge badge-muted">Deactivated</span>' in cells_of(response.content.decode())[1]


@pytest.mark.parametrize("language", ["pt-br", "es"])
def test_it_offers_the_invitation_in_the_language_the_admin_is_using(admin_client, team_a, language):
    """The admin's profile says English; the switcher says otherwise, and that is what they read."""
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = admin_client.get(TEAM, HTTP_HOST=team_a.host)

    assert response.context["invite_form"].initial == {"language": language}
    assert f'<option value="{language}" selected>' in response.content.decode()


def test_it_offers_the_next_invitation_in_the_admins_language_too(admin_client, team_a):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"

    response = admin_client.post(INVITE, invitation(), HTTP_HOST=team_a.host, **HTMX)

    assert response.context["invite_form"].initial == {"language": "pt-br"}


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
    assert "<html" not in row
    assert '<option value="manager" selected>Manager</option>' in row
    assert '<small class="muted" role="status">Saved</small>' in row
    assert state_of(team_a.user) == (Role.MANAGER, True)


def test_it_clears_the_invitation_note_when_a_row_changes(admin_client, team_a):
    page = admin_client.post(INVITE, invitation(), HTTP_HOST=team_a.host, **HTMX).content.decode()
    assert '<div id="invite-status"><p class="message message-success" role="status">Invitation sent' in page

    response = admin_client.post(member_url(team_a.user), {"role": "manager"}, HTTP_HOST=team_a.host, **HTMX)

    # After the row, out of band: the note about the earlier invitation is emptied. A <template>
    # holds it, because a <div> may not stand beside a <tr>.
    row = response.content.decode()
    assert row.rstrip().endswith('<template><div id="invite-status" hx-swap-oob="innerHTML"></div></template>')
    assert row.index("</tr>") < row.index("<template>")


def test_it_deactivates_a_teammate_in_place(admin_client, team_a):
    response = admin_client.post(member_url(team_a.user), {"is_active": "false"}, HTTP_HOST=team_a.host, **HTMX)

    assert response.status_code == 200
    row = response.content.decode()
    assert '<span class="badge badge-muted">Deactivated</span>' in row
    assert '<input type="hidden" name="is_active" value="true">' in row
    assert f'<button type="submit" id="member-{team_a.user.pk}-status" class="small">Reactivate</button>' in row
    assert '<small class="muted" role="status">Saved</small>' in row
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
    assert "Saved" not in row
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

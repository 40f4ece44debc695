"""An address is one account and one rate-limit bucket, however it is spelled.

PostgreSQL's case-insensitive match folds `ı` (dotless i) to `I` and `ſ` (long s) to `S`, while
the limits were keyed on Python's `lower()`: a look-alike spelling reached the account with a
bucket of its own. Now every door refuses look-alike spellings, and the per-account limits count
against the account an address resolves to.
"""

import importlib

import pytest

from modules.accounts.models import User
from tests.conftest import ADMIN_HOST, PASSWORD

LOGIN = "/api/v1/public/auth/login/"
RESET = "/api/v1/public/auth/password/reset/"
USERS = "/api/v1/users/"
LOOK_ALIKE = "This email address contains look-alike characters. Type it with ordinary letters."

# user@alpha.example.com and admin@alpha.example.com, spelled with a long s and a dotless i.
LONG_S_USER = "u\u017fer@alpha.example.com"
DOTLESS_I_ADMIN = "adm\u0131n@alpha.example.com"
LONG_S_STAFF = "\u017ftaff@innexar.app"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- API login ---------------------------------------------------------------------------------


@pytest.mark.parametrize("email", [LONG_S_USER, DOTLESS_I_ADMIN])
def test_api_login_refuses_a_look_alike_spelling_with_the_right_password(api, team_a, email):
    response = api().post(LOGIN, {"email": email, "password": PASSWORD})

    assert response.status_code == 400
    assert response.json() == {"email": [LOOK_ALIKE]}


def test_api_login_refusal_is_translated(api, team_a):
    response = api(language="pt-BR").post(LOGIN, {"email": LONG_S_USER, "password": PASSWORD})

    assert response.json() == {
        "email": ["Este endereço de e-mail contém caracteres parecidos com outros. Digite-o com letras comuns."]
    }


def test_a_look_alike_spelling_counts_against_the_accounts_own_limit(api, team_a):
    client = api()
    for n in range(5):
        client.post(LOGIN, {"email": team_a.user.email, "password": f"guess-{n}"})

    response = client.post(LOGIN, {"email": LONG_S_USER, "password": PASSWORD})

    assert response.status_code == 429


def test_any_letter_case_still_signs_in(api, team_a):
    response = api().post(LOGIN, {"email": "USER@Alpha.Example.com", "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["user"]["email"] == "user@alpha.example.com"


# --- Workspace sign-in (allauth) ---------------------------------------------------------------


def test_workspace_sign_in_refuses_a_look_alike_spelling(client, team_a):
    response = client.post(
        "/accounts/login/", {"login": DOTLESS_I_ADMIN, "password": PASSWORD}, HTTP_HOST=team_a.host
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"login": [LOOK_ALIKE]}
    assert "_auth_user_id" not in client.session


def test_workspace_sign_in_limits_the_account_whatever_the_letter_case(client, team_a):
    for n in range(5):
        client.post("/accounts/login/", {"login": team_a.user.email, "password": f"guess-{n}"}, HTTP_HOST=team_a.host)

    response = client.post(
        "/accounts/login/", {"login": "USER@alpha.example.com", "password": PASSWORD}, HTTP_HOST=team_a.host
    )

    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- Platform admin sign-in ----------------------------------------------------------------------


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_superuser("staff@innexar.app", PASSWORD, name="Sam Staff")


def test_staff_sign_in_refuses_a_look_alike_spelling(client, staff):
    response = client.post("/login/", {"username": LONG_S_STAFF, "password": PASSWORD}, HTTP_HOST=ADMIN_HOST)

    assert response.status_code == 200
    assert response.context["form"].errors == {"username": [LOOK_ALIKE]}
    assert "_auth_user_id" not in client.session


def test_a_look_alike_spelling_counts_against_the_staff_accounts_limit(client, staff):
    for n in range(5):
        client.post("/login/", {"username": staff.email, "password": f"guess-{n}"}, HTTP_HOST=ADMIN_HOST)

    response = client.post("/login/", {"username": LONG_S_STAFF, "password": PASSWORD}, HTTP_HOST=ADMIN_HOST)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- Password reset ------------------------------------------------------------------------------


def test_reset_api_refuses_a_look_alike_spelling_and_mails_nothing(api, team_a, mailoutbox, commit):
    with commit():
        response = api().post(RESET, {"email": LONG_S_USER})

    assert response.status_code == 400
    assert response.json() == {"email": [LOOK_ALIKE]}
    assert mailoutbox == []


def test_a_look_alike_spelling_counts_against_the_accounts_reset_limit(api, team_a, mailoutbox, commit):
    client = api()
    with commit():
        for _ in range(5):  # INNEXAR_PASSWORD_RESET_RATE: 5 an hour
            client.post(RESET, {"email": team_a.user.email})
        response = client.post(RESET, {"email": LONG_S_USER})

    assert response.status_code == 429
    assert len(mailoutbox) == 5


def test_reset_page_refuses_a_look_alike_spelling_and_mails_nothing(client, team_a, mailoutbox, commit):
    with commit():
        response = client.post("/password/reset/", {"email": LONG_S_USER}, HTTP_HOST=team_a.host)

    assert response.status_code == 422
    assert response.context["form"].errors == {"email": [LOOK_ALIKE]}
    assert mailoutbox == []


# --- New accounts store the canonical form ---------------------------------------------------


def test_an_invitation_refuses_a_look_alike_spelling_and_creates_nobody(api, team_a):
    response = api(user=team_a.admin).post(USERS, {"email": "ne\u017f@alpha.example.com", "name": "Nes"})

    assert response.status_code == 400
    assert response.json() == {"email": [LOOK_ALIKE]}
    assert User.objects.filter(tenant=team_a.tenant).count() == 3


def test_the_invite_page_refuses_a_look_alike_spelling(client, team_a):
    client.force_login(team_a.admin)

    response = client.post(
        "/settings/team/invite/",
        {"email": "ne\u017f@alpha.example.com", "name": "Nes", "role": "user", "language": "en"},
        HTTP_HOST=team_a.host,
    )

    assert response.status_code == 422
    assert response.context["invite_form"].errors == {"email": [LOOK_ALIKE]}
    assert User.objects.filter(tenant=team_a.tenant).count() == 3


def test_signup_refuses_a_look_alike_of_an_existing_address(api, team_a):
    response = api().post("/api/v1/public/tenants/", {
        "name": "Copycat", "schema_name": "copycat", "plan": "starter",
        "admin_user": {"name": "Cat", "email": DOTLESS_I_ADMIN, "password": "Senha@123-Forte"},
    })

    assert response.status_code == 400
    assert response.json() == {"admin_user": {"email": [LOOK_ALIKE]}}


def test_accounts_are_stored_in_canonical_form(db, team_a):
    full_width_nina = "\uff2e\uff49\uff4e\uff41@Alpha.example.com"
    user = User.objects.create_user(full_width_nina, PASSWORD, name="N", tenant=team_a.tenant)

    assert User.objects.get(pk=user.pk).email == "nina@alpha.example.com"


def test_the_migration_stores_existing_addresses_in_canonical_form(db, team_a):
    migration = importlib.import_module("modules.accounts.migrations.0002_canonical_emails")
    User.objects.filter(pk=team_a.user.pk).update(email="U\u017fer@Alpha.example.com")

    from django.apps import apps

    migration.canonicalize_emails(apps, None)

    assert User.objects.get(pk=team_a.user.pk).email == "user@alpha.example.com"


def test_workspace_sign_in_shares_the_apis_per_account_limit(api, client, team_a):
    for n in range(5):
        api().post(LOGIN, {"email": team_a.user.email, "password": f"guess-{n}"})

    response = client.post(
        "/accounts/login/", {"login": team_a.user.email, "password": PASSWORD}, HTTP_HOST=team_a.host
    )

    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session

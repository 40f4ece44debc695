"""Login, refresh, logout and the tenant each token is bound to."""

import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from modules.accounts.tokens import tokens_for_user
from tests.conftest import PASSWORD

LOGIN = "/api/v1/public/auth/login/"
REFRESH = "/api/v1/auth/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/auth/me/"


def bearer(client, access):
    client.client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def test_login_answers_tokens_and_the_user_with_their_tenant(api, team_a):
    response = api().post(LOGIN, {"email": team_a.admin.email, "password": PASSWORD})

    assert response.status_code == 200
    body = response.json()
    tenant = team_a.tenant
    assert body["user"] == {
        "id": team_a.admin.id, "email": team_a.admin.email, "name": "Alpha Industries Admin",
        "role": "admin", "language": "en", "is_active": True,
        "tenant": {
            "id": tenant.id, "name": "Alpha Industries", "schema_name": "alpha", "plan": "professional",
            "is_active": True, "trial_ends_on": tenant.trial_ends_on.isoformat(),
        },
    }
    access, refresh = AccessToken(body["access"]), RefreshToken(body["refresh"])
    assert access["tenant_id"] == tenant.id
    # Both lifetimes run from the login's moment (the refresh token's iat). The access token's own
    # iat is stamped a moment later, and may fall in the next second.
    assert access["exp"] - refresh["iat"] == 30 * 60
    assert refresh["exp"] - refresh["iat"] == 7 * 24 * 3600


def test_login_email_is_case_insensitive(api, team_a):
    response = api().post(LOGIN, {"email": team_a.user.email.upper(), "password": PASSWORD})

    assert response.status_code == 200


def test_a_wrong_password_is_a_401_that_names_no_field(api, team_a):
    response = api().post(LOGIN, {"email": team_a.user.email, "password": "nope"})

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid email or password."}


def test_an_unknown_email_gets_the_same_answer(api, db):
    response = api().post(LOGIN, {"email": "ghost@example.com", "password": "nope"})

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid email or password."}


def test_login_on_another_tenants_host_is_refused(api, team_a, team_b):
    response = api(host=team_b.host).post(LOGIN, {"email": team_a.admin.email, "password": PASSWORD})

    assert response.status_code == 401


def test_login_on_the_own_tenant_host_works(api, team_a):
    response = api(host=team_a.host).post(LOGIN, {"email": team_a.admin.email, "password": PASSWORD})

    assert response.status_code == 200


def test_an_inactive_user_cannot_log_in(api, team_a):
    team_a.user.is_active = False
    team_a.user.save()

    response = api().post(LOGIN, {"email": team_a.user.email, "password": PASSWORD})

    assert response.status_code == 401


def test_users_of_an_inactive_tenant_cannot_log_in(api, team_b):
    team_b.tenant.is_active = False
    team_b.tenant.save()

    response = api().post(LOGIN, {"email": team_b.admin.email, "password": PASSWORD})

    assert response.status_code == 401


def test_platform_staff_get_no_tenant_token(api, db):
    from modules.accounts.models import User

    User.objects.create_superuser("staff@innexar.app", PASSWORD, name="Staff")

    response = api().post(LOGIN, {"email": "staff@innexar.app", "password": PASSWORD})

    assert response.status_code == 401


def test_me_on_the_public_host_uses_the_tokens_tenant(api, team_a):
    response = api(user=team_a.manager).get(ME)

    assert response.status_code == 200
    assert response.json()["email"] == team_a.manager.email
    assert response.json()["tenant"]["schema_name"] == "alpha"


def test_a_token_never_works_on_another_tenants_host(api, team_a, team_b):
    response = api(host=team_b.host, user=team_a.admin).get(ME)

    assert response.status_code == 401
    assert response.json() == {"detail": "This token does not belong to this workspace."}


def test_a_forged_tenant_claim_is_refused(api, team_a, team_b):
    """A user id is only meaningful with its tenant: the same id claimed for tenant B fails."""
    tokens = RefreshToken.for_user(team_a.admin)
    tokens["tenant_id"] = team_b.tenant.id
    client = bearer(api(host=team_b.host), str(tokens.access_token))

    assert client.get(ME).status_code == 401
    assert bearer(api(), str(tokens.access_token)).get(ME).status_code == 401


def test_a_token_signed_with_another_key_is_refused(api, team_a):
    import jwt

    forged = jwt.encode({"token_type": "access", "user_id": str(team_a.admin.id), "tenant_id": team_a.tenant.id,
                         "exp": 4102444800, "jti": "x"}, "not-our-key-but-long-enough-for-hs256", algorithm="HS256")

    response = bearer(api(), forged).get(ME)

    assert response.status_code == 401
    assert response.json() == {"detail": "Token is invalid or expired"}


def test_no_token_is_a_401(api, db):
    response = api().get(ME)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_tokens_stop_working_when_the_user_is_deactivated(api, team_a):
    client = api(user=team_a.user)
    team_a.user.is_active = False
    team_a.user.save()

    assert client.get(ME).status_code == 401


def test_tokens_stop_working_when_the_tenant_is_deactivated(api, team_a):
    client = api(user=team_a.user)
    team_a.tenant.is_active = False
    team_a.tenant.save()

    response = client.get(ME)

    assert response.status_code == 401
    assert response.json() == {"detail": "This workspace is inactive."}
    assert api(host=team_a.host, user=team_a.user).get(ME).status_code == 401


def test_tokens_stop_working_after_a_password_change(api, team_a):
    client = api(user=team_a.user)
    team_a.user.set_password("Another-Secret-77")
    team_a.user.save()

    assert client.get(ME).status_code == 401


def _deactivate_user(team_a, team_b):
    team_a.user.is_active = False
    team_a.user.save()


def _change_password(team_a, team_b):
    team_a.user.set_password("Another-Secret-77")
    team_a.user.save()


def _deactivate_tenant(team_a, team_b):
    team_a.tenant.is_active = False
    team_a.tenant.save()


INVALID = ("Token is invalid or expired", "Token inválido ou expirado")


@pytest.mark.parametrize("language", ["en", "pt-BR"])
@pytest.mark.parametrize("change, host, details", [
    (_deactivate_user, None, INVALID),
    (_change_password, None, INVALID),
    (_deactivate_tenant, None, ("This workspace is inactive.", "Este espaço de trabalho está inativo.")),
    (None, "beta", ("This token does not belong to this workspace.",
                    "Este token não pertence a este espaço de trabalho.")),
])
def test_a_token_that_stopped_working_says_why_when_used_and_when_refreshed(
    api, team_a, team_b, language, change, host, details
):
    tokens = tokens_for_user(team_a.user)
    if change:
        change(team_a, team_b)
    client = api(host=team_b.host if host else team_a.host, language=language)

    used = bearer(client, tokens["access"]).get(ME)
    refreshed = api(host=team_b.host if host else team_a.host, language=language).post(
        REFRESH, {"refresh": tokens["refresh"]}
    )

    detail = details[0] if language == "en" else details[1]
    assert (used.status_code, used.json()) == (401, {"detail": detail})
    assert (refreshed.status_code, refreshed.json()) == (401, {"detail": detail})


@pytest.mark.parametrize("language, detail", [("en", INVALID[0]), ("pt-BR", INVALID[1])])
def test_a_token_claiming_another_workspace_for_its_user_is_invalid(api, team_a, team_b, language, detail):
    tokens = RefreshToken.for_user(team_a.admin)
    tokens["tenant_id"] = team_b.tenant.id

    used = bearer(api(host=team_b.host, language=language), str(tokens.access_token)).get(ME)
    refreshed = api(language=language).post(REFRESH, {"refresh": str(tokens)})

    assert (used.status_code, used.json()) == (401, {"detail": detail})
    assert (refreshed.status_code, refreshed.json()) == (401, {"detail": detail})


def test_refresh_answers_a_new_access_and_a_rotated_refresh(api, team_a):
    refresh = tokens_for_user(team_a.user)["refresh"]

    response = api().post(REFRESH, {"refresh": refresh})

    assert response.status_code == 200
    body = response.json()
    assert AccessToken(body["access"])["tenant_id"] == team_a.tenant.id
    assert body["refresh"] != refresh
    assert api().post(REFRESH, {"refresh": refresh}).status_code == 401, "a rotated refresh is spent"
    assert api().post(REFRESH, {"refresh": body["refresh"]}).status_code == 200


def test_refresh_on_another_tenants_host_is_refused(api, team_a, team_b):
    refresh = tokens_for_user(team_a.user)["refresh"]

    response = api(host=team_b.host).post(REFRESH, {"refresh": refresh})

    assert response.status_code == 401
    assert api(host=team_a.host).post(REFRESH, {"refresh": refresh}).status_code == 200


def test_refresh_for_an_inactive_user_or_tenant_is_refused(api, team_a, team_b):
    refresh_a = tokens_for_user(team_a.user)["refresh"]
    refresh_b = tokens_for_user(team_b.user)["refresh"]
    team_a.user.is_active = False
    team_a.user.save()
    team_b.tenant.is_active = False
    team_b.tenant.save()

    assert api().post(REFRESH, {"refresh": refresh_a}).status_code == 401
    assert api().post(REFRESH, {"refresh": refresh_b}).status_code == 401


def test_an_access_token_is_not_a_refresh_token(api, team_a):
    access = tokens_for_user(team_a.user)["access"]

    assert api().post(REFRESH, {"refresh": access}).status_code == 401


def test_refresh_of_garbage_is_a_401_with_a_detail(api, db):
    response = api(language="pt-BR").post(REFRESH, {"refresh": "garbage"})

    assert response.status_code == 401
    assert response.json() == {"detail": "Token inválido ou expirado"}


def test_logout_blacklists_the_refresh_token(api, team_a):
    tokens = tokens_for_user(team_a.user)
    client = bearer(api(), tokens["access"])

    response = client.post(LOGOUT, {"refresh": tokens["refresh"]})

    assert response.status_code == 204
    assert api().post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401


def test_logout_needs_an_access_token(api, team_a):
    tokens = tokens_for_user(team_a.user)

    assert api().post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 401
    assert api().post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 200


def test_nobody_can_log_out_someone_elses_session(api, team_a):
    victim = tokens_for_user(team_a.admin)

    response = api(user=team_a.user).post(LOGOUT, {"refresh": victim["refresh"]})

    assert response.status_code == 400
    assert api().post(REFRESH, {"refresh": victim["refresh"]}).status_code == 200


def test_logout_on_another_tenants_host_is_refused(api, team_a, team_b):
    tokens = tokens_for_user(team_a.user)
    client = bearer(api(host=team_b.host), tokens["access"])

    assert client.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 401
    assert api().post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 200


@pytest.mark.parametrize("language, detail", [
    ("en", "Invalid email or password."),
    ("pt-BR", "E-mail ou senha inválidos."),
    ("es", "Correo electrónico o contraseña no válidos."),
])
def test_login_errors_are_translated(api, db, language, detail):
    response = api(language=language).post(LOGIN, {"email": "ghost@example.com", "password": "x"})

    assert response.json() == {"detail": detail}

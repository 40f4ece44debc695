"""Per-address limits use an address the client cannot choose.

X-Forwarded-For is the client's own word unless a proxy of ours wrote it: with no proxy
configured (INNEXAR_TRUSTED_PROXY_COUNT=0, the default) it is ignored; with one, only the entry
that proxy appended (the right-most) is the address.
"""

import pytest

from tests.conftest import PASSWORD

LOGIN = "/api/v1/public/auth/login/"
RESET = "/api/v1/public/auth/password/reset/"
SIGNUP = "/api/v1/public/tenants/"


def test_login_from_one_address_is_limited_whatever_it_forwards(api, team_a):
    client = api()
    answers = [
        client.post(LOGIN, {"email": f"person{n}@example.com", "password": "x"},
                    HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(61)
    ]

    assert answers[:60] == [401] * 60
    assert answers[60] == 429


def test_reset_from_one_address_is_limited_whatever_it_forwards(api, db):
    client = api()
    answers = [
        client.post(RESET, {"email": f"person{n}@example.com"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(61)
    ]

    assert answers[:60] == [200] * 60
    assert answers[60] == 429


def test_signup_from_one_address_is_limited_whatever_it_forwards(api, db):
    client = api()
    answers = [client.post(SIGNUP, {}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(21)]

    assert answers[:20] == [400] * 20
    assert answers[20] == 429


def test_workspace_sign_in_from_one_address_is_limited_whatever_it_forwards(client, team_a):
    for n in range(10):  # allauth's 10 failed sign-ins a minute per address
        client.post("/accounts/login/", {"login": f"person{n}@example.com", "password": "x"},
                    HTTP_HOST=team_a.host, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")

    response = client.post("/accounts/login/", {"login": team_a.user.email, "password": PASSWORD},
                           HTTP_HOST=team_a.host, HTTP_X_FORWARDED_FOR="10.0.0.99")

    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.fixture
def one_proxy(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def test_behind_one_proxy_the_address_it_appended_is_the_clients(api, team_a, one_proxy):
    client = api()
    answers = [
        # The client forges the left part; our proxy appends the address it saw.
        client.post(LOGIN, {"email": f"person{n}@example.com", "password": "x"},
                    HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.7").status_code
        for n in range(61)
    ]
    someone_else = client.post(LOGIN, {"email": team_a.user.email, "password": PASSWORD},
                               HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.8")

    assert answers[60] == 429
    assert someone_else.status_code == 200

"""Settings that depend on the environment, read in a fresh interpreter as a deploy would."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import database_url


def settings_under(**env) -> dict:
    script = (
        "import json; from innexar import settings as s; "
        "print(json.dumps({'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
        "'secure_cookies': s.SESSION_COOKIE_SECURE, 'language_domain': s.LANGUAGE_COOKIE_DOMAIN, "
        "'session_domain': getattr(s, 'SESSION_COOKIE_DOMAIN', None)}))"
    )
    environment = {**os.environ, "DATABASE_URL": database_url(), **env}  # no embedded server start
    output = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("env", "proxy"), [
    ({"INNEXAR_SCHEME": "https"}, ["HTTP_X_FORWARDED_PROTO", "https"]),
    ({"INNEXAR_SCHEME": "http"}, None),  # nobody strips a client's forged header in development
    ({"INNEXAR_SCHEME": "https", "INNEXAR_BEHIND_TLS_PROXY": "false"}, None),
])
def test_the_forwarded_scheme_is_trusted_only_behind_the_production_proxy(env, proxy):
    found = settings_under(**env)

    assert found["proxy"] == proxy
    assert found["secure_cookies"] is (env["INNEXAR_SCHEME"] == "https")


@pytest.mark.parametrize(("base", "domain"), [("innexar.app", ".innexar.app"), ("localhost", None)])
def test_the_language_cookie_follows_the_visitor_across_hosts_but_the_session_does_not(base, domain):
    found = settings_under(INNEXAR_BASE_DOMAIN=base, DJANGO_SECRET_KEY="a-key-of-its-own")

    assert found["language_domain"] == domain
    assert found["session_domain"] is None  # a workspace's session never reaches another host


def start_under(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SECRET_KEY", "DJANGO_DEBUG")}
    environment.update(DATABASE_URL=database_url(), **env)
    return subprocess.run([sys.executable, "-c", "import innexar.settings"], env=environment, capture_output=True,
                          text=True)


def test_production_refuses_to_start_without_a_secret_key():
    started = start_under(INNEXAR_BASE_DOMAIN="innexar.app")

    assert started.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY is not set." in started.stderr


@pytest.mark.parametrize("env", [
    {"INNEXAR_BASE_DOMAIN": "localhost"},  # make run, make test, the CI
    {"INNEXAR_BASE_DOMAIN": "innexar.app", "DJANGO_DEBUG": "true"},
    {"INNEXAR_BASE_DOMAIN": "innexar.app", "DJANGO_SECRET_KEY": "a-key-of-its-own"},
])
def test_it_starts_in_development_or_with_a_key(env):
    assert start_under(**env).returncode == 0


def test_one_setting_says_how_many_proxies_to_trust():
    script = (
        "from innexar import settings as s; "
        "print(s.REST_FRAMEWORK['NUM_PROXIES'], s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    run = lambda **env: subprocess.run(  # noqa: E731
        [sys.executable, "-c", script], env={**os.environ, "DATABASE_URL": database_url(), **env},
        capture_output=True, text=True, check=True,
    ).stdout.split()

    assert run() == ["0", "0"]
    assert run(INNEXAR_TRUSTED_PROXY_COUNT="2") == ["2", "2"]

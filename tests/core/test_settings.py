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
    found = settings_under(INNEXAR_BASE_DOMAIN=base)

    assert found["language_domain"] == domain
    assert found["session_domain"] is None  # a workspace's session never reaches another host

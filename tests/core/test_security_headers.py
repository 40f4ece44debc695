"""Every face answers with a Content-Security-Policy and the usual security headers; a form
posted from another host is refused, another workspace's included (docs/security.md)."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import ADMIN_HOST, PUBLIC_HOST, database_url

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def faces(team) -> list[tuple[str, str]]:
    return [
        (PUBLIC_HOST, "/"),  # marketing
        (PUBLIC_HOST, "/signup/"),
        (ADMIN_HOST, "/login/"),  # platform admin
        (team.host, "/accounts/login/"),  # workspace
        (team.host, "/crm/leads/"),
        (PUBLIC_HOST, "/api/v1/schema/"),  # API
        (PUBLIC_HOST, "/api/v1/docs/"),
        (team.host, "/no-such-page/"),  # an error page
        ("nobody.localhost", "/"),  # a host no workspace owns
    ]


def test_every_face_sends_the_policy_and_the_security_headers(client, team_a):
    client.force_login(team_a.user)

    for host, path in faces(team_a):
        response = client.get(path, HTTP_HOST=host)
        policy = response.headers.get("Content-Security-Policy", "")
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())

        assert directives.get("script-src") == "'self'", (host, path, policy)
        assert directives.get("frame-ancestors") == "'none'", (host, path)
        assert "unsafe" not in policy, (host, path)
        assert {name: response.headers.get(name) for name in HEADERS} == HEADERS, (host, path)
        assert "camera=()" in response.headers.get("Permissions-Policy", ""), (host, path)


def test_swagger_ui_loads_its_script_from_a_url_not_inline(client, db):
    page = client.get("/api/v1/docs/", HTTP_HOST=PUBLIC_HOST).content.decode()
    script = client.get("/api/v1/docs/", {"script": ""}, HTTP_HOST=PUBLIC_HOST)

    assert '<script src="/api/v1/docs/?script="></script>' in page
    assert "<script>" not in page
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def _csrf_client(team) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True, HTTP_HOST=team.host)
    client.force_login(team.user)
    client.get("/settings/profile/")
    return client, client.cookies["csrftoken"].value


@pytest.mark.parametrize("origin", ["http://beta.localhost", "http://beta.localhost:8000", "http://evil.example"])
def test_a_form_posted_from_another_host_is_refused(team_a, origin):
    client, token = _csrf_client(team_a)

    response = client.post(
        "/settings/profile/", {"name": "Hijacked", "language": "en", "csrfmiddlewaretoken": token}, HTTP_ORIGIN=origin
    )

    assert response.status_code == 403
    assert client.get("/settings/profile/").context["form"].initial["name"] == team_a.user.name


def test_a_form_posted_from_its_own_host_is_accepted(team_a):
    client, token = _csrf_client(team_a)

    response = client.post(
        "/settings/profile/", {"name": "Renamed", "language": "en", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN=f"http://{team_a.host}",
    )

    assert response.status_code == 302


def _security_settings(**env) -> dict:
    script = (
        "import json; from innexar import settings as s; "
        "print(json.dumps({'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0), 'trusted': s.CSRF_TRUSTED_ORIGINS}))"
    )
    environment = {**os.environ, "DATABASE_URL": database_url(), **env}
    output = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def test_https_deploys_send_hsts_and_no_origin_is_trusted_by_default(db):
    production = {"INNEXAR_BASE_DOMAIN": "innexar.app", "DJANGO_SECRET_KEY": "a-real-secret-of-the-deploy"}
    assert _security_settings(INNEXAR_SCHEME="https", **production) == {
        "hsts": 31536000, "trusted": [],
    }
    assert _security_settings(INNEXAR_SCHEME="http")["hsts"] == 0

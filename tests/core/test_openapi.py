import re

from django.core.management import call_command


def test_the_openapi_schema_lists_the_api(api, db):
    response = api().get("/api/v1/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/public/tenants/", "/api/v1/public/auth/login/", "/api/v1/auth/refresh/",
            "/api/v1/auth/logout/", "/api/v1/users/", "/api/v1/settings/company/"} <= set(schema["paths"])


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_swagger_ui_is_served_from_our_own_static_files(api, db):
    response = api().get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    # Every script and stylesheet comes from our own host; a random CSRF token may spell "cdn".
    external = re.findall(r'(?:src|href)="(?:https?:)?//[^"]+"', html)
    assert external == []
    assert api().client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200

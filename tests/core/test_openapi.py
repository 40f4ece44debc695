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


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def test_every_operation_documents_its_errors(api, db):
    """A new operation documents the 4xx it can answer (modules/core/openapi.py adds them from
    the view): input → 400, a token → 401 and 403, an id or a page → 404, a throttle → 429."""
    schema = api().get("/api/v1/schema/?format=json").json()

    missing = {}
    for method, path, operation in _operations(schema):
        expected = set()
        if "requestBody" in operation or any(p["in"] == "query" for p in operation.get("parameters", [])):
            expected.add("400")
        if operation.get("security") != [{}] and not path.startswith("/api/v1/public/"):
            expected |= {"401", "403"}
        if "{id}" in path:
            expected.add("404")
        if path.startswith("/api/v1/public/"):
            expected.add("429")
        if expected - set(operation["responses"]):
            missing[f"{method} {path}"] = sorted(expected - set(operation["responses"]))
    assert missing == {}


def test_errors_are_documented_with_the_bodies_the_api_sends(api, db):
    schema = api().get("/api/v1/schema/?format=json").json()

    responses = schema["paths"]["/api/v1/crm/leads/{id}/"]["patch"]["responses"]
    assert responses["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ValidationError"}
    for code in ("401", "403", "404", "413", "415"):
        assert responses[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    assert "401" in schema["paths"]["/api/v1/public/auth/login/"]["post"]["responses"]


def test_the_parameters_say_what_the_api_takes(api, db):
    schema = api().get("/api/v1/schema/?format=json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/crm/leads/"]["get"]["parameters"]}

    assert parameters["score_min"] == {"type": "integer", "minimum": 0, "maximum": 100}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1}
    assert parameters["assigned_to"]["items"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    assert parameters["created_after"] == {
        "type": "string", "pattern": "^(19|2[01])[0-9]{2}-", "anyOf": [{"format": "date"}, {"format": "date-time"}]
    }
    history = schema["paths"]["/api/v1/crm/deals/{id}/history/"]["get"]
    assert history["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert "parameters" not in history or all(p["in"] == "path" for p in history["parameters"])

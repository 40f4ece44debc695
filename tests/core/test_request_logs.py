"""Every log line carries the request id and the schema, in the web process and in the worker."""

import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.db import connection

from innexar.celery import app
from modules.core import logs
from modules.tenancy.tasks import TenantTask, tenant_ping
from tests.conftest import PUBLIC_HOST, database_url
from tests.core.tenant_probe import identity

GENERATED = r"[0-9a-f]{32}"


@pytest.fixture
def access_lines(caplog):
    caplog.set_level(logging.INFO, logger="innexar.request")
    return lambda: [record for record in caplog.records if record.name == "innexar.request"]


@app.task(base=TenantTask, name="tests.log_a_line")
def log_a_line() -> None:
    logging.getLogger("tests.task").warning("the task ran")


def test_the_callers_request_id_is_echoed_and_on_the_access_line_with_the_schema(client, team_a, access_lines):
    response = client.get("/accounts/login/", HTTP_HOST=team_a.host, HTTP_X_REQUEST_ID="lb-7f3a:42")

    assert response["X-Request-ID"] == "lb-7f3a:42"
    (line,) = access_lines()
    assert (line.request_id, line.schema) == ("lb-7f3a:42", "alpha")
    assert (line.method, line.path, line.status) == ("GET", "/accounts/login/", 200)
    assert line.duration_ms >= 0


@pytest.mark.parametrize("sent", ["x" * 129, "abc\ndef", "abc def", "<script>", ""])
def test_a_header_that_is_not_a_sane_token_is_replaced_by_a_generated_id(client, db, access_lines, sent):
    response = client.get("/healthz", HTTP_HOST=PUBLIC_HOST, HTTP_X_REQUEST_ID=sent)

    assert response["X-Request-ID"] != sent
    assert re.fullmatch(GENERATED, response["X-Request-ID"])
    assert access_lines()[0].request_id == response["X-Request-ID"]


def test_without_a_header_each_request_gets_its_own_id_and_an_unknown_host_its_own_line(client, db, access_lines):
    first = client.get("/", HTTP_HOST="nobody-owns-this.localhost")
    second = client.get("/", HTTP_HOST=PUBLIC_HOST)

    assert first.status_code == 404
    assert first["X-Request-ID"] != second["X-Request-ID"]
    unknown, public = access_lines()
    assert (unknown.request_id, unknown.schema, unknown.status) == (first["X-Request-ID"], "-", 404)
    assert (public.request_id, public.schema) == (second["X-Request-ID"], "public")


def test_an_api_call_on_the_public_host_logs_the_schema_its_token_moved_it_into(api, team_a, access_lines):
    response = api(user=team_a.user).get("/api/v1/auth/me/")

    assert response.status_code == 200
    assert access_lines()[0].schema == "alpha"


def test_nothing_of_a_request_outlives_it(client, team_a):
    client.get("/accounts/login/", HTTP_HOST=team_a.host, HTTP_X_REQUEST_ID="gone-after")

    assert (logs.request_id_var.get(), logs.schema_var.get()) == ("-", "-")


def test_djangos_own_warning_about_a_4xx_logged_after_the_middleware_carries_them_too(client, team_a, caplog):
    client.get("/no-such-page/", HTTP_HOST=team_a.host, HTTP_X_REQUEST_ID="lost-7")

    (warning,) = [record for record in caplog.records if record.name == "django.request"]
    assert warning.getMessage() == "Not Found: /no-such-page/"
    assert (warning.request_id, warning.schema) == ("lost-7", "alpha")


def test_an_eager_task_logs_with_its_callers_request_id_and_its_own_schema(team_a, caplog):
    connection.set_tenant(team_a.tenant)
    token = logs.request_id_var.set("signup-1")
    try:
        log_a_line.delay()
    finally:
        logs.request_id_var.reset(token)

    (record,) = [record for record in caplog.records if record.name == "tests.task"]
    assert (record.request_id, record.schema) == ("signup-1", "alpha")
    assert (logs.request_id_var.get(), logs.schema_var.get()) == ("-", "-")


def test_a_task_published_during_a_request_carries_its_id_in_the_message_headers():
    headers = {}
    token = logs.request_id_var.set("signup-2")
    try:
        logs.task_publish_add_request_id(headers=headers)
    finally:
        logs.request_id_var.reset(token)
    logs.task_publish_add_request_id(headers=(untouched := {}))

    assert headers == {"request_id": "signup-2"}
    assert untouched == {}  # beat and shell sends carry none


@pytest.mark.redis
def test_a_real_worker_runs_the_task_under_the_request_id_that_sent_it(worker, team_a):
    connection.set_tenant(team_a.tenant)
    token = logs.request_id_var.set("signup-3")
    try:
        result = tenant_ping.delay()
    finally:
        logs.request_id_var.reset(token)

    assert identity(result.get(timeout=30)) == {
        "schema_name": "alpha", "tenant_id": team_a.tenant.id, "request_id": "signup-3",
    }


LOG_ONE_LINE = (
    "import django, logging; django.setup(); from modules.core import logs; "
    "logs.request_id_var.set('req-9'); logs.bind_schema('alpha'); "
    "logging.getLogger('innexar.test').warning('hello %s', 'world')"
)


def log_line_under(**env) -> str:
    environment = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "innexar.settings", **env}
    output = subprocess.run([sys.executable, "-c", LOG_ONE_LINE], env=environment, capture_output=True, text=True,
                            check=True, timeout=60)
    return output.stderr.strip().splitlines()[-1]


def test_text_lines_show_the_request_id_and_schema_by_default():
    line = log_line_under()

    assert line.endswith(" WARNING [req-9 alpha] innexar.test: hello world")


def test_an_unknown_log_format_is_refused_at_start():
    with pytest.raises(subprocess.CalledProcessError) as refused:
        log_line_under(INNEXAR_LOG_FORMAT="xml")

    assert "INNEXAR_LOG_FORMAT must be one of text, json, got 'xml'" in refused.value.stderr


def test_json_lines_are_one_parseable_object_with_the_same_fields():
    line = log_line_under(INNEXAR_LOG_FORMAT="json")

    record = json.loads(line)
    assert {key: record[key] for key in ("level", "request_id", "schema", "logger", "message")} == {
        "level": "WARNING", "request_id": "req-9", "schema": "alpha", "logger": "innexar.test",
        "message": "hello world",
    }
    assert record["time"]

"""Liveness and readiness probes, answered on every host before any tenant lookup.

`/healthz`: the process answers (no database, nothing shared). `/readyz`: this process can
serve: the database answers, the broker too when one is configured, the public schema has no
unapplied migration, and the checks the apps add pass (tenancy's: the spare-schema pool is not
empty). Failures name the check in the
answer with a fixed reason; the details (hosts, errors) go to the log, not to the internet.
"""

import logging
from collections.abc import Callable

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

from innexar.celery import app

logger = logging.getLogger("innexar.health")

OK = "ok"
SKIPPED = "skipped"
BROKER_CONNECT_TIMEOUT = 2  # seconds: a probe that hangs is worse than one that fails
# The Redis transport ignores connect_timeout and reads its own options.
_BROKER_TIMEOUTS = {"socket_connect_timeout": BROKER_CONNECT_TIMEOUT, "socket_timeout": BROKER_CONNECT_TIMEOUT}


class CheckFailed(Exception):
    """A readiness check said no; the message is the reason shown in the answer."""


def check_database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        raise CheckFailed("unreachable") from error


def broker_configured() -> bool:
    # Without a broker, settings give Celery the in-process transport: nothing to reach.
    return not app.conf.broker_url.startswith("memory://")


def check_broker() -> None:
    broker = app.connection_for_write(connect_timeout=BROKER_CONNECT_TIMEOUT, transport_options=_BROKER_TIMEOUTS)
    try:
        with broker:
            broker.ensure_connection(max_retries=0)
    except Exception as error:
        raise CheckFailed("unreachable") from error


_public_migrated = False


def check_migrations() -> None:
    """Nothing left to apply in the public schema. Once true it stays true for this process:
    its code (and so its migrations) cannot change, and nobody un-applies a migration."""
    global _public_migrated
    if _public_migrated:
        return
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CheckFailed("unapplied migrations")
    _public_migrated = True


# Checks the apps above core add when they load (their AppConfig.ready): name → (check, whether
# it applies now). Core knows no tenants; tenancy adds the spare-schema pool's.
_app_checks: dict[str, tuple[Callable[[], None], Callable[[], bool]]] = {}


def readiness_check_add(name: str, check: Callable[[], None], *, applies: Callable[[], bool] = lambda: True) -> None:
    _app_checks[name] = (check, applies)


def readiness_checks() -> dict[str, Callable[[], None]]:
    """The checks to run, in order; the database first since the others need it."""
    checks = {"database": check_database}
    if broker_configured():
        checks["broker"] = check_broker
    checks["migrations"] = check_migrations
    checks.update({name: check for name, (check, applies) in _app_checks.items() if applies()})
    return checks


def run_readiness_checks() -> dict[str, str]:
    # Before the tenant middleware the connection may still point at the last request's tenant
    # schema, which has a django_migrations table of its own.
    connection.set_schema_to_public()
    results: dict[str, str] = {}
    for name, check in readiness_checks().items():
        if name != "broker" and results.get("database", OK) != OK:
            results[name] = SKIPPED
            continue
        results[name] = _run(name, check)
    return results


def _run(name: str, check: Callable[[], None]) -> str:
    try:
        check()
    except CheckFailed as failure:
        logger.warning("Readiness check %s failed: %s", name, failure, exc_info=failure.__cause__)
        return str(failure)
    except Exception:
        logger.exception("Readiness check %s crashed", name)
        return "error"
    return OK


def _answer(checks: dict[str, str]) -> JsonResponse:
    healthy = all(result in (OK, SKIPPED) for result in checks.values())
    response = JsonResponse({"status": OK if healthy else "fail", "checks": checks}, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


def healthz() -> JsonResponse:
    return _answer({"process": OK})


def readyz() -> JsonResponse:
    return _answer(run_readiness_checks())


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answers the probes before the tenant lookup, sessions and CSRF: on any host, known or
    not (a load balancer may probe by IP address), and whatever the tenant's state. It never
    reads the Host header, so ALLOWED_HOSTS does not turn a probe into a 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe()
        return self.get_response(request)

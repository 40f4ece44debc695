"""What every benchmark shares: a throwaway database, Django set up on it, timing statistics.

A benchmark runs in its own database (`innexar_bench`) on the server the project uses --
DATABASE_URL when set, the embedded PostgreSQL (innexar/db.py) otherwise -- and drops it at the
end, so the development data is never touched. Use it as:

    with bench_database(), extra_migrations_app(count) as extra_apps:
        setup_django(extra_apps=extra_apps)
        ...
"""

import argparse
import http.client
import importlib
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# Run as `python bench/x.py`, only bench/ is on the path; the project's packages live in ROOT.
sys.path.insert(0, str(ROOT))

BENCH_DATABASE = "innexar_bench"
PASSWORD = "Correct-Horse-42"


# --- The database ------------------------------------------------------------------------------


def _server_url() -> str:
    """The URL of the database the project would use: DATABASE_URL, or the embedded server's."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from innexar.db import embedded_database_url  # starts the embedded server if it is down

    return embedded_database_url()


def _with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def _maintenance(url: str, statement) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(statement)


def _drop_database(url: str, name: str) -> None:
    from psycopg import sql

    _maintenance(url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def bench_database(name: str = BENCH_DATABASE) -> Iterator[str]:
    """A fresh, empty database on the project's server; DATABASE_URL points at it until the end.

    Enter it before django.setup(): the settings read DATABASE_URL when they are imported.
    """
    from psycopg import sql

    server = _server_url()
    _drop_database(server, name)  # left behind by a run that was killed
    _maintenance(server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = _with_database(server, name)
    try:
        yield name
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        _drop_database(server, name)


def server_description() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    params = connection.get_connection_params()
    host, port = params.get("host") or "localhost", params.get("port") or 5432
    where = f"the Unix socket in {host}" if host.startswith("/") else f"{host}:{port}"
    return f"PostgreSQL {version} at {where}, database {params['dbname']}"


# --- Django --------------------------------------------------------------------------------------


def setup_django(*, extra_apps: tuple[str, ...] = (), fast_password_hasher: bool = False) -> None:
    """django.setup() on the bench database, then migrate it and create the public tenant.

    The spare pool is refilled by a worker in production; a benchmark fills it itself, outside
    the timings, so the signups it times never replenish it. `extra_apps` are added to the
    tenant apps; `fast_password_hasher` is for benchmarks whose setup creates many users and
    whose timings hash no password.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innexar.settings")
    os.environ["INNEXAR_SPARE_SCHEMA_AUTO_REPLENISH"] = "false"
    os.environ["INNEXAR_SIGNUP_RATE"] = "1000000/hour"  # the throttle would stop a long run
    os.environ.setdefault("INNEXAR_ACCESS_LOG", "false")  # a line per timed request is noise here

    import django
    from django.conf import settings

    # WhiteNoise warns that STATIC_ROOT is missing until collectstatic has run; no matter here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

    if extra_apps:
        settings.TENANT_APPS = [*settings.TENANT_APPS, *extra_apps]
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, *extra_apps]
    if fast_password_hasher:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django.setup()

    from django.core.management import call_command

    from modules.tenancy.services import public_tenant_ensure

    call_command("migrate_schemas", interactive=False, verbosity=0)
    public_tenant_ensure()


# --- A tenant app with many migrations -------------------------------------------------------

EXTRA_APP = "bench_extra_migrations"
FIELDS_PER_MODEL = 10

_MIGRATION = """from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = {dependencies!r}
    operations = [
        {operation},
    ]
"""
_ID = 'models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")'
_CHAR = 'models.CharField(blank=True, default="", max_length=40)'


def _steps(count: int) -> Iterator[tuple[str, str, str | None]]:
    """(migration name, model, field) per step: a new model every FIELDS_PER_MODEL steps (field
    None), a new column on the latest model in between -- the everyday mix of a growing app."""
    for index in range(1, count + 1):
        model = f"Thing{(index - 1) // FIELDS_PER_MODEL + 1}"
        column = None if (index - 1) % FIELDS_PER_MODEL == 0 else f"field_{index}"
        yield f"{index:04d}_step", model, column


def _write_extra_app(package: Path, count: int) -> None:
    migrations = package / "migrations"
    migrations.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (migrations / "__init__.py").write_text("")
    models: dict[str, list[str]] = {}
    previous = None
    for name, model, column in _steps(count):
        if column is None:
            operation = f'migrations.CreateModel("{model}", [("id", {_ID})])'
            models[model] = []
        else:
            operation = f'migrations.AddField("{model}", "{column}", {_CHAR})'
            models[model].append(column)
        dependencies = [(EXTRA_APP, previous)] if previous else []
        source = _MIGRATION.format(dependencies=dependencies, operation=operation)
        (migrations / f"{name}.py").write_text(source)
        previous = name
    lines = ["from django.db import models", ""]
    for model, columns in models.items():
        lines += ["", f"class {model}(models.Model):"]
        lines += [f"    {column} = {_CHAR}" for column in columns] or ["    pass"]
    (package / "models.py").write_text("\n".join(lines) + "\n")


def add_extra_migrations_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--extra-migrations",
        type=int,
        default=0,
        metavar="N",
        help="add a throwaway tenant app with N more migrations (default 0)",
    )


@contextmanager
def extra_migrations_app(count: int) -> Iterator[tuple[str, ...]]:
    """A throwaway tenant app with `count` small migrations, importable until the end.

    Yields the app names to add to the tenant apps: none when `count` is 0.
    """
    if count <= 0:
        yield ()
        return
    directory = Path(tempfile.mkdtemp(prefix="innexar-bench-"))
    try:
        _write_extra_app(directory / EXTRA_APP, count)
        sys.path.insert(0, str(directory))
        yield (EXTRA_APP,)
    finally:
        if str(directory) in sys.path:
            sys.path.remove(str(directory))
        shutil.rmtree(directory, ignore_errors=True)


# --- The web process ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebProcess:
    """The Procfile's `web` line (gunicorn innexar.wsgi --preload, sync workers), as `make run`
    starts it, on the bench database (one worker unless asked for more). With `access_log`, its
    output goes to that file with the access log on, one JSON line a request (`duration_ms`: the
    request's time inside Django, from the first middleware to the answer)."""

    def __init__(self, workers: int, *, access_log: Path | None = None):
        from honcho.environ import parse_procfile

        command = parse_procfile((ROOT / "Procfile").read_text()).processes["web"]
        self.port = free_port()
        env = {
            **os.environ, "PORT": str(self.port), "WEB_CONCURRENCY": str(workers),
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "DJANGO_SETTINGS_MODULE": "innexar.settings", "GUNICORN_CMD_ARGS": "--log-level warning",
            # One workspace asked hundreds of times a minute: the per-workspace ceiling is lifted.
            "INNEXAR_TENANT_API_RATE": str(10**9),
        }
        output = None
        if access_log is not None:
            env.update(INNEXAR_ACCESS_LOG="true", INNEXAR_LOG_FORMAT="json")
            output = access_log.open("ab")
        self.process = subprocess.Popen(
            ["sh", "-c", command], cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=output
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit("the web process did not start")

    def request(
        self, method: str, path: str, *, host: str, token: str, body: dict | None = None
    ) -> tuple[int, bytes, float]:
        """(status, body, seconds) of one request on a connection of its own, as a client sends it."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": host, "Authorization": f"Bearer {token}"}
        payload = None
        if body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        started = perf_counter()
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        content = response.read()
        elapsed = perf_counter() - started
        connection.close()
        return response.status, content, elapsed

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


# --- Statistics --------------------------------------------------------------------------------


@dataclass
class Samples:
    """Durations in seconds of one thing measured several times."""

    label: str
    seconds: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.seconds.append(seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p90(self) -> float:
        """Nearest-rank 90th percentile: the smallest value at least 90% of samples do not exceed."""
        ordered = sorted(self.seconds)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]

    @property
    def min(self) -> float:
        return min(self.seconds)


def ms(seconds: float) -> str:
    milliseconds = seconds * 1000
    return f"{milliseconds:,.2f} ms" if milliseconds < 10 else f"{milliseconds:,.1f} ms"


def ratio(slower: float, faster: float) -> str:
    return f"{slower / faster:,.1f}x"


class StepTimer:
    """Times the calls a module makes to one of its own functions, by its name there:
    `with StepTimer("modules.crm.imports", "_leads_copy") as copy: ...; copy.seconds`."""

    def __init__(self, module: str, name: str):
        self.module_name, self.name, self.seconds = module, name, 0.0

    def __enter__(self):
        self._module = importlib.import_module(self.module_name)
        self._function = getattr(self._module, self.name)
        setattr(self._module, self.name, self._timed)
        return self

    def __exit__(self, *exc_info):
        setattr(self._module, self.name, self._function)

    def _timed(self, *args, **kwargs):
        start = perf_counter()
        try:
            return self._function(*args, **kwargs)
        finally:
            self.seconds += perf_counter() - start

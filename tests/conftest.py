"""Shared fixtures: two tenants with a full team each, clients bound to a host, mail capture.

The tenants are created once per session (committed); each test runs in a transaction that is
rolled back, so what a test writes never leaks into the next one.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone, translation
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from innexar.celery import app
from modules.accounts.models import Role, User
from modules.accounts.signup import tenant_signup
from modules.accounts.tokens import tokens_for_user
from modules.core import snapshots
from modules.core.money import country_activate
from modules.events.models import Event
from modules.tenancy.models import Tenant
from modules.tenancy.schemas import spare_pool_replenish
from modules.tenancy.scope import tenant_scope
from modules.tenancy.services import public_tenant_ensure

PASSWORD = "Correct-Horse-42"
PUBLIC_HOST = "localhost"
ADMIN_HOST = "admin.localhost"


CHROMIUM = "/usr/bin/chromium"
_not_run: dict[str, int] = {}


# The session keeps three spares (see django_db_setup): a committed signup's eager refill must not
# migrate the production pool's two dozen, here or in the workers and servers tests start.
SPARE_POOL_SIZE = 3
os.environ["INNEXAR_SPARE_SCHEMA_POOL_SIZE"] = str(SPARE_POOL_SIZE)


def pytest_configure(config):
    # Real hashing costs ~0.3 s a password; tests hash hundreds. Behaviour is the same.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SPARE_SCHEMA_POOL_SIZE = SPARE_POOL_SIZE
    # The suite sends thousands of API requests a minute to one workspace (the schema fuzzing);
    # tests/accounts/test_tenant_throttle.py sets its own rate.
    settings.INNEXAR_TENANT_API_RATE = 10**9


def _missing_requirement(item) -> str | None:
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        return "Redis/Celery worker tests need REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379/0 make test)"
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        return "browser tests need Chromium at /usr/bin/chromium (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    """Tests whose service is missing are not run, and the summary says which and why.
    In CI every test must run, so there a missing service is an error, not a silent gap."""
    kept, dropped = [], []
    for item in items:
        reason = _missing_requirement(item)
        if reason is None:
            kept.append(item)
            continue
        if os.environ.get("CI"):
            raise pytest.UsageError(f"{item.nodeid}: {reason}")
        dropped.append(item)
        _not_run[reason] = _not_run.get(reason, 0) + 1
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_terminal_summary(terminalreporter):
    for reason, count in _not_run.items():
        terminalreporter.write_line(f"NOT RUN: {count} test(s): {reason}", yellow=True)


@dataclass(frozen=True)
class Team:
    tenant: Tenant
    admin: User
    manager: User
    user: User

    @property
    def host(self) -> str:
        return f"{self.tenant.subdomain}.localhost"


def _create_team(subdomain: str, name: str, plan: str) -> Team:
    """The team, created once; with --reuse-db (`make mutants` runs pytest once per mutant) the
    database kept from an earlier session already has it."""
    existing = Tenant.objects.filter(subdomain=subdomain).first()
    if existing is not None:
        members = {member.role: member for member in User.objects.filter(tenant=existing)}
        return Team(tenant=existing, admin=members[Role.ADMIN], manager=members[Role.MANAGER], user=members[Role.USER])
    signup = tenant_signup(
        name=name, subdomain=subdomain, plan=plan, admin_name=f"{name} Admin",
        admin_email=f"admin@{subdomain}.example.com", admin_password=PASSWORD,
    )
    tenant = signup.tenant
    manager = User.objects.create_user(
        f"manager@{subdomain}.example.com", PASSWORD, name=f"{name} Manager", tenant=tenant, role=Role.MANAGER
    )
    user = User.objects.create_user(
        f"user@{subdomain}.example.com", PASSWORD, name=f"{name} User", tenant=tenant, role=Role.USER
    )
    return Team(tenant=tenant, admin=signup.admin, manager=manager, user=user)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # pytest-django creates the test database only when a collected test is marked for the
    # database; never let the session's tenants land in the development database instead.
    if not connection.settings_dict["NAME"].startswith("test_"):
        pytest.fail("No test database was set up: mark database tests with @pytest.mark.django_db")
    with django_db_blocker.unblock():
        public_tenant_ensure()
        teams = {
            "alpha": _create_team("alpha", "Alpha Industries", "professional"),
            "beta": _create_team("beta", "Beta Trading", "starter"),
        }
        # Spare schemas for the tests that sign up inside their (rolled back) transaction.
        spare_pool_replenish(size=SPARE_POOL_SIZE)
        connection.set_schema_to_public()
    yield teams


@pytest.fixture(autouse=True)
def _eager_tasks_unless_testing_the_queue(request):
    """Tasks run in-process, except in tests that exercise a real broker and worker."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = request.node.get_closest_marker("redis") is None
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _public_schema_and_clean_caches():
    # Each test starts as a fresh process would: public schema, English, no company country, empty caches.
    translation.activate(settings.LANGUAGE_CODE)
    country_activate(None)
    connection.set_schema_to_public()
    for alias in ("default", "throttle", "platform"):
        caches[alias].clear()
    # A request whose view raised into the test never finished: its versions must not linger.
    snapshots._request_ended()
    yield
    connection.set_schema_to_public()


def on_own_connection(function, *args):
    """Run `function` in a thread of its own (a connection of its own, autocommit) and wait."""

    def run():
        try:
            return function(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=30)


@contextmanager
def in_another_process():
    """Run the block as another web process would: with its own per-process snapshots of tenants
    and users (modules.core.snapshots), sharing only the cache and the database with this one."""
    from modules.accounts import selectors as accounts
    from modules.tenancy import selectors as tenancy

    kept = [(kind, kind._entries) for kind in (tenancy._tenants, tenancy._defaults, accounts._users)]
    for kind, _ in kept:
        kind._entries = {}
    try:
        yield
    finally:
        for kind, entries in kept:
            kind._entries = entries


@contextmanager
def outside_pytests_temp(prefix: str):
    """A directory for an embedded server's data outside pytest's temporary root: pytest makes
    that root private (0700) again whenever a pytest session starts on the machine, and as root
    the server runs as another system user, who must reach its data."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def service_home():
    with outside_pytests_temp("innexar-test-") as path:
        yield path


def database_url() -> str:
    """The URL of the test database, for server and worker processes that tests start."""
    db = connection.settings_dict
    password = db["PASSWORD"] or ""
    if db["HOST"].startswith("/"):  # a Unix socket directory (the embedded server)
        return f"postgresql://{db['USER']}:{password}@/{db['NAME']}?host={db['HOST']}"
    return f"postgresql://{db['USER']}:{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _fresh(team: Team) -> Team:
    """Fresh rows for each test: a test may change them in memory, and its database changes
    roll back, so the session's own objects must never be handed out."""
    return Team(
        tenant=Tenant.objects.get(pk=team.tenant.pk),
        admin=User.objects.get(pk=team.admin.pk),
        manager=User.objects.get(pk=team.manager.pk),
        user=User.objects.get(pk=team.user.pk),
    )


@pytest.fixture
def team_a(django_db_setup, db) -> Team:
    return _fresh(django_db_setup["alpha"])


@pytest.fixture
def team_b(django_db_setup, db) -> Team:
    return _fresh(django_db_setup["beta"])


class Api:
    """An API client for one host, optionally signed in as one user, in one language."""

    def __init__(self, host: str = PUBLIC_HOST, user: User | None = None, language: str = "en"):
        self.client = APIClient(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(user)['access']}")

    def __getattr__(self, method):
        request = getattr(self.client, method)

        def call(path, data=None, **extra):
            if method in ("get", "delete"):
                return request(path, data, **extra)
            return request(path, data, format=extra.pop("format", "json"), **extra)

        return call


@pytest.fixture
def api():
    """`api(host=..., user=..., language=...)` builds a client; defaults to the public host."""
    return Api


@pytest.fixture
def admin_api(api, team_a):
    """team_a's admin, through the API on team_a's host."""
    return api(host=team_a.host, user=team_a.admin)


@pytest.fixture
def outsider_api(api, team_b):
    """team_b's admin, through the API on team_b's host, asking for team_a's ids."""
    return api(host=team_b.host, user=team_b.admin)


def _signed_in(client, team: Team, user: User):
    client.force_login(user)
    client.defaults["HTTP_HOST"] = team.host
    return client


@pytest.fixture
def member(client, team_a):
    """team_a's plain user, signed in on team_a's workspace pages."""
    return _signed_in(client, team_a, team_a.user)


@pytest.fixture
def manager(client, team_a):
    """team_a's manager, signed in on team_a's workspace pages."""
    return _signed_in(client, team_a, team_a.manager)


@pytest.fixture
def outsider(client, team_b):
    """team_b's admin, signed in on team_b's workspace, asking for team_a's ids."""
    return _signed_in(client, team_b, team_b.admin)


class Workspace:
    """What a module's fixtures (`Crm`, `Finance`, `Invoicing`...) stand on: one team's workspace,
    where records are made through the services as its admin, the way the API would."""

    _counter = 0

    def __init__(self, team: Team):
        self.team = team

    def run(self, work):
        """`work()` in the team's schema and scope (time zone, country), as its requests run."""
        with tenant_context(self.team.tenant), tenant_scope(self.team.tenant):
            return work()

    def query(self, work):
        """An ORM read in the team's schema: `crm.query(lambda: Lead.objects.count())`."""
        with tenant_context(self.team.tenant):
            return work()

    def today(self):
        with tenant_scope(self.team.tenant):
            return timezone.localdate()

    def events(self, name: str | None = None) -> list[Event]:
        with tenant_context(self.team.tenant):
            events = Event.objects.order_by("id")
            return list(events.filter(name=name) if name else events)

    @classmethod
    def _next(cls) -> int:
        """A number no other record of this session has had: unique emails, names."""
        Workspace._counter += 1
        return Workspace._counter


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    """A worker process on the test database, with a queue of its own so that no other worker
    on the same Redis takes these tasks."""
    queue = f"innexar-test-{os.getpid()}"
    name = f"{queue}@localhost"
    env = {
        **os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "innexar.settings",
        "INNEXAR_QUEUE_PREFIX": queue,  # its default queue and every lane's
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "innexar", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "--loglevel=warning", "-n", name],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[name], timeout=1.0):
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.stdout.read().decode() if process.poll() is not None else ""
            process.kill()
            pytest.fail(f"Celery worker did not start:\n{output}")
    yield process
    app.conf.task_default_queue = default_queue
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)

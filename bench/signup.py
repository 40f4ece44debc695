"""How long it takes to get a new tenant with a usable schema, three ways, side by side.

  ours     a full signup as a client sees it: POST /api/v1/public/tenants/ -> 201 with tokens.
           The schema is a spare from the pool, renamed inside the signup's transaction; the
           pool is filled before the timed rounds (a worker refills it in production).
  migrate  create a schema and run every migration into it (the plain django-tenants path).
  clone    django-tenants' TENANT_BASE_SCHEMA path: clone a migrated base schema with its
           clone_schema() plpgsql function, then `migrate_schemas --fake` on the new schema.

The rounds are interleaved (ours, migrate, clone, ours, ...) so a busy moment of the machine
hits every path alike; one untimed warm-up round of each comes first. Every new tenant or schema
is checked usable, outside the timings. `--extra-migrations N` adds a throwaway tenant app with
N more migrations, to show which paths grow with the number of migrations.

Then the end-to-end case, as a new user gets it: `make run`'s own processes (innexar/run.py, on
a data directory of its own: embedded PostgreSQL and Redis, gunicorn, a Celery worker and beat),
nothing filled by the benchmark, and `--burst` signups in a row from one client over HTTP, each
timed from request to response. The pool is what `make run` left (its release step fills it, the
worker refills it after each signup). Every new workspace is then checked usable: its admin
signs in and lists its leads.

    .venv/bin/python bench/signup.py [--rounds 15] [--extra-migrations 0] [--burst 20]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from time import perf_counter, sleep

from harness import (
    PASSWORD,
    Samples,
    add_extra_migrations_option,
    bench_database,
    extra_migrations_app,
    ms,
    ratio,
    server_description,
    setup_django,
)

SIGNUP_URL = "/api/v1/public/tenants/"
ME_URL = "/api/v1/auth/me/"
CLONE_BASE = "bench_clone_base"


def applied_migrations(schema_name: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{schema_name}".django_migrations')
        return cursor.fetchone()[0]


def check_migrated(schema_name: str) -> None:
    from modules.tenancy.schemas import migration_keys

    applied, wanted = applied_migrations(schema_name), len(migration_keys())
    if applied != wanted:
        raise SystemExit(f"{schema_name}: {applied} migrations applied, {wanted} on disk")


class SpareClaimTimer:
    """Times the schema step inside each signup -- the spare claim -- and counts misses.

    A miss means the signup found no spare and migrated a schema instead: the figures would no
    longer measure the pool, so the benchmark stops.
    """

    def __init__(self):
        self.samples = Samples("  of which the spare claim (ALTER SCHEMA RENAME)")
        self.misses = 0

    def __enter__(self):
        from modules.tenancy import services

        self._services, self._claim = services, services.spare_schema_claim
        services.spare_schema_claim = self._timed_claim
        return self

    def __exit__(self, *exc_info):
        self._services.spare_schema_claim = self._claim

    def _timed_claim(self, **kwargs) -> bool:
        start = perf_counter()
        claimed = self._claim(**kwargs)
        self.samples.add(perf_counter() - start)
        self.misses += not claimed
        return claimed


def ours(round_number: int) -> float:
    """POST the spec's signup body on the public host; check the workspace answers its admin."""
    from django.test import Client

    subdomain = f"bench-{round_number:03d}"
    body = {
        "name": f"Bench Company {round_number}",
        "schema_name": subdomain,
        "plan": "professional",
        "admin_user": {
            "name": "Bench Admin",
            "email": f"admin@{subdomain}.example.com",
            "password": PASSWORD,
        },
    }
    client = Client(HTTP_HOST="localhost")
    start = perf_counter()
    response = client.post(SIGNUP_URL, body, content_type="application/json")
    elapsed = perf_counter() - start

    if response.status_code != 201 or not response.json().get("access"):
        raise SystemExit(f"signup {subdomain}: {response.status_code} {response.content[:300]!r}")
    workspace = Client(HTTP_HOST=f"{subdomain}.localhost")
    me = workspace.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    if me.status_code != 200 or me.json()["tenant"]["schema_name"] != subdomain:
        raise SystemExit(f"{subdomain}: GET {ME_URL} answered {me.status_code} {me.content[:300]!r}")
    check_migrated(subdomain.replace("-", "_"))
    return elapsed


def migrate(round_number: int) -> float:
    from modules.tenancy.schemas import schema_create_migrated

    schema_name = f"bench_migrate_{round_number:03d}"
    start = perf_counter()
    schema_create_migrated(schema_name)
    elapsed = perf_counter() - start
    check_migrated(schema_name)
    return elapsed


def clone(round_number: int) -> float:
    """What TenantMixin.create_schema does when TENANT_BASE_SCHEMA is set."""
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.clone import CloneSchema

    from modules.tenancy.models import Tenant

    schema_name = f"bench_clone_{round_number:03d}"
    start = perf_counter()
    CloneSchema().clone_schema(CLONE_BASE, schema_name, Tenant.clone_mode)
    call_command("migrate_schemas", tenant=True, fake=True, schema_name=schema_name, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    elapsed = perf_counter() - start
    check_migrated(schema_name)
    return elapsed


def password_hashing(times: int = 3) -> Samples:
    from django.contrib.auth.hashers import make_password

    samples = Samples("password hash")
    for _ in range(times):
        start = perf_counter()
        make_password(PASSWORD)
        samples.add(perf_counter() - start)
    return samples


def hasher_description() -> str:
    """The default password hasher and its cost parameters, e.g. "argon2, time cost 2, ..."."""
    from django.contrib.auth.hashers import get_hasher

    hasher = get_hasher()
    costs = ("iterations", "time_cost", "memory_cost", "parallelism", "rounds")
    return ", ".join(
        [hasher.algorithm]
        + [f"{name.replace('_', ' ')} {getattr(hasher, name):,}" for name in costs if hasattr(hasher, name)]
    )


def run(rounds: int, extra_migrations: int) -> None:
    from modules.tenancy.models import SpareSchema
    from modules.tenancy.schemas import migration_keys, schema_create_migrated, spare_pool_replenish

    print(f"Signup benchmark: {server_description()}")
    print(
        f"{len(migration_keys())} migrations on disk ({extra_migrations} of them generated), "
        f"{rounds} timed rounds per path after 1 warm-up round, interleaved; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start"
    )

    start = perf_counter()
    spare_pool_replenish(size=rounds + 1)
    schema_create_migrated(CLONE_BASE)
    print(f"setup, untimed: {rounds + 1} spare schemas and the clone base in {perf_counter() - start:.1f} s")

    paths = {
        "ours": (ours, Samples("ours     POST /api/v1/public/tenants/ (full signup)")),
        "migrate": (migrate, Samples("migrate  schema_create_migrated()")),
        "clone": (clone, Samples("clone    clone_schema() + migrate_schemas --fake")),
    }
    for measure, _ in paths.values():
        measure(0)  # warm-up: first request, URL conf, migration graph, clone function
    with SpareClaimTimer() as claims:
        for round_number in range(1, rounds + 1):
            for measure, samples in paths.values():
                samples.add(measure(round_number))
    if claims.misses or SpareSchema.objects.exists():
        raise SystemExit("some signup did not take a spare from the pool: the figures do not measure it")
    if len(claims.samples.seconds) != rounds:
        raise SystemExit("tenant_signup no longer calls services.spare_schema_claim: update SpareClaimTimer")
    hashing = password_hashing()

    print()
    print(f"{'path':<52}{'median':>11}{'p90':>11}{'min':>11}")
    rows = [paths["ours"][1], claims.samples, paths["migrate"][1], paths["clone"][1]]
    for samples in rows:
        print(f"{samples.label:<52}{ms(samples.median):>11}{ms(samples.p90):>11}{ms(samples.min):>11}")

    ours_s, claim_s = paths["ours"][1].median, claims.samples.median
    migrate_s, clone_s = paths["migrate"][1].median, paths["clone"][1].median
    print()
    print(
        f"ratios of medians, whole signup:   migrate/ours {ratio(migrate_s, ours_s)}, "
        f"clone/ours {ratio(clone_s, ours_s)}"
    )
    print(
        f"ratios of medians, schema step:    migrate/claim {ratio(migrate_s, claim_s)}, "
        f"clone/claim {ratio(clone_s, claim_s)}"
    )
    print(
        f"for scale: hashing the admin's password ({hasher_description()}) takes {ms(hashing.median)}, "
        f"paid by every signup whatever the schema path"
    )


# --- End to end: make run's processes, over HTTP ------------------------------------------------


def _http(port: int, method: str, path: str, body=None, host="localhost", token=None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Host": f"{host}:{port}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _spares_ready(home: Path) -> int:
    import psycopg

    from innexar.embedded import EmbeddedPostgres

    with psycopg.connect(EmbeddedPostgres(home).url()) as connection:
        return connection.execute("SELECT count(*) FROM tenancy_spareschema").fetchone()[0]


def end_to_end(burst: int, port: int) -> None:
    from harness import ROOT

    print(f"\nEnd to end: `make run` on a fresh data directory, then {burst} signups in a row over HTTP")
    with tempfile.TemporaryDirectory(prefix="innexar-signup-") as directory:
        home = Path(directory)
        configured = ("REDIS_", "CELERY_", "DATABASE_")  # none: the embedded services, as for a new user
        env = {key: value for key, value in os.environ.items() if not key.startswith(configured)}
        env.update({"INNEXAR_DATA_DIR": str(home), "PORT": str(port), "INNEXAR_SIGNUP_RATE": "1000000/hour"})
        started = perf_counter()
        run = subprocess.Popen(
            [sys.executable, "-m", "innexar.run"], cwd=ROOT, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            for line in run.stdout:
                if "Web, worker and beat are running" in line:
                    break
            else:
                raise SystemExit("make run ended before serving")
            print(f"make run ready in {perf_counter() - started:.1f} s (first start: install aside, it "
                  f"migrates and fills the pool); {_spares_ready(home)} spares ready")
            sleep(2)  # the worker's start-up work (the demo's score training) is over
            samples, tokens = Samples(f"ours     {burst} signups over HTTP, make run's processes"), []
            for number in range(1, burst + 1):
                body = {
                    "name": f"Burst {number}", "schema_name": f"burst{number}", "plan": "starter",
                    "admin_user": {"name": "Admin", "email": f"admin{number}@burst.example.com", "password": PASSWORD},
                }
                sent = perf_counter()
                status, answer = _http(port, "POST", SIGNUP_URL, body)
                samples.add(perf_counter() - sent)
                if status != 201:
                    raise SystemExit(f"signup {number}: {status} {answer}")
                tokens.append((f"burst{number}.localhost", answer["access"]))
            left = _spares_ready(home)
            for host, token in tokens:
                status, answer = _http(port, "GET", "/api/v1/crm/leads/", host=host, token=token)
                if status != 200:
                    raise SystemExit(f"{host} is not usable: {status} {answer}")
            print(f"{samples.label:<52}{'median':>11}{'p90':>11}{'max':>11}")
            print(f"{'':<52}{ms(samples.median):>11}{ms(samples.p90):>11}{ms(max(samples.seconds)):>11}")
            print("each, in order: " + ", ".join(f"{seconds * 1000:.0f}" for seconds in samples.seconds) + " ms")
            print(f"all {burst} workspaces usable (admin token lists its leads); {left} spares left right after "
                  f"the burst, refilled by the worker behind it")
        finally:
            run.terminate()
            run.wait(timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds per path (default 15)")
    parser.add_argument("--burst", type=int, default=20, help="signups in a row end to end (default 20; 0: skip)")
    parser.add_argument("--port", type=int, default=8765, help="port of the end-to-end run (default 8765)")
    add_extra_migrations_option(parser)
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    with bench_database(), extra_migrations_app(args.extra_migrations) as extra_apps:
        setup_django(extra_apps=extra_apps)
        run(args.rounds, args.extra_migrations)
    if args.burst:
        end_to_end(args.burst, args.port)


if __name__ == "__main__":
    main()

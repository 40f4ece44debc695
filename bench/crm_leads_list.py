"""The lead list under load: ours against DRF's defaults, at 100k and then 1M leads.

    GET /api/v1/crm/leads/?search=<term>&status=new,contacted&ordering=-score&page_size=50

  ours     the real endpoint: hand-built JSON (events.lead_json), a bounded exact count that
           becomes the planner's estimate beyond INNEXAR_EXACT_COUNT_LIMIT rows.
  default  the same filters over the same rows, served by a DRF ListAPIView with a
           ModelSerializer and DRF's own page-number pagination (exact COUNT(*)): what the
           framework gives before any work on speed. Mounted only in this benchmark.

Both are served by gunicorn (sync workers, one per core) over HTTP, as in production. Per size
it prints the median and p90 of sequential requests, the queries one request makes (at
page_size 10, 50 and 200: the count must not grow), and the throughput `wrk -t1 -c8` measures.
For scale it also measures GET /api/v1/auth/me/ -- token check, tenant and user lookups, no
list at all: the most any authenticated endpoint can do on this machine.

    .venv/bin/python bench/crm_leads_list.py [--sizes 100000,1000000] [--workers 3] [--seconds 10]
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from harness import PASSWORD, ROOT, Samples, bench_database, free_port, ms, ratio, server_description, setup_django

SUBDOMAIN = "benchleads"
QUERY = "search={term}&status=new,contacted&ordering=-score&page_size={page_size}"
OURS = "/api/v1/crm/leads/"
DEFAULT = "/api/bench/default-leads/"

# Seed vocabulary: names and companies of the three markets, so searches hit realistic shares.
FIRST = ["Ana", "Maria", "João", "José", "Carlos", "Lucía", "Juan", "Sofía", "Pedro", "Luis", "John", "Emily",
         "Michael", "Sarah", "David", "Laura", "Fernanda", "Rafael", "Camila", "Diego", "Gabriel", "Valentina",
         "Mateo", "Isabela", "Lucas", "Olivia", "James", "Mariana", "Andrés", "Paula"]
LAST = ["Silva", "Santos", "Oliveira", "Souza", "García", "Martínez", "López", "Hernández", "Smith", "Johnson",
        "Brown", "Williams", "Pereira", "Costa", "Rodríguez", "González", "Ferreira", "Almeida", "Gómez", "Díaz",
        "Miller", "Davis", "Ramírez", "Torres", "Carvalho", "Ribeiro", "Flores", "Moore", "Lima", "Cruz"]
COMPANY = ["Tech", "Foods", "Logística", "Consultoria", "Construcciones", "Retail", "Labs", "Health", "Agro",
           "Motors", "Design", "Finance", "Educação", "Servicios", "Energy"]


def seed_leads(schema: str, start: int, stop: int) -> None:
    """Leads start..stop-1, made by PostgreSQL itself (generate_series): seconds, not minutes."""
    from django.db import connection

    def array(values):
        return "ARRAY[" + ",".join("'" + value.replace("'", "''") + "'" for value in values) + "]"

    with connection.cursor() as cursor:
        cursor.execute(f'SET search_path TO "{schema}", public')
        cursor.execute(f"""
            INSERT INTO crm_lead (name, email, phone, company, position, tags, notes, source, status, score,
                                  score_is_manual, created_at, updated_at)
            SELECT f.v || ' ' || l.v,
                   lower(translate(f.v || '.' || l.v, 'áéíóúãõçñ', 'aeiouaocn')) || n
                       || '@example' || (n % 97) || '.com',
                   CASE WHEN n % 3 = 0 THEN '+55119' || lpad((n % 100000000)::text, 8, '0') ELSE '' END,
                   CASE WHEN n % 4 = 0 THEN '' ELSE l.v || ' ' || c.v END,
                   CASE WHEN n % 5 = 0 THEN 'Director' ELSE '' END,
                   CASE WHEN n % 10 = 0 THEN ARRAY['vip'] ELSE ARRAY[]::varchar[] END,
                   '',
                   (ARRAY['website','social','referral','ads','other'])[1 + n % 5],
                   (ARRAY['new','contacted','qualified','converted','lost'])[1 + (n / 7) % 5],
                   (n::bigint * 7919) % 101,
                   false,
                   now() - (n % 700) * interval '1 day',
                   now()
            FROM generate_series({start}, {stop - 1}) AS n,
                 LATERAL (SELECT ({array(FIRST)})[1 + n % {len(FIRST)}] AS v) f,
                 LATERAL (SELECT ({array(LAST)})[1 + (n / {len(FIRST)}) % {len(LAST)}] AS v) l,
                 LATERAL (SELECT ({array(COMPANY)})[1 + n % {len(COMPANY)}] AS v) c
        """)
        cursor.execute("VACUUM ANALYZE crm_lead")
        cursor.execute("SET search_path TO public")


# --- The servers ------------------------------------------------------------------------------


class Gunicorn:
    def __init__(self, workers: int):
        self.port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "default_list_settings",
            "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
            # One workspace at thousands of requests a second: the per-workspace ceiling is lifted,
            # its counter still runs, so what it costs is in the figures.
            "INNEXAR_TENANT_API_RATE": str(10**9),
        }
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "innexar.wsgi", "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        master = self.process.pid
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


class Client:
    def __init__(self, port: int, token: str, host: str = f"{SUBDOMAIN}.localhost"):
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.headers = {"Host": host, "Authorization": f"Bearer {token}"}

    def get(self, path: str) -> bytes:
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")
        return body


def latency(client: Client, path: str, rounds: int) -> Samples:
    samples = Samples(path)
    for _ in range(5):
        client.get(path)  # warm the worker's connections and caches
    for _ in range(rounds):
        started = perf_counter()
        client.get(path)
        samples.add(perf_counter() - started)
    return samples


@dataclass
class Load:
    """What `wrk -t1 -c8` measured: requests per second, latency percentiles (seconds), requests."""

    rps: float
    p50: float
    p99: float
    requests: int = 0


_WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _wrk_percentile(output: str, percent: int) -> float:
    found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if found is None:
        raise SystemExit(f"no {percent}% latency in wrk's output:\n{output}")
    return float(found.group(1)) * _WRK_UNITS[found.group(2)]


def wrk(port: int, token: str, path: str, seconds: int, host: str = f"{SUBDOMAIN}.localhost") -> Load:
    output = subprocess.run(
        ["wrk", "-t1", "-c8", f"-d{seconds}s", "--latency", "-H", f"Host: {host}",
         "-H", f"Authorization: Bearer {token}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} failed responses for {path}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return Load(rps, _wrk_percentile(output, 50), _wrk_percentile(output, 99), requests)


def queries_per_request(tenant, user, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from modules.accounts.tokens import tokens_for_user

    client = APIClient(HTTP_HOST=f"{tenant.subdomain}.localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(user)['access']}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    connection.set_schema_to_public()
    assert response.status_code == 200, response.content
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="lead counts to measure at, ascending")
    parser.add_argument("--term", default="silva", help="the search term")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="gunicorn workers (default: cores)")
    parser.add_argument("--rounds", type=int, default=200, help="sequential requests per latency figure")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    sizes = [int(size) for size in args.sizes.split(",")]

    with bench_database("innexar_bench_leads"):
        setup_django(fast_password_hasher=True)
        from django.conf import settings
        from django.db import connection

        from modules.accounts.signup import tenant_signup
        from modules.accounts.tokens import tokens_for_user

        print(server_description())
        signup = tenant_signup(
            name="Bench Leads", subdomain=SUBDOMAIN, plan="professional", admin_name="Bench Admin",
            admin_email="admin@benchleads.example.com", admin_password=PASSWORD,
        )
        token = tokens_for_user(signup.admin)["access"]
        ours = f"{OURS}?{QUERY.format(term=args.term, page_size=50)}"
        default = f"{DEFAULT}?{QUERY.format(term=args.term, page_size=50)}"
        print(f"GET {ours}")
        print(f"gunicorn, {args.workers} sync workers; exact count up to {settings.INNEXAR_EXACT_COUNT_LIMIT:,} rows\n")

        medians: dict[int, float] = {}
        seeded = 0
        for size in sizes:
            started = perf_counter()
            seed_leads(signup.tenant.schema_name, seeded, size)
            seeded = size
            print(f"== {size:,} leads (seeded in {perf_counter() - started:.1f} s)")
            # The first request of a workspace also fills per-tenant caches (its time zone).
            queries_per_request(signup.tenant, signup.admin, ours)
            queries = {
                page_size: queries_per_request(
                    signup.tenant, signup.admin, f"{OURS}?{QUERY.format(term=args.term, page_size=page_size)}"
                )
                for page_size in (10, 50, 200)
            }
            connection.close()  # gunicorn's workers get the server to themselves
            server = Gunicorn(args.workers)
            try:
                client = Client(server.port, token)
                count = re.search(rb'"count":\s*(\d+)', client.get(ours)).group(1).decode()
                ours_latency = latency(client, ours, args.rounds)
                default_latency = latency(client, default, max(args.rounds // 4, 20))
                ours_rps = wrk(server.port, token, ours, args.seconds).rps
                default_rps = wrk(server.port, token, default, args.seconds).rps
                ceiling_rps = wrk(server.port, token, "/api/v1/auth/me/", args.seconds).rps
            finally:
                server.stop()
            medians[size] = ours_latency.median
            print(f"  matching rows (count field): {int(count):,}")
            print(f"  queries per request at page_size 10/50/200: {queries[10]}/{queries[50]}/{queries[200]}")
            print(f"  ours     median {ms(ours_latency.median)}, p90 {ms(ours_latency.p90)}, {ours_rps:,.0f} req/s")
            print(f"  default  median {ms(default_latency.median)}, p90 {ms(default_latency.p90)}, "
                  f"{default_rps:,.0f} req/s")
            print(f"  for scale: GET /api/v1/auth/me/ {ceiling_rps:,.0f} req/s")
            print(f"  ours/default throughput: {ratio(ours_rps, default_rps)}; "
                  f"median {ratio(default_latency.median, ours_latency.median)} faster\n")
        if len(sizes) > 1:
            first, last = sizes[0], sizes[-1]
            growth = medians[last] / medians[first]
            print(f"median at {last:,} / median at {first:,}: {growth:.2f}x (goal: at most 1.5x)")


if __name__ == "__main__":
    main()

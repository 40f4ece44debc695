"""What an API request costs beyond a bare response: five requests, one gunicorn, one run.

  bare     GET /bench/bare/ on the demo workspace: a JsonResponse behind the full middleware
           stack, no authentication, no view work (bench/default_list_urls.py)
  me       GET /api/v1/auth/me/: token check, tenant and user, a small serializer
  demo     GET /api/v1/crm/leads/?page_size=50 on the demo workspace (its ~60 leads)
  search   the issue-3 lead search at 100,000 leads (bench/crm_leads_list.py's query and seed)
  default  the same search through DRF's defaults: ModelSerializer, DRF's pagination and
           COUNT(*) (bench/default_list_urls.py)

gunicorn serves them all (sync workers, 4 by default); after an untimed pass over all five (the
workers' first requests import and connect), `wrk -t1 -c8` drives each in turn, after a
one-second warm-up, for several rounds in turn (the machine is shared: a burst of other work
then hits every request alike). Printed per request, medians over the rounds: requests per
second, wrk's p50 and p99, the queries one request makes (counted in-process, after a first
request has filled the caches), the CPU time the server spent per request (gunicorn's workers and
PostgreSQL's backends, from /proc), and its throughput as a share of the bare view's (each round's
ratio, then their median), by requests/s and by CPU per request; then the issue's targets
against both. On a machine shared with other work, CPU per request is the steadier figure: it
is what a machine of its own would turn into requests/s.

    .venv/bin/python bench/api_overhead.py [--leads 100000] [--workers 4] [--rounds 3] [--seconds 5]
"""

import argparse
import os
import shutil
import statistics
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from crm_leads_list import DEFAULT, OURS, QUERY, Gunicorn, Load, queries_per_request, seed_leads, wrk
from harness import PASSWORD, bench_database, server_description, setup_django

# (share of the bare view's requests/s, or of the default list's) each request must reach.
TARGETS = [("me", "bare", 0.70), ("search", "bare", 0.40), ("search", "default", 2.5)]


@dataclass
class Run:
    load: Load
    cpu: float  # CPU seconds the server (gunicorn's workers, PostgreSQL's backends) spent per request


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time each of these processes has used so far (Linux /proc)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return used


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    # A backend that ended meanwhile (Django renews connections after CONN_MAX_AGE) is left out.
    return sum(after[pid] - used for pid, used in before.items() if pid in after)


def server_pids(server: Gunicorn) -> list[int]:
    """gunicorn's workers, and the PostgreSQL backends of this database if they run on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = [pid for (pid,) in cursor.fetchall()]
    local = [pid for pid in backends if b"postgres" in _cmdline(pid)]
    return server.worker_pids() + local


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=100_000, help="leads of the searched workspace")
    parser.add_argument("--term", default="silva", help="the search term")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per request, interleaved")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    with bench_database("innexar_bench_api"):
        os.environ["DJANGO_SETTINGS_MODULE"] = "default_list_settings"  # queries are counted in-process
        setup_django(fast_password_hasher=True)
        from django.db import connection

        from modules.accounts.models import User
        from modules.accounts.signup import tenant_signup
        from modules.accounts.tokens import tokens_for_user
        from modules.demo.loader import DEMO_ADMIN_EMAIL, demo_tenant_ensure

        print(server_description())
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; gunicorn, {args.workers} sync workers")
        demo = demo_tenant_ensure()
        demo_admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
        searched = tenant_signup(
            name="Bench Leads", subdomain="benchleads", plan="professional", admin_name="Bench Admin",
            admin_email="admin@benchleads.example.com", admin_password=PASSWORD,
        )
        started = perf_counter()
        seed_leads(searched.tenant.schema_name, 0, args.leads)
        print(f"{args.leads:,} leads seeded in {perf_counter() - started:.1f} s\n")

        search_query = QUERY.format(term=args.term, page_size=50)
        requests = {  # name: (tenant, user, path)
            "bare": (demo, demo_admin, "/bench/bare/"),
            "me": (demo, demo_admin, "/api/v1/auth/me/"),
            "demo": (demo, demo_admin, f"{OURS}?page_size=50"),
            "search": (searched.tenant, searched.admin, f"{OURS}?{search_query}"),
            "default": (searched.tenant, searched.admin, f"{DEFAULT}?{search_query}"),
        }
        queries = {}
        for name, (tenant, user, path) in requests.items():
            queries_per_request(tenant, user, path)  # fills the per-tenant caches
            queries[name] = queries_per_request(tenant, user, path)
        connection.close()  # gunicorn's workers get the server to themselves

        runs: dict[str, list[Run]] = {name: [] for name in requests}
        server = Gunicorn(args.workers)
        try:
            # Every worker's first requests import, connect and fill caches: all of it, untimed.
            for tenant, user, path in requests.values():
                wrk(server.port, tokens_for_user(user)["access"], path, 3, f"{tenant.subdomain}.localhost")
            for _ in range(args.rounds):
                for name, (tenant, user, path) in requests.items():
                    host, token = f"{tenant.subdomain}.localhost", tokens_for_user(user)["access"]
                    wrk(server.port, token, path, 1, host)
                    pids = server_pids(server)
                    before = cpu_seconds(pids)
                    load = wrk(server.port, token, path, args.seconds, host)
                    runs[name].append(Run(load, cpu_spent(before, cpu_seconds(pids)) / load.requests))
        finally:
            connection.close()
            server.stop()

        def median(name: str, figure: str) -> float:
            return statistics.median(getattr(run.load, figure) if figure != "cpu" else run.cpu for run in runs[name])

        def ratios(name: str, against: str, *, by_cpu: bool = False) -> list[float]:
            """Each round's ratio of requests/s (or of CPU per request, inverted: the requests/s the
            server's CPU time allows), each run against its neighbour in time."""
            pairs = zip(runs[name], runs[against], strict=True)
            return [other.cpu / run.cpu if by_cpu else run.load.rps / other.load.rps for run, other in pairs]

        print(f"{'request':<8} {'req/s':>7} {'p50':>9} {'p99':>9} {'queries':>8} {'cpu/req':>9} "
              f"{'/ bare':>7} {'by cpu':>7}  path")
        for name, (_, _, path) in requests.items():
            print(f"{name:<8} {median(name, 'rps'):>7,.0f} {median(name, 'p50') * 1000:>7.2f}ms "
                  f"{median(name, 'p99') * 1000:>7.2f}ms {queries[name]:>8} {median(name, 'cpu') * 1000:>7.2f}ms "
                  f"{statistics.median(ratios(name, 'bare')):>6.0%} "
                  f"{statistics.median(ratios(name, 'bare', by_cpu=True)):>6.0%}  {path}")
        print()
        for name, against, goal in TARGETS:
            for by_cpu in (False, True):
                share = statistics.median(ratios(name, against, by_cpu=by_cpu))
                rounds = ", ".join(f"{ratio:.2f}" for ratio in ratios(name, against, by_cpu=by_cpu))
                verdict = "met" if share >= goal else "NOT met"
                print(f"{name} / {against} {'by CPU' if by_cpu else 'req/s '}: {share:.2f}x "
                      f"(rounds: {rounds}; goal: at least {goal:.2f}x) {verdict}")

if __name__ == "__main__":
    main()

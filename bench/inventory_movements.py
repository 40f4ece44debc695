"""Fifty stock movements on one product at the same moment, through the real web process.

Issue 14 asks: 50 concurrent stock movements on one product, all consistent, the median under
50 ms. Each round sends 50 `POST /api/v1/inventory/movements/` (an `out` of one unit each) at
once, from 50 client threads with a connection each, to the Procfile's web process (gunicorn
innexar.wsgi --preload, sync workers, as `make run` starts it). Every movement takes the
product's row lock, so they run one after another inside PostgreSQL whatever the workers.

Timed, for each movement:
  client   from sending the request to reading its answer: the client's view, which includes
           waiting in gunicorn's queue for a free worker (50 requests, a few workers) and waiting
           for the row lock;
  server   the request's time inside Django (the access log's `duration_ms`, from the first
           middleware to the answer): parsing, the product's row lock (waiting for the movements
           of the other workers included), the ledger row, the events, the answer;
and per burst, the wall time of the 50 divided by 50: how often the ledger takes a movement
under contention. For scale, the same POST sent alone, one after another. Then checked: every
answer a 201, the product's stock the start less every unit taken, and the ledger's
`stock_after` counting down one by one with no repeat (no update lost).

    .venv/bin/python bench/inventory_movements.py [--concurrent 50] [--rounds 5] [--workers 3]
"""

import argparse
import json
import os
import statistics
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from time import perf_counter

from harness import PASSWORD, WebProcess, bench_database, ms, server_description, setup_django

SUBDOMAIN = "benchstock"
HOST = f"{SUBDOMAIN}.localhost"
PATH = "/api/v1/inventory/movements/"
TARGET = 0.050
START = 100_000


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def line(label: str, samples: list[float]) -> str:
    median = statistics.median(samples)
    verdict = "met" if median < TARGET else "NOT met"
    return (f"  {label:<22} median {ms(median):>9}, p95 {ms(p95(samples)):>9}, max {ms(max(samples)):>9} "
            f"over {len(samples)} (target median < {ms(TARGET)}: {verdict})")


def burst(server: WebProcess, token: str, product_id: int, count: int) -> list[tuple[int, float]]:
    """`count` outs of one unit sent at the same moment: (status, seconds) of each."""
    ready = threading.Barrier(count)
    body = {"product_id": product_id, "type": "out", "quantity": 1, "reason": "sale"}

    def send(_):
        ready.wait()
        status, _content, elapsed = server.request("POST", PATH, host=HOST, token=token, body=body)
        return status, elapsed

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(send, range(count)))


def server_times(log: Path) -> list[float]:
    """The movements' times inside Django, in the order they finished, from the access log."""
    times = []
    for raw in log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if record.get("path") == PATH and record.get("status") == 201:
            times.append(record["duration_ms"] / 1000)
    return times


def ledger_check(tenant, product_id: int, taken: int) -> str:
    from django_tenants.utils import tenant_context

    from modules.inventory.models import Product, StockMovement

    with tenant_context(tenant):
        stock = Product.objects.get(pk=product_id).stock
        after = list(StockMovement.objects.filter(product_id=product_id, type="out").order_by("id")
                     .values_list("stock_after", flat=True))
    expected = [Decimal(START - n) for n in range(1, taken + 1)]
    if stock != START - taken or after != expected:
        raise SystemExit(f"INCONSISTENT: stock {stock}, {len(after)} outs, expected {START - taken} and {taken}")
    return f"consistent: stock {START:,} → {stock:,}, {len(after)} outs whose stock_after counts down with no repeat"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrent", type=int, default=50, help="movements sent at once")
    parser.add_argument("--rounds", type=int, default=5, help="bursts timed")
    parser.add_argument("--sequential", type=int, default=50, help="movements sent one after another, for scale")
    parser.add_argument("--workers", type=int, default=3, help="the web process's gunicorn workers (Procfile: 3)")
    args = parser.parse_args()

    with bench_database("innexar_bench_inventory"):
        setup_django(fast_password_hasher=True)
        from django.db import connection

        from modules.accounts.signup import tenant_signup
        from modules.accounts.tokens import tokens_for_user
        from modules.inventory import services
        from modules.tenancy.scope import tenant_scope

        print(server_description())
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        signup = tenant_signup(
            name="Bench Stock", subdomain=SUBDOMAIN, plan="professional", admin_name="Bench Admin",
            admin_email="admin@benchstock.example.com", admin_password=PASSWORD,
        )
        tenant, token = signup.tenant, tokens_for_user(signup.admin)["access"]
        with tenant_scope(tenant):
            product = services.product_create(actor=signup.admin, sku="BENCH-1", name="Bench product",
                                              cost_price=Decimal("3.50"), min_stock=Decimal(10))
            services.stock_move(actor=signup.admin, product=product, type="in", quantity=Decimal(START),
                                reason="purchase")
        connection.close()  # the web process gets the server to itself

        log = Path(tempfile.mkdtemp(prefix="innexar-bench-")) / "web.log"
        server = WebProcess(args.workers, access_log=log)
        try:
            # Each worker's first requests load the tenant, the user and the code paths.
            burst(server, token, product.pk, args.workers * 4)
            taken = args.workers * 4
            sequential = []
            for _ in range(args.sequential):
                status, _content, elapsed = server.request(
                    "POST", PATH, host=HOST, token=token,
                    body={"product_id": product.pk, "type": "out", "quantity": 1, "reason": "sale"},
                )
                if status != 201:
                    raise SystemExit(f"POST {PATH}: {status}")
                sequential.append(elapsed)
            taken += args.sequential
            concurrent, statuses, per_movement = [], [], []
            for _ in range(args.rounds):
                started = perf_counter()
                answers = burst(server, token, product.pk, args.concurrent)
                per_movement.append((perf_counter() - started) / args.concurrent)
                statuses += [status for status, _ in answers]
                concurrent += [elapsed for _, elapsed in answers]
                taken += args.concurrent
        finally:
            server.stop()

        inside = server_times(log)
        burst_inside = inside[-len(concurrent):]
        print(f"\nPOST {PATH} (an out of one unit), the Procfile's web process with {args.workers} worker(s)")
        print(line("one at a time, client", sequential))
        print(line(f"{args.concurrent} at once, server", burst_inside))
        print(line(f"{args.concurrent} at once, client", concurrent))
        print(line("burst wall time / 50", per_movement))
        refused = [status for status in statuses if status != 201]
        print(f"  answers: {len(statuses) - len(refused)} × 201" + (f", refused: {refused}" if refused else ""))
        print(f"  {ledger_check(tenant, product.pk, taken)}")


if __name__ == "__main__":
    main()

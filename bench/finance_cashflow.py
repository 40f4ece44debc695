"""The cash flow of a year, day by day, with its projection, over 100,000 accounts and 100,000
statement lines (target: under 300 ms).

    GET /api/v1/finance/cash-flow/?start_date=<today - 273 days>&end_date=<start + 364 days>&projection=true

One workspace is seeded by PostgreSQL itself (INSERT ... SELECT generate_series): 4 bank
accounts (3 in USD, 1 in BRL), 100,000 statement lines over the last three years, 5,000
customers, and 100,000 payables and receivables due from two years ago to a year ahead (one in
twenty in BRL): most past ones paid (each customer with its own habit, from 3 days early to 11
late), some cancelled, the rest pending or overdue, a few partly paid.

Timed:
  selector  cashflow.cash_flow() in this process. Cold: on a new database connection each time
            (a fresh backend, its catalog caches empty); warm: the same connection again.
  api       the endpoint over HTTP, served by the Procfile's web process (gunicorn innexar.wsgi
            --preload, sync workers), as `make run` starts it. Cold: the first request of a freshly
            started server (its worker connects, loads the tenant and user); warm: sequential
            requests after that.

Prints the median and p95 of each beside the target, the queries one request makes, and the
plan's timing of the two cash-flow queries (EXPLAIN ANALYZE).

    .venv/bin/python bench/finance_cashflow.py [--accounts 100000] [--lines 100000] [--rounds 50]
"""

import argparse
import math
import os
import re
import statistics
from datetime import timedelta
from time import perf_counter

from harness import PASSWORD, WebProcess, bench_database, ms, server_description, setup_django

SUBDOMAIN = "benchcash"
TARGET = 0.300
CUSTOMERS = 5_000


def seed(schema: str, *, accounts: int, lines: int) -> None:
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(f'SET search_path TO "{schema}", public')
        cursor.execute("""
            INSERT INTO finance_bankaccount (name, bank, bank_code, agency, account_number, currency, is_active,
                                             opening_balance, boleto_agreement, boleto_wallet, plaid_account_id,
                                             created_at, updated_at)
            SELECT 'Account ' || n, 'Bench Bank', '', '', 'acc-' || n, CASE WHEN n = 4 THEN 'BRL' ELSE 'USD' END,
                   true, 10000 * n, '', '', '', now(), now()
            FROM generate_series(1, 4) AS n
        """)
        cursor.execute("""
            INSERT INTO crm_contact (name, email, phone, company, position, tags, notes, created_at, updated_at)
            SELECT 'Customer ' || n, 'customer' || n || '@example.com', '', 'Company ' || n, '', ARRAY[]::varchar[],
                   '', now(), now()
            FROM generate_series(1, %s) AS n
        """, [CUSTOMERS])
        cursor.execute("""
            INSERT INTO finance_transaction (bank_account_id, date, description, amount, type, reconciled_amount,
                                             reconciled, source, external_id, dedupe_key, created_at)
            SELECT banks.ids[1 + n %% 4], %(today)s::date - (n * 7 %% 1095), 'Line ' || n,
                   10 + (n::bigint * 7919 %% 300000) / 100.0, CASE WHEN n %% 3 = 0 THEN 'debit' ELSE 'credit' END,
                   0, false, 'file', '', 'bench-' || n, now()
            FROM generate_series(0, %(lines)s - 1) AS n,
                 (SELECT array_agg(id ORDER BY id) AS ids FROM finance_bankaccount) AS banks
        """, {"today": today, "lines": lines})
        cursor.execute("""
            WITH drawn AS (
                SELECT n,
                       CASE WHEN n %% 2 = 0 THEN 'receivable' ELSE 'payable' END AS type,
                       CASE WHEN n %% 20 = 0 THEN 'BRL' ELSE 'USD' END AS currency,
                       10 + (n::bigint * 3779 %% 500000) / 100.0 AS amount,
                       %(today)s::date - 730 + (n::bigint * 7919 %% 1095)::integer AS due_date,
                       customers.first + (n / 2) %% %(customers)s AS customer_id
                FROM generate_series(0, %(accounts)s - 1) AS n,
                     (SELECT min(id) AS first FROM crm_contact) AS customers
            ),
            fated AS (
                SELECT drawn.*,
                       CASE WHEN n %% 50 = 1 THEN 'cancelled'
                            WHEN due_date < %(today)s AND n %% 10 < 8 THEN 'paid'
                            WHEN due_date < %(today)s THEN 'overdue'
                            ELSE 'pending' END AS status
                FROM drawn
            )
            INSERT INTO finance_account (name, type, description, reference, amount, paid_amount, currency, due_date,
                                         status, paid_at, payment_method, customer_id, vendor, notes, cancel_reason,
                                         created_at, updated_at)
            SELECT type || ' ' || n, type, '', '', amount,
                   CASE WHEN status = 'paid' THEN amount WHEN n %% 7 = 0 THEN round(amount / 2, 2) ELSE 0 END,
                   currency, due_date, status,
                   CASE WHEN status = 'paid'
                        THEN (due_date + (customer_id %% 15)::integer - 3 + time '12:00') AT TIME ZONE 'UTC' END,
                   '', CASE WHEN type = 'receivable' THEN customer_id END,
                   CASE WHEN type = 'payable' THEN 'Vendor ' || n %% 300 ELSE '' END, '', '', now(), now()
            FROM fated
        """, {"today": today, "accounts": accounts, "customers": CUSTOMERS})
        for table in ("finance_bankaccount", "crm_contact", "finance_transaction", "finance_account"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("SET search_path TO public")


# --- Timing ---------------------------------------------------------------------------------------


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def line(label: str, samples: list[float]) -> str:
    median = statistics.median(samples)
    verdict = "met" if median < TARGET else "NOT met"
    return (f"  {label:<14} median {ms(median):>9}, p95 {ms(p95(samples)):>9} over {len(samples)} "
            f"(target < {ms(TARGET)}: {verdict})")


def time_selector(tenant, start, end, *, rounds: int, cold: bool) -> list[float]:
    from django.db import connection

    from modules.finance.cashflow import cash_flow
    from modules.tenancy.scope import tenant_scope

    samples = []
    for _ in range(rounds):
        if cold:
            connection.close()
        with tenant_scope(tenant):
            started = perf_counter()
            cash_flow(start=start, end=end, projection=True)
            samples.append(perf_counter() - started)
    return samples


def explain(tenant, start, end, *, plans: bool) -> list[str]:
    """The planner's execution time of each query the selector sends (with `plans`, the plans too)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from modules.finance.cashflow import cash_flow
    from modules.tenancy.scope import tenant_scope

    with tenant_scope(tenant):
        with CaptureQueriesContext(connection) as captured:
            cash_flow(start=start, end=end, projection=True)
        timings = []
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                if "finance_" not in query["sql"]:
                    continue  # the schema's search path
                cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
                if plans:
                    print(plan, end="\n\n")
                timings.append(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1) + " ms")
    return timings


def get(server: WebProcess, path: str, token: str) -> float:
    status, body, elapsed = server.request("GET", path, host=f"{SUBDOMAIN}.localhost", token=token)
    if status != 200:
        raise SystemExit(f"GET {path}: {status} {body[:300]!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000, help="payables and receivables")
    parser.add_argument("--lines", type=int, default=100_000, help="statement lines")
    parser.add_argument("--rounds", type=int, default=50, help="warm requests (and selector calls) timed")
    parser.add_argument("--cold-rounds", type=int, default=5, help="fresh servers (connections) timed")
    parser.add_argument("--workers", type=int, default=1, help="the web process's gunicorn workers")
    parser.add_argument("--plans", action="store_true", help="print the cash flow queries' plans")
    args = parser.parse_args()

    with bench_database("innexar_bench_cashflow"):
        setup_django(fast_password_hasher=True)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone
        from rest_framework.test import APIClient

        from modules.accounts.signup import tenant_signup
        from modules.accounts.tokens import tokens_for_user
        from modules.tenancy.scope import tenant_scope

        print(server_description())
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        signup = tenant_signup(
            name="Bench Cash", subdomain=SUBDOMAIN, plan="professional", admin_name="Bench Admin",
            admin_email="admin@benchcash.example.com", admin_password=PASSWORD,
        )
        tenant, token = signup.tenant, tokens_for_user(signup.admin)["access"]
        started = perf_counter()
        seed(tenant.schema_name, accounts=args.accounts, lines=args.lines)
        print(f"{args.accounts:,} accounts, {args.lines:,} statement lines, {CUSTOMERS:,} customers seeded in "
              f"{perf_counter() - started:.1f} s")
        with tenant_scope(tenant):
            today = timezone.localdate()
        start, end = today - timedelta(days=273), today - timedelta(days=273) + timedelta(days=364)
        path = f"/api/v1/finance/cash-flow/?start_date={start}&end_date={end}&projection=true"
        print(f"GET {path}\n")

        client = APIClient(HTTP_HOST=f"{SUBDOMAIN}.localhost")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        client.get(path)  # the workspace's caches (time zone, currency)
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(path)
        connection.set_schema_to_public()
        assert answer.status_code == 200, answer.content
        body = answer.json()
        print(f"answer: {len(body['data'])} days, {len(body['projection'])} projected; "
              f"{len(queries)} queries a request, of which the cash flow's: "
              f"{', '.join(explain(tenant, start, end, plans=args.plans))} (EXPLAIN ANALYZE execution times)\n")

        print("selector (in process)")
        print(line("cold", time_selector(tenant, start, end, rounds=args.cold_rounds * 4, cold=True)))
        print(line("warm", time_selector(tenant, start, end, rounds=args.rounds, cold=False)))
        connection.close()  # the web process gets the server to itself

        print(f"api (the Procfile's web process, {args.workers} gunicorn worker(s))")
        cold, warm = [], []
        for round_ in range(args.cold_rounds):
            server = WebProcess(args.workers)
            try:
                cold.append(get(server, path, token))
                if round_ == args.cold_rounds - 1:
                    warm = [get(server, path, token) for _ in range(args.rounds)]
            finally:
                server.stop()
        print(line("cold", cold))
        print(line("warm", warm))


if __name__ == "__main__":
    main()

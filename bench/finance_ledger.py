"""The ledger's reads over 100,000 payables and receivables and 100,000 statement lines: the
dashboard's sums, pages of the accounts list (filtered, searched, 25 and 200 rows) and the bank
accounts with their balances.

The workspace is seeded as bench/finance_cashflow.py seeds it (PostgreSQL's generate_series: 4 bank
accounts, 5,000 customers, accounts due from two years ago to a year ahead, one in twenty in BRL).

Timed in this process, warm (the same connection again): the dashboard's selector, and each
endpoint through DRF's test client (the whole view stack: authentication, tenant, plan gate,
filters, pagination, serialization). Prints the median and p95 of each, the queries one request
makes, and the execution time PostgreSQL reports for the dashboard's one query.

    .venv/bin/python bench/finance_ledger.py [--accounts 100000] [--lines 100000] [--rounds 30]
"""

import argparse
import os
import re
import statistics
from time import perf_counter

from finance_cashflow import CUSTOMERS, p95, seed
from harness import PASSWORD, bench_database, ms, server_description, setup_django

SUBDOMAIN = "benchledger"
ENDPOINTS = [
    ("dashboard", "/api/v1/finance/accounts/dashboard/"),
    ("list, 25 rows", "/api/v1/finance/accounts/?page_size=25"),
    ("list, 200 rows", "/api/v1/finance/accounts/?page_size=200"),
    ("open receivables", "/api/v1/finance/accounts/?type=receivable&status=pending,overdue&ordering=due_date"),
    ("overdue in BRL", "/api/v1/finance/accounts/?status=overdue&currency=BRL"),
    ("search a customer", "/api/v1/finance/accounts/?search=customer%204242"),
    ("bank accounts", "/api/v1/finance/bank-accounts/"),
]


def line(label: str, samples: list[float]) -> str:
    return f"  {label:<18} median {ms(statistics.median(samples)):>9}, p95 {ms(p95(samples)):>9} over {len(samples)}"


def counting(queries: list[str]):
    """A database execute wrapper that notes each query's SQL in `queries`."""

    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def dashboard_plan_time(tenant) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from modules.finance.selectors import accounts_dashboard
    from modules.tenancy.scope import tenant_scope

    with tenant_scope(tenant):
        with CaptureQueriesContext(connection) as captured:
            accounts_dashboard()
        [query] = [query["sql"] for query in captured.captured_queries if "finance_account" in query["sql"]]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + query)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    return re.search(r"Execution Time: ([\d.]+) ms", plan).group(1) + " ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000, help="payables and receivables")
    parser.add_argument("--lines", type=int, default=100_000, help="statement lines")
    parser.add_argument("--rounds", type=int, default=30, help="calls timed for each figure")
    args = parser.parse_args()

    with bench_database("innexar_bench_ledger"):
        setup_django(fast_password_hasher=True)
        from django.db import connection
        from rest_framework.test import APIClient

        from modules.accounts.signup import tenant_signup
        from modules.accounts.tokens import tokens_for_user
        from modules.finance.selectors import accounts_dashboard
        from modules.tenancy.scope import tenant_scope

        print(server_description())
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        signup = tenant_signup(
            name="Bench Ledger", subdomain=SUBDOMAIN, plan="professional", admin_name="Bench Admin",
            admin_email="admin@benchledger.example.com", admin_password=PASSWORD,
        )
        tenant, token = signup.tenant, tokens_for_user(signup.admin)["access"]
        started = perf_counter()
        seed(tenant.schema_name, accounts=args.accounts, lines=args.lines)
        print(f"{args.accounts:,} accounts, {args.lines:,} statement lines, {CUSTOMERS:,} customers seeded in "
              f"{perf_counter() - started:.1f} s\n")

        samples = []
        for _ in range(args.rounds):
            with tenant_scope(tenant):
                started = perf_counter()
                accounts_dashboard()
                samples.append(perf_counter() - started)
        print(f"dashboard selector (its one query: {dashboard_plan_time(tenant)}, EXPLAIN ANALYZE)")
        print(line("warm", samples))

        client = APIClient(HTTP_HOST=f"{SUBDOMAIN}.localhost")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        print("\napi (DRF's test client, in process)")
        for label, path in ENDPOINTS:
            client.get(path)  # the workspace's caches
            queries: list[str] = []
            with connection.execute_wrapper(counting(queries)):
                answer = client.get(path)
            assert answer.status_code == 200, (path, answer.content[:300])
            samples = []
            for _ in range(args.rounds):
                started = perf_counter()
                client.get(path)
                samples.append(perf_counter() - started)
            print(f"{line(label, samples)}, {len(queries)} queries")
            connection.set_schema_to_public()


if __name__ == "__main__":
    main()

"""The analytics dashboard over 100,000 invoices (target: under 150 ms) and a 100,000-row CSV
report (target: under 10 s).

One workspace is seeded with bulk inserts: 100,000 customers with one sold invoice each (issued,
paid or overdue, in US dollars, issue dates spread over the last two years), 25,000 more invoices
that the figures leave out (drafts, cancelled, or in reais), 20,000 leads over the last year and
20,000 open receivables.

Timed:
  selector   dashboard.dashboard() in this process: cold on a new database connection each call,
             warm on the same one.
  dashboard  GET /api/v1/analytics/dashboard/?period=<7d|30d|90d|year>, served by the Procfile's web
             process (gunicorn, sync workers). Cold: the first request of a freshly started server;
             warm: sequential requests after that.
  report     the 100,000-row `sales_by_customer` CSV over two years: in process, what the worker
             does (the query, the CSV, the file stored); and through the web process, POST (a report that
             long is queued: 202) until the status says done (with no broker configured, as here,
             the task runs at the request's commit, so the POST returns once the file is made).

    .venv/bin/python bench/analytics.py [--invoices 100000] [--rounds 30]
"""

import argparse
import json
import os
import shutil
import statistics
import tempfile
from datetime import timedelta
from decimal import Decimal
from time import perf_counter

from harness import PASSWORD, WebProcess, bench_database, ms, server_description, setup_django

SUBDOMAIN = "benchstats"
HOST = f"{SUBDOMAIN}.localhost"
DASHBOARD_TARGET = 0.150
REPORT_TARGET = 10.0
BATCH = 5_000


def seed(tenant, *, customers: int) -> None:
    from django.utils import timezone

    from modules.crm.models import Contact, Lead
    from modules.finance.models import Account
    from modules.invoicing.models import Invoice
    from modules.tenancy.scope import tenant_scope

    with tenant_scope(tenant):
        today = timezone.localdate()
        for first in range(0, customers, BATCH):
            Contact.objects.bulk_create(
                Contact(name=f"Customer {n}", email=f"customer{n}@example.com")
                for n in range(first, min(first + BATCH, customers))
            )
        ids = list(Contact.objects.order_by("id").values_list("id", flat=True))
        sold = ["issued", "paid", "paid", "overdue", "paid"]
        left_out = [("draft", "USD"), ("cancelled", "USD"), ("paid", "BRL")]
        invoices = customers * 5 // 4
        for first in range(0, invoices, BATCH):
            Invoice.objects.bulk_create(
                Invoice(
                    number=f"INV-B-{n:07d}", customer_id=ids[n % customers],
                    issue_date=today - timedelta(days=n * 7 % 730),
                    due_date=today - timedelta(days=n * 7 % 730) + timedelta(days=30),
                    status=sold[n % 5] if n < customers else left_out[n % 3][0],
                    currency="USD" if n < customers else left_out[n % 3][1],
                    total=Decimal(10 + n * 7919 % 500000) / 100, subtotal=Decimal(10 + n * 7919 % 500000) / 100,
                )
                for n in range(first, min(first + BATCH, invoices))
            )
        Lead.objects.bulk_create(
            (Lead(name=f"Lead {n}", email=f"lead{n}@example.com", status=["new", "contacted", "converted"][n % 3])
             for n in range(20_000)), batch_size=BATCH,
        )
        from django.db import connection
        with connection.cursor() as cursor:
            cursor.execute("UPDATE crm_lead SET created_at = now() - (id % 365) * interval '1 day'")
        Account.objects.bulk_create(
            (Account(type="receivable", name=f"Receivable {n}", amount=Decimal(100 + n % 900), currency="USD",
                     due_date=today + timedelta(days=n % 120 - 60), status="pending", customer_id=ids[n])
             for n in range(20_000)), batch_size=BATCH,
        )
        with connection.cursor() as cursor:
            for table in ("crm_contact", "invoicing_invoice", "crm_lead", "finance_account"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def summary(label: str, samples: list[float], target: float) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    verdict = "met" if statistics.median(samples) < target else "NOT met"
    return (f"  {label:<16} median {ms(statistics.median(samples)):>9}, p95 {ms(p95):>9} over {len(samples)} "
            f"(target < {ms(target)}: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000, help="customers, each with one sold invoice")
    parser.add_argument("--rounds", type=int, default=30, help="warm requests timed for each period")
    parser.add_argument("--cold-rounds", type=int, default=3, help="fresh servers timed")
    args = parser.parse_args()
    # No broker: the report's task runs when the request commits (the embedded default's eager mode
    # is for tests; here it stands for a worker that is free at once).
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        os.environ.pop(name, None)
    os.environ["INNEXAR_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="innexar-bench-reports-")  # the files, thrown away

    with bench_database("innexar_bench_analytics"):
        setup_django(fast_password_hasher=True)
        from django.db import connection
        from django.utils import timezone

        from modules.accounts.signup import tenant_signup
        from modules.accounts.tokens import tokens_for_user
        from modules.analytics.models import Report
        from modules.analytics.services import report_make
        from modules.tenancy.scope import tenant_scope

        print(server_description())
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        signup = tenant_signup(
            name="Bench Stats", subdomain=SUBDOMAIN, plan="professional", admin_name="Bench Admin",
            admin_email="admin@benchstats.example.com", admin_password=PASSWORD,
        )
        tenant, token = signup.tenant, tokens_for_user(signup.admin)["access"]
        started = perf_counter()
        seed(tenant, customers=args.customers)
        print(f"{args.customers:,} customers, {args.customers * 5 // 4:,} invoices, 20,000 leads, 20,000 receivables"
              " seeded in "
              f"{perf_counter() - started:.1f} s\n")

        with tenant_scope(tenant):
            today = timezone.localdate()
            start = today - timedelta(days=729)
            report = Report.objects.create(type="sales_by_customer", format="csv", start_date=start, end_date=today,
                                           language="en", created_by=signup.admin)
            began = perf_counter()
            report_make(report_id=report.pk)
            worker = perf_counter() - began
            report.refresh_from_db()
        connection.close()
        print("report: sales_by_customer as CSV over two years")
        print(f"  in process       {report.rows:,} rows in {worker:.2f} s "
              f"(target < {REPORT_TARGET:.0f} s: {'met' if worker < REPORT_TARGET else 'NOT met'})")

        server = WebProcess(1)
        try:
            body = {"type": "sales_by_customer", "format": "csv", "start_date": str(start), "end_date": str(today)}
            began = perf_counter()
            status, answer, _ = server.request("POST", "/api/v1/analytics/reports/", host=HOST, token=token, body=body)
            report_id = json.loads(answer)["report_id"]
            while True:
                status, answer, _ = server.request(
                    "GET", f"/api/v1/analytics/reports/{report_id}/", host=HOST, token=token
                )
                if json.loads(answer)["status"] in ("done", "failed"):
                    break
            total = perf_counter() - began
            result = json.loads(answer)
            print(f"  web process      {result['rows']:,} rows, {result['status']}, in {total:.2f} s from the POST "
                  f"to the status saying done")
        finally:
            server.stop()

        print("\nselector (in process)")
        from modules.analytics import dashboard

        for period in ("7d", "year"):
            samples = {"cold": [], "warm": []}
            for kind, rounds in (("cold", args.cold_rounds * 4), ("warm", args.rounds)):
                for _ in range(rounds):
                    if kind == "cold":
                        connection.close()
                    with tenant_scope(tenant):
                        began = perf_counter()
                        dashboard.dashboard(period=dashboard.period_resolve(period=period))
                        samples[kind].append(perf_counter() - began)
            print(f" period={period}")
            for kind in ("cold", "warm"):
                print(summary(kind, samples[kind], DASHBOARD_TARGET))
        connection.close()

        print("\ndashboard (the Procfile's web process, 1 gunicorn worker)")
        for period in ("7d", "30d", "90d", "year"):
            path = f"/api/v1/analytics/dashboard/?period={period}"
            cold, warm = [], []
            for round_ in range(args.cold_rounds):
                server = WebProcess(1)
                try:
                    status, answer, elapsed = server.request("GET", path, host=HOST, token=token)
                    assert status == 200, answer[:300]
                    cold.append(elapsed)
                    if round_ == args.cold_rounds - 1:
                        warm = [server.request("GET", path, host=HOST, token=token)[2] for _ in range(args.rounds)]
                finally:
                    server.stop()
            print(f" period={period}")
            print(summary("cold", cold, DASHBOARD_TARGET))
            print(summary("warm", warm, DASHBOARD_TARGET))
    shutil.rmtree(os.environ["INNEXAR_MEDIA_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    main()

"""Invoices: one of 50 items created through the service and through the API (target < 100 ms),
its PDF (target < 1 s), and 50 creates at once from 50 connections, whose numbers must come out
consecutive, without a gap or a repeat.

Timed in this process, warm: `invoice_create` in its own transaction (numbering, totals, 50 items,
the event), then `POST /api/v1/invoicing/invoices/` through DRF's test client (authentication,
tenant, plan gate, validation of 50 nested items, the answer), then `invoice_pdf` (the template,
WeasyPrint's layout and the PDF written). The concurrent creates run in threads, each on its own
connection and transaction, started together.

    .venv/bin/python bench/invoicing_invoices.py [--rounds 30] [--concurrent 50]
"""

import argparse
import os
import statistics
import threading
from datetime import date, timedelta
from decimal import Decimal
from time import perf_counter, process_time

from finance_cashflow import p95
from harness import PASSWORD, bench_database, ms, server_description, setup_django

SUBDOMAIN = "benchinvoices"
ITEMS = 50


def items(count: int = ITEMS) -> list[dict]:
    return [
        {"description": f"Service line {index}", "quantity": Decimal(index % 7 + 1), "unit_price": Decimal("123.45"),
         "discount": Decimal("1.00") if index % 5 == 0 else Decimal(0), "tax_rate": Decimal("8.25")}
        for index in range(count)
    ]


def api_items(count: int = ITEMS) -> list[dict]:
    return [
        {"description": f"Service line {index}", "quantity": index % 7 + 1, "unit_price": "123.45",
         "discount": "1.00" if index % 5 == 0 else "0", "tax_rate": 8.25}
        for index in range(count)
    ]


def line(label: str, samples: list[float]) -> str:
    return f"  {label:<28} median {ms(statistics.median(samples)):>9}, p95 {ms(p95(samples)):>9} over {len(samples)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30, help="calls timed for each figure")
    parser.add_argument("--concurrent", type=int, default=50, help="creates started at once")
    args = parser.parse_args()

    with bench_database("innexar_bench_invoices"):
        setup_django(fast_password_hasher=True)
        from django.db import connection, transaction
        from rest_framework.test import APIClient

        from modules.accounts.signup import tenant_signup
        from modules.accounts.tokens import tokens_for_user
        from modules.crm.services import contact_create
        from modules.invoicing.pdf import invoice_pdf
        from modules.invoicing.services import invoice_create
        from modules.tenancy.scope import tenant_scope

        print(server_description())
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
        signup = tenant_signup(
            name="Bench Invoices", subdomain=SUBDOMAIN, plan="professional", admin_name="Bench Admin",
            admin_email="admin@benchinvoices.example.com", admin_password=PASSWORD,
        )
        tenant, admin = signup.tenant, signup.admin
        today = date(2030, 1, 15)
        with tenant_scope(tenant):
            customer = contact_create(actor=admin, name="Bench Customer", email="customer@example.com")

        def create(**fields):
            with transaction.atomic():
                return invoice_create(
                    actor=admin, customer=customer, issue_date=today, due_date=today + timedelta(days=30),
                    currency="USD", items=items(), **fields,
                )

        with tenant_scope(tenant):
            create()  # warm: the templates, the sequence's row, the plan gate's caches
            samples = []
            for _ in range(args.rounds):
                started = perf_counter()
                invoice = create()
                samples.append(perf_counter() - started)
        print(f"an invoice of {ITEMS} items")
        print(line("invoice_create (service)", samples))

        client = APIClient(HTTP_HOST=f"{SUBDOMAIN}.localhost")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(admin)['access']}")
        body = {"customer_id": customer.pk, "issue_date": today.isoformat(),
                "due_date": (today + timedelta(days=30)).isoformat(), "currency": "USD", "items": api_items()}
        assert client.post("/api/v1/invoicing/invoices/", body, format="json").status_code == 201
        samples = []
        for _ in range(args.rounds):
            started = perf_counter()
            answer = client.post("/api/v1/invoicing/invoices/", body, format="json")
            samples.append(perf_counter() - started)
            assert answer.status_code == 201, answer.content[:300]
        print(line("POST (API, in process)", samples))

        with tenant_scope(tenant):
            started = perf_counter()
            pdf = invoice_pdf(invoice)
            first = perf_counter() - started
            samples, cpu = [], []
            for _ in range(max(5, args.rounds // 3)):
                started, started_cpu = perf_counter(), process_time()
                invoice_pdf(invoice)
                samples.append(perf_counter() - started)
                cpu.append(process_time() - started_cpu)
        print(f"\nits PDF ({len(pdf) // 1024} KiB, {ITEMS} items)")
        print(f"  {'first in this process':<28} {ms(first):>16}")
        print(line("invoice_pdf, warm", samples))
        # The CPU this process spent: what a busy machine's waiting for a CPU leaves out.
        print(line("invoice_pdf, its CPU time", cpu))

        # --- At once -------------------------------------------------------------------------------
        year = 2031
        start = threading.Barrier(args.concurrent)
        numbers: list[str] = []
        failures: list[BaseException] = []

        def one() -> None:
            try:
                with tenant_scope(tenant):
                    start.wait(timeout=60)
                    with transaction.atomic():
                        made = invoice_create(
                            actor=admin, customer=customer, issue_date=date(year, 3, 1), due_date=date(year, 4, 1),
                            currency="USD", items=items(3),
                        )
                    numbers.append(made.number)
            except BaseException as error:  # noqa: BLE001  (reported below, after every thread has ended)
                failures.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=one) for _ in range(args.concurrent)]
        started = perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = perf_counter() - started
        assert not failures, failures
        sequence = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
        expected = list(range(1, args.concurrent + 1))
        print(f"\n{args.concurrent} creates at once (a thread and a connection each)")
        print(f"  numbers {min(numbers)} … {max(numbers)}: {len(numbers)} invoices, "
              f"{len(set(numbers))} distinct, consecutive: {sequence == expected}")
        print(f"  {ms(elapsed)} for all of them, {ms(elapsed / args.concurrent)} an invoice")


if __name__ == "__main__":
    main()

"""A QuickBooks sync of 1,000 contacts, 1,000 issued invoices and 100 vendors against a local
Intuit (the tests' fake: OAuth, query and create in Intuit's formats, on loopback), then the same
sync again, which must create nothing.

The first sync pulls QuickBooks' customers, invoices and vendors (none), then pushes one create
per record, each remembered as it is made; the second pulls what the first made and finds every
twin linked. Both run as the Celery task runs them (`quickbooks_sync_run`), in the workspace's
scope; the HTTP round trips to the fake dominate, as Intuit's would (more so over the internet).

    .venv/bin/python bench/integrations_quickbooks.py [--records 1000]
"""

import argparse
import logging
import os
from datetime import timedelta
from decimal import Decimal
from time import perf_counter

from harness import PASSWORD, bench_database, server_description, setup_django

SUBDOMAIN = "benchqbo"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1000, help="contacts and invoices each")
    args = parser.parse_args()

    with bench_database("innexar_bench_qbo"):
        setup_django(fast_password_hasher=True)
        from django.conf import settings
        from django.utils import timezone
        from pytest_httpserver import HTTPServer

        from modules.accounts.signup import tenant_signup
        from modules.crm.models import Contact
        from modules.finance.models import Account
        from modules.integrations.models import QuickBooksConnection, QuickBooksLink
        from modules.integrations.quickbooks_services import quickbooks_sync_run
        from modules.invoicing.models import Invoice
        from modules.tenancy.scope import tenant_scope
        from tests.integrations.fake_intuit import FakeIntuit

        print(server_description())
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line a request otherwise
        server = HTTPServer(host="127.0.0.1", port=0)
        server.start()
        try:
            intuit = FakeIntuit(server, settings)
            signup = tenant_signup(
                name="Bench QBO", subdomain=SUBDOMAIN, plan="enterprise", admin_name="Bench Admin",
                admin_email="admin@benchqbo.example.com", admin_password=PASSWORD,
            )
            with tenant_scope(signup.tenant):
                customers = Contact.objects.bulk_create([
                    Contact(name=f"Customer {index}", email=f"customer{index}@example.com")
                    for index in range(args.records)
                ])
                today = timezone.localdate()
                Invoice.objects.bulk_create([
                    Invoice(
                        number=f"INV-BENCH-{index:05d}", customer=customers[index], issue_date=today,
                        due_date=today + timedelta(days=30), currency="USD", status="issued",
                        subtotal=Decimal("100.00"), total=Decimal("100.00"),
                    )
                    for index in range(args.records)
                ])
                vendors = max(1, args.records // 10)
                Account.objects.bulk_create([
                    Account(type="payable", vendor=f"Vendor {index}", description="Supplies", amount=Decimal("10.00"),
                            currency="USD", due_date=today)
                    for index in range(vendors)
                ])
                tokens = intuit._issue()
                QuickBooksConnection.objects.create(
                    realm_id="9130350000000001", access_token=tokens["access_token"],
                    refresh_token=tokens["refresh_token"], access_expires_at=timezone.now() + timedelta(hours=1),
                )
                started = perf_counter()
                first = quickbooks_sync_run()
                first_seconds = perf_counter() - started
                started = perf_counter()
                second = quickbooks_sync_run()
                second_seconds = perf_counter() - started
                links = QuickBooksLink.objects.count()
        finally:
            server.stop()

        expected = {"synced_customers": args.records, "synced_invoices": args.records, "synced_vendors": vendors}
        assert first == expected, first
        assert second == {"synced_customers": 0, "synced_invoices": 0, "synced_vendors": 0}, second
        assert len(intuit.created) == links == 2 * args.records + vendors
        total = 2 * args.records + vendors
        print(f"QuickBooks sync of {args.records:,} contacts, {args.records:,} invoices, {vendors:,} vendors")
        print(f"  first sync   {first_seconds:8.1f} s  {total:,} records created at QuickBooks"
              f" ({first_seconds / total * 1000:.1f} ms each)")
        print(f"  second sync  {second_seconds:8.2f} s  nothing created")


if __name__ == "__main__":
    main()

"""The subscriptions' billing run over 10,000 subscriptions due today: one issued invoice each
(target under 60 s), then a rerun the same day, which must issue none.

Each run is what the daily task does in production: the due subscriptions in chunks of 500, each
chunk one transaction under its rows' locks, billed in bulk (invoices_bulk: one number
reservation, the invoices, items, receivables in finance, periods and their events in a few
statements, the same rows and events as the services make one by one); then the dunning pass
(nobody is late here). The subscriptions are inserted in bulk beforehand
(1,000 customers with 10 each, monthly, billed on the 15th), and the clock stands at 2030-01-15.

    .venv/bin/python bench/invoicing_billing.py [--subscriptions 10000]
"""

import argparse
import os
from datetime import UTC, date, datetime
from decimal import Decimal
from time import perf_counter

from harness import PASSWORD, bench_database, server_description, setup_django

SUBDOMAIN = "benchbilling"
TODAY = date(2030, 1, 15)
PER_CUSTOMER = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscriptions", type=int, default=10_000, help="subscriptions due today")
    args = parser.parse_args()

    with bench_database("innexar_bench_billing"):
        setup_django(fast_password_hasher=True)
        from django.utils import timezone

        from modules.accounts.signup import tenant_signup
        from modules.crm.models import Contact
        from modules.invoicing.models import Invoice, Subscription
        from modules.invoicing.subscriptions import subscriptions_bill
        from modules.tenancy.scope import tenant_scope

        print(server_description())
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
        timezone.now = lambda: datetime(2030, 1, 15, 15, tzinfo=UTC)  # the day the run bills
        signup = tenant_signup(
            name="Bench Billing", subdomain=SUBDOMAIN, plan="professional", admin_name="Bench Admin",
            admin_email="admin@benchbilling.example.com", admin_password=PASSWORD,
        )
        with tenant_scope(signup.tenant):
            customers = Contact.objects.bulk_create([
                Contact(name=f"Customer {index}", email=f"customer{index}@example.com")
                for index in range(-(-args.subscriptions // PER_CUSTOMER))
            ])
            Subscription.objects.bulk_create([
                Subscription(
                    customer=customers[index // PER_CUSTOMER], plan=f"Plan {index % 3}", amount=Decimal("79.00"),
                    currency="USD", billing_cycle="monthly", billing_day=15, started_at=TODAY,
                    next_billing_date=TODAY,
                )
                for index in range(args.subscriptions)
            ])
            started = perf_counter()
            billed = subscriptions_bill()
            first = perf_counter() - started
            invoices = Invoice.objects.count()
            started = perf_counter()
            rebilled = subscriptions_bill()
            second = perf_counter() - started
            assert billed == invoices == args.subscriptions, (billed, invoices)
            assert rebilled == 0 and Invoice.objects.count() == invoices

        print(f"billing run over {args.subscriptions:,} subscriptions due today")
        verdict = "met" if first < 60 else "missed"
        print(f"  first run   {first:8.1f} s  {billed:,} invoices issued ({first / billed * 1000:.1f} ms each),"
              f" target < 60 s: {verdict}")
        print(f"  rerun       {second:8.1f} s  {rebilled} invoices issued")


if __name__ == "__main__":
    main()

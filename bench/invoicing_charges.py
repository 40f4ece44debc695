"""How long making a boleto or a PIX charge for an invoice takes, through the services the API
calls, in a tenant's schema on the project's PostgreSQL. Goal: under 20 ms each, without the PDF.

Timed, one call each time (each in its own transaction, committed, as a request would):
  boleto, without the PDF   boletos.boleto_issue: the checks, the bank account, the next nosso
                            número (core.numbering, a row lock and an UPDATE), the barcode and
                            line, the INSERT
  boleto PDF                boletos.boleto_pdf_store: the FEBRABAN page rendered by WeasyPrint
                            and stored with the tenant's files
  boleto, whole             boletos.boleto_create: both, and its event
  PIX static                pix_charges.pix_create(type="static") for an invoice, and its QR PNG
  PIX dynamic (sandbox)     pix_charges.pix_create(type="dynamic"), the sandbox PSP, and its QR PNG
  of which the QR PNG       the library's qr_png_data_uri of a dynamic code alone

Each runs `--runs` times (default 200) after 10 untimed warm-up runs, for a new invoice each
time (made untimed); the script prints the median, p90, p95 and fastest run.

    .venv/bin/python bench/invoicing_charges.py [--runs 200]
"""

import argparse
import math
import os
import shutil
import tempfile
from time import perf_counter

from harness import PASSWORD, Samples, bench_database, ms, server_description, setup_django

SUBDOMAIN = "benchcharges"
TARGET = 0.020
WARM_UP = 10


def p95(samples: Samples) -> float:
    ordered = sorted(samples.seconds)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def bench_workspace():
    """A tenant with a Bradesco account set up for boletos, its company's CNPJ and PIX settings."""
    from django_tenants.utils import tenant_context

    from modules.accounts.signup import tenant_signup
    from modules.finance.models import BankAccount
    from modules.invoicing.pix_charges import pix_settings_save
    from modules.tenancy.models import CompanyProfile

    signup = tenant_signup(
        name="Bench Charges", subdomain=SUBDOMAIN, plan="professional", admin_name="Bench Admin",
        admin_email=f"admin@{SUBDOMAIN}.example.com", admin_password=PASSWORD,
    )
    CompanyProfile.objects.filter(tenant=signup.tenant).update(
        legal_name="Padaria São José Ltda", tax_id="11222333000181", country="BR", city="São Paulo", state="SP",
    )
    with tenant_context(signup.tenant):
        BankAccount.objects.create(
            name="Bradesco", bank_code="237", agency="3381-0", account_number="1234567-2", currency="BRL",
            boleto_wallet="09", boleto_agreement="4567890",
        )
        pix_settings_save(actor=signup.admin, changes={
            "key": "123e4567-e12b-12d1-a456-426655440000", "merchant_name": "Padaria São José",
            "merchant_city": "São Paulo",
        })
    return signup.tenant, signup.admin


def invoices(count: int):
    """`count` issued invoices in reais with their receivables, made in bulk (untimed)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from modules.crm.models import Contact
    from modules.finance.models import Account
    from modules.invoicing.models import Invoice

    customer = Contact.objects.create(name="Carlos Mendes", email=f"carlos{perf_counter()}@example.com")
    today = timezone.localdate()
    made = []
    for number in range(count):
        total = Decimal(5999 + number).scaleb(-2)
        receivable = Account.objects.create(type="receivable", amount=total, currency="BRL",
                                            due_date=today + timedelta(days=30), customer=customer)
        made.append(Invoice.objects.create(
            number=f"INV-BENCH-{perf_counter()}-{number}", customer=customer, issue_date=today,
            due_date=today + timedelta(days=30), currency="BRL", status="issued", total=total, subtotal=total,
            receivable=receivable, issued_at=timezone.now(),
        ))
    return made


def measure(label: str, work, subjects: list, runs: int) -> Samples:
    from django.db import transaction

    samples = Samples(label)
    for index, subject in enumerate(subjects[:WARM_UP + runs]):
        started = perf_counter()
        with transaction.atomic():
            work(subject)
        if index >= WARM_UP:
            samples.add(perf_counter() - started)
    return samples


def run(runs: int) -> None:
    from django_tenants.utils import tenant_context

    from modules.invoicing import boletos, pix_charges

    print(f"Boleto and PIX charges benchmark: {server_description()}")
    print(f"{runs} runs each, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    tenant, admin = bench_workspace()
    count = WARM_UP + runs
    with tenant_context(tenant):
        issued = {}

        def issue(invoice):
            issued[invoice.pk] = boletos.boleto_issue(invoice=invoice, bank="bradesco", due_date=None, amount=None,
                                                      payer=None)

        def pdf(invoice):
            boletos.boleto_pdf_store(issued[invoice.pk])

        def create(invoice):
            boletos.boleto_create(actor=admin, invoice=invoice, bank="bradesco")

        def pix(kind):
            def make(invoice):
                charge = pix_charges.pix_create(actor=admin, type=kind, invoice=invoice)
                pix_charges.pix_qr_code(charge)
            return make

        first = invoices(count)
        rows = [
            measure("boleto, without the PDF", issue, first, runs),
            measure("boleto PDF (WeasyPrint, stored)", pdf, first, runs),
            measure("boleto, whole (with the PDF)", create, invoices(count), runs),
            measure("PIX static + QR PNG", pix("static"), invoices(count), runs),
            measure("PIX dynamic (sandbox) + QR PNG", pix("dynamic"), invoices(count), runs),
        ]
        charge = pix_charges.pix_create(actor=admin, type="dynamic", invoice=invoices(1)[0])
        rows.append(measure("  of which the QR PNG", lambda _: pix_charges.pix_qr_code(charge), first, runs))
    print(f"{'':34} {'median':>10} {'p90':>10} {'p95':>10} {'fastest':>10}")
    for samples in rows:
        print(f"{samples.label:34} {ms(samples.median):>10} {ms(samples.p90):>10} {ms(p95(samples)):>10} "
              f"{ms(samples.min):>10}")
    for samples in (rows[0], rows[3], rows[4]):
        verdict = "meets" if samples.median < TARGET else "MISSES"
        print(f"{samples.label}: {verdict} the 20 ms goal (median {ms(samples.median)}, p95 {ms(p95(samples))})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    media = tempfile.mkdtemp(prefix="innexar-bench-media-")
    os.environ["INNEXAR_MEDIA_ROOT"] = media  # the PDFs it prints are thrown away with the database
    try:
        with bench_database("innexar_bench_charges"):
            setup_django(fast_password_hasher=True)
            run(args.runs)
    finally:
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Reconciliation at scale: suggestions for one statement line against 20,000 open accounts, and
auto-reconcile over 1,000 lines.

One Brazilian tenant gets `--accounts` open payables and receivables (default 20,000; about 60 %
receivables of `--contacts` CRM contacts, the rest payables to vendors), with references on the
boletos and bills, some accounts already partly paid, and monthly instalments that share a
customer and an amount. Then `--lines` statement lines (default 1,000) written as banks write
them: "PIX RECEBIDO JOAO DA SILVA" for a receivable, "PAG BOLETO 23790.12345" or "TED 341 PADARIA
SAO JOSE LTDA" for a payable, partial payments, and fees nobody owes. Each line knows the account
it was made from, so the run also says how often auto-reconcile picked the right one.

Timed (setup is not):
- `transaction_suggestions(line)` (the selector alone) and `GET .../{id}/suggestions/` (the whole
  API request) for `--samples` lines: cold (each on a new database connection, the first request
  a new worker connection serves) and warm (the same lines again);
- `transactions_auto_reconcile()` over every line, in one transaction, committed.

    .venv/bin/python bench/finance_reconcile.py [--accounts 20000] [--contacts 8000] [--lines 1000] [--samples 200]
"""

import argparse
import os
import random
from datetime import date, timedelta
from decimal import Decimal
from time import perf_counter

from harness import PASSWORD, Samples, bench_database, ms, server_description, setup_django

SUBDOMAIN = "bench-reconcile"
TODAY = date(2025, 6, 15)
FIRST = ["João", "Maria", "José", "Ana", "Antônio", "Francisca", "Luís", "Márcia", "Conceição", "Sérgio",
         "Fernanda", "Raimundo", "Patrícia", "Lúcia", "Gonçalo", "Íris", "Ângela", "Thiago", "Bruna", "Caio"]
LAST = ["Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Ferreira", "Araújo", "Gonçalves",
        "Conceição", "Brandão", "Magalhães", "Simões", "Assunção", "Falcão", "Guimarães", "Peixoto", "Mendonça"]
TRADES = ["Padaria", "Auto Peças", "Distribuidora", "Farmácia", "Papelaria", "Transportes", "Construtora",
          "Gráfica", "Açougue", "Mercearia", "Informática", "Contabilidade", "Limpeza", "Elétrica"]
PLACES = ["São José", "Santa Luzia", "Boa Vista", "Central", "do Vale", "Paulista", "Nossa Senhora", "Três Irmãos",
          "Bela Vista", "Ipiranga", "Jardim", "Alvorada"]
FORMS = ["Ltda", "ME", "EIRELI", "S.A.", ""]
FEES = ["TARIFA PACOTE SERVICOS", "IOF", "TARIFA TED", "JUROS CHEQUE ESPECIAL", "ANUIDADE CARTAO", "ESTORNO"]


def create_tenant():
    from modules.accounts.signup import tenant_signup
    from modules.tenancy.schemas import spare_pool_replenish

    spare_pool_replenish(size=1)
    return tenant_signup(
        name="Bench Reconcile", subdomain=SUBDOMAIN, plan="professional", admin_name="Admin",
        admin_email="admin@bench-reconcile.example.com", admin_password=PASSWORD, language="pt-BR", country="BR",
    )


def folded_upper(text: str) -> str:
    from modules.core.search import fold

    return fold(text).upper()


def seed_books(rng: random.Random, account_count: int, contact_count: int) -> list:
    """Contacts, vendors and open accounts; returns the accounts."""
    from modules.crm.models import Contact
    from modules.finance.models import Account

    contacts = Contact.objects.bulk_create(
        Contact(name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}", email=f"c{number}@example.com",
                company=rng.choice(["", "", f"{rng.choice(TRADES)} {rng.choice(PLACES)}"]))
        for number in range(contact_count)
    )
    vendors = [f"{rng.choice(TRADES)} {rng.choice(PLACES)} {rng.choice(FORMS)}".strip() for _ in range(600)]
    common = [Decimal(value) for value in ("99.90", "150.00", "250.00", "1200.00", "89.90")]
    accounts = []
    while len(accounts) < account_count:
        amount = rng.choice(common) if rng.random() < 0.15 else Decimal(rng.randint(1500, 900000)) / 100
        due = TODAY + timedelta(days=rng.randint(-120, 120))
        if rng.random() < 0.6:
            customer = rng.choice(contacts)
            instalments = 3 if rng.random() < 0.1 else 1  # monthly: same customer, same amount
            for month in range(instalments):
                accounts.append(Account(
                    type="receivable", name=f"Mensalidade {month + 1}" if instalments > 1 else "Serviços",
                    amount=amount, currency="BRL", due_date=due + timedelta(days=30 * month), customer=customer,
                    reference=f"NF-{rng.randint(1000, 999999)}" if rng.random() < 0.3 else "",
                    invoice_id=rng.randint(1000, 99999) if rng.random() < 0.2 else None,
                ))
        else:
            accounts.append(Account(
                type="payable", name=rng.choice(["Fornecedor", "Aluguel", "Energia", "Material"]), amount=amount,
                currency="BRL", due_date=due, vendor=rng.choice(vendors),
                reference=f"23790.{rng.randint(10000, 99999)}" if rng.random() < 0.5 else "",
            ))
    accounts = accounts[:account_count]
    for account in accounts:
        account.status = "overdue" if account.due_date < TODAY else "pending"
        if rng.random() < 0.05:  # partly paid already
            account.paid_amount = (account.amount / 3).quantize(Decimal("0.01"))
    return Account.objects.bulk_create(accounts, batch_size=2000)


def line_for(rng: random.Random, account, number: int) -> tuple[dict, int | None]:
    """A statement line paying `account` as a bank would write it, and the account it pays."""
    day = account.due_date + timedelta(days=rng.randint(-3, 6))
    remaining = account.amount - account.paid_amount
    partial = rng.random() < 0.12
    amount = (remaining / 2).quantize(Decimal("0.01")) if partial else remaining
    if account.type == "receivable":
        payer = account.customer.company if account.customer.company and rng.random() < 0.3 else account.customer.name
        description = f"PIX RECEBIDO {folded_upper(payer)}"[:40]
        if account.reference and rng.random() < 0.5:
            description = f"TED RECEBIDA {account.reference}"
    elif account.reference and rng.random() < 0.6:
        description = f"PAG BOLETO {account.reference}"
    else:
        description = f"TED 341 {folded_upper(account.vendor)}"[:40]
    kind = "credit" if account.type == "receivable" else "debit"
    return {"date": day, "description": description, "amount": amount, "type": kind,
            "dedupe_key": f"bench-{number}"}, (None if partial else account.pk)


def seed_lines(rng: random.Random, bank_account, accounts: list, count: int) -> dict[int, int | None]:
    """Statement lines: most pay one account, some pay part of one, some are fees. Returns the
    account each line fully pays (None: a part or nothing), by line id."""
    from modules.finance.models import Transaction

    rows, truth = [], []
    chosen = rng.sample(accounts, k=int(count * 0.8))
    for number in range(count):
        if number < len(chosen):
            fields, account_id = line_for(rng, chosen[number], number)
        else:
            fields = {"date": TODAY - timedelta(days=rng.randint(0, 90)), "description": rng.choice(FEES),
                      "amount": Decimal(rng.randint(100, 20000)) / 100, "type": "debit",
                      "dedupe_key": f"bench-{number}"}
            account_id = None
        rows.append(Transaction(bank_account=bank_account, **fields))
        truth.append(account_id)
    lines = Transaction.objects.bulk_create(rows)
    return {line.pk: account_id for line, account_id in zip(lines, truth, strict=True)}


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE finance_account, crm_contact, finance_transaction")


def time_suggestions(lines: list, client, fresh_connection: bool) -> tuple[Samples, Samples, int]:
    from django.db import connection

    from modules.finance.matching import transaction_suggestions

    selector, request, found = Samples("selector"), Samples("request"), 0
    for line in lines:
        if fresh_connection:
            connection.close()
            connection.ensure_connection()
        started = perf_counter()
        suggestions = transaction_suggestions(line)
        selector.add(perf_counter() - started)
        found += bool(suggestions)
        if fresh_connection:
            connection.close()
            connection.ensure_connection()
        started = perf_counter()
        response = client.get(f"/api/v1/finance/transactions/{line.pk}/suggestions/")
        request.add(perf_counter() - started)
        assert response.status_code == 200, response.content
    return selector, request, found


def p95(samples: Samples) -> float:
    ordered = sorted(samples.seconds)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def run(account_count: int, contact_count: int, line_count: int, sample_count: int) -> None:
    from django.db import connection, transaction
    from django_tenants.utils import tenant_context
    from rest_framework.test import APIClient

    from modules.accounts.tokens import tokens_for_user
    from modules.finance.models import BankAccount, Transaction
    from modules.finance.reconciliation import transactions_auto_reconcile

    print(f"Reconciliation benchmark: {server_description()}")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    rng = random.Random(2025)
    started = perf_counter()
    signup = create_tenant()
    with tenant_context(signup.tenant):
        accounts = seed_books(rng, account_count, contact_count)
        bank_account = BankAccount.objects.create(name="Itaú", account_number="12345-6", currency="BRL")
        truth = seed_lines(rng, bank_account, accounts, line_count)
        analyze()
        lines = list(Transaction.objects.select_related("bank_account").order_by("pk"))
    connection.set_schema_to_public()
    print(f"setup, untimed: {account_count:,} open accounts, {contact_count:,} contacts, {line_count:,} lines "
          f"in {perf_counter() - started:.1f} s")

    client = APIClient(HTTP_HOST=f"{SUBDOMAIN}.localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(signup.admin)['access']}")
    sampled = random.Random(7).sample(lines, k=min(sample_count, len(lines)))
    with tenant_context(signup.tenant):
        cold_selector, cold_request, found = time_suggestions(sampled, client, fresh_connection=True)
        warm_selector, warm_request, _ = time_suggestions(sampled, client, fresh_connection=False)
    connection.set_schema_to_public()

    print()
    print(f"suggestions for one line against {account_count:,} open accounts, {len(sampled)} lines "
          f"({found} with at least one suggestion); target under 100 ms")
    print(f"{'':<44}{'median':>12}{'p95':>12}{'max':>12}")
    for label, samples in (
        ("transaction_suggestions(), cold", cold_selector), ("transaction_suggestions(), warm", warm_selector),
        ("GET .../suggestions/, cold", cold_request), ("GET .../suggestions/, warm", warm_request),
    ):
        print(f"{label:<44}{ms(samples.median):>12}{ms(p95(samples)):>12}{ms(max(samples.seconds)):>12}")

    with tenant_context(signup.tenant):
        started = perf_counter()
        with transaction.atomic():
            report = transactions_auto_reconcile(actor=signup.admin)
        seconds = perf_counter() - started
    connection.set_schema_to_public()
    right = sum(1 for match in report.matches if truth[match["transaction_id"]] == match["account_id"])
    payable = sum(1 for account_id in truth.values() if account_id is not None)
    print()
    print(f"auto-reconcile over {report.examined:,} lines: {seconds:.2f} s (target under 5 s)")
    print(f"  reconciled {len(report.matches):,}, skipped {sum(report.skipped.values()):,} "
          f"({', '.join(f'{reason} {count}' for reason, count in sorted(report.skipped.items()))})")
    print(f"  {right:,} of the {len(report.matches):,} matches are the account the line was made from; "
          f"{payable:,} lines pay one account in full")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=20_000, help="open accounts (default 20,000)")
    parser.add_argument("--contacts", type=int, default=8_000, help="CRM contacts (default 8,000)")
    parser.add_argument("--lines", type=int, default=1_000, help="statement lines (default 1,000)")
    parser.add_argument("--samples", type=int, default=200, help="lines timed for suggestions (default 200)")
    args = parser.parse_args()
    if min(args.accounts, args.contacts, args.lines, args.samples) < 1 or args.lines * 0.8 > args.accounts:
        parser.error("every count must be at least 1, and there must be more accounts than lines paying them")

    with bench_database("innexar_bench_reconcile"):
        setup_django(fast_password_hasher=True)
        run(args.accounts, args.contacts, args.lines, args.samples)


if __name__ == "__main__":
    main()

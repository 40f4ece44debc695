"""Invoice numbers: INV-<year>-<seq> per workspace and year of the issue date, taken inside the
transaction that creates the invoice (core.numbering), so that a rolled-back invoice gives its
number back and creates at once never share one."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from modules.core.models import Sequence
from modules.crm.models import Contact
from modules.events.models import AuditEntry, Event
from modules.invoicing import services
from modules.invoicing.models import Invoice
from modules.tenancy.scope import tenant_scope
from tests.conftest import on_own_connection

from .conftest import item


def create(invoicing, issue_date: date, **fields) -> Invoice:
    return invoicing.invoice(issue_date=issue_date, due_date=issue_date, **fields)


def test_numbers_run_per_year_of_the_issue_date_with_three_digits_at_least(invoicing_a):
    numbers = [create(invoicing_a, day).number for day in (
        date(2025, 3, 1), date(2025, 12, 31), date(2026, 1, 1), date(2025, 6, 1),
    )]

    assert numbers == ["INV-2025-001", "INV-2025-002", "INV-2026-001", "INV-2025-003"]


def test_each_workspace_counts_its_own(invoicing_a, invoicing_b):
    create(invoicing_a, date(2025, 5, 5))

    assert create(invoicing_b, date(2025, 5, 5)).number == "INV-2025-001"
    assert create(invoicing_a, date(2025, 5, 5)).number == "INV-2025-002"


def test_after_999_the_number_grows_a_digit(invoicing_a):
    invoicing_a.query(lambda: Sequence.objects.create(key="invoice:2025", last_value=999))

    assert create(invoicing_a, date(2025, 8, 1)).number == "INV-2025-1000"


def test_a_rolled_back_invoice_gives_its_number_back(invoicing_a):
    customer = invoicing_a.customer()

    def refused_after_numbering():
        with transaction.atomic():
            services.invoice_create(
                actor=invoicing_a.team.admin, customer=customer, issue_date=date(2025, 9, 1),
                due_date=date(2025, 9, 1), currency="USD", items=[item()],
            )
            raise RuntimeError("the request failed after the invoice was written")

    first = create(invoicing_a, date(2025, 9, 1))
    with pytest.raises(RuntimeError):
        invoicing_a.run(refused_after_numbering)
    second = create(invoicing_a, date(2025, 9, 1))

    assert (first.number, second.number) == ("INV-2025-001", "INV-2025-002")


def test_a_refused_invoice_takes_no_number(admin_api, invoicing_a):
    customer = invoicing_a.customer()
    refused = {"customer_id": customer.pk, "issue_date": "2025-10-01", "due_date": "2025-09-01", "currency": "USD",
               "items": [{"description": "A", "quantity": 1, "unit_price": "1.00"}]}

    assert admin_api.post("/api/v1/invoicing/invoices/", refused).status_code == 400

    assert create(invoicing_a, date(2025, 10, 1)).number == "INV-2025-001"


# --- At once, for real ---------------------------------------------------------------------------

CREATES = 50
THREADS = 25  # connections of their own, at once (the server's other users keep theirs)
YEAR = 2031  # a year no other test numbers in


class RolledBack(Exception):
    pass


def test_fifty_creates_at_once_some_rolled_back_take_consecutive_numbers_without_a_gap_or_a_repeat(team_a):
    """Each create runs in a thread on its own connection, in its own transaction, and commits
    for real; every seventh rolls back after taking its number. What was committed is numbered
    1, 2, 3… with nothing skipped and nothing twice. The rows are removed after."""
    start = threading.Barrier(THREADS)

    def as_alpha(work):
        """`work` in alpha's schema and scope, on this thread's own connection, closed after."""
        try:
            with tenant_context(team_a.tenant), tenant_scope(team_a.tenant):
                return work()
        finally:
            connection.close()

    def in_alpha(work):
        return on_own_connection(as_alpha, work)

    customer = in_alpha(lambda: Contact.objects.create(name="Concurrent Customer", email="concurrent@example.com"))

    def one(index: int) -> str | None:
        if index < THREADS:
            start.wait(timeout=30)  # the first wave starts together

        def work():
            try:
                with transaction.atomic():
                    invoice = services.invoice_create(
                        actor=team_a.admin, customer=customer, issue_date=date(YEAR, 4, 1),
                        due_date=date(YEAR, 5, 1), currency="USD", items=[item(f"Line {index}")],
                    )
                    if index % 7 == 0:
                        raise RolledBack(invoice.number)
                    return invoice.number
            except RolledBack:
                return None

        return as_alpha(work)

    try:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = list(pool.map(one, range(CREATES)))
        committed = [number for number in results if number is not None]
        stored = in_alpha(lambda: list(
            Invoice.objects.filter(customer=customer).order_by("number").values_list("number", flat=True)
        ))

        assert len(committed) == CREATES - len(range(0, CREATES, 7))
        assert sorted(committed) == stored
        assert stored == [f"INV-{YEAR}-{sequence:03d}" for sequence in range(1, len(committed) + 1)]
    finally:
        def clean():
            ids = list(Invoice.objects.filter(customer=customer).values_list("pk", flat=True))
            Invoice.objects.filter(pk__in=ids).delete()
            Event.objects.filter(aggregate_type="invoice", aggregate_id__in=ids).delete()
            AuditEntry.objects.filter(aggregate_type="invoice", aggregate_id__in=ids).delete()
            Sequence.objects.filter(key=f"invoice:{YEAR}").delete()
            Contact.objects.filter(pk=customer.pk).delete()

        in_alpha(clean)

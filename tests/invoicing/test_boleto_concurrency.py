"""Boletos made, sent and paid at the same moment, each side in a thread of its own (its own
connection) committing for real: nosso números stay gapless and distinct, a boleto goes out in
one remittance only, a notification delivered twice at once records one payment.

What the threads commit is removed at the end (the session's tenants stay as other tests expect)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.core.exceptions import DomainError
from modules.core.models import Sequence
from modules.crm.models import Contact
from modules.events.models import AuditEntry, Event
from modules.finance.models import Account, BankAccount
from modules.invoicing import boletos, pix_charges
from modules.invoicing.models import Boleto, Invoice, InvoicePayment, Pix, PixSettings
from modules.tenancy.models import CompanyProfile
from tests.conftest import on_own_connection
from tests.invoicing.charges_fixtures import *  # noqa: F403 (its fixtures)
from tests.invoicing.charges_fixtures import PAYER, Charges


def in_alpha(team, function):
    def run():
        with tenant_context(team.tenant):
            return function()

    return on_own_connection(run)


@pytest.fixture
def committed(team_a):
    """A Bradesco account and the company's tax ID, committed; everything the test adds, removed."""
    started = timezone.now()
    charges = Charges(team_a)
    company = CompanyProfile.objects.filter(tenant=team_a.tenant)
    kept = company.values("legal_name", "tax_id", "country", "address", "city", "state", "postal_code").get()
    on_own_connection(charges.company)
    account = on_own_connection(lambda: charges.bank_account("bradesco"))
    on_own_connection(charges.pix_settings)
    yield charges, account

    def clean():
        InvoicePayment.objects.all().delete()
        Boleto.objects.all().delete()
        Pix.objects.all().delete()
        Invoice.objects.filter(number__startswith="INV-T-").update(receivable=None)
        Account.objects.filter(reference__startswith="INV-T-").delete()  # and their payments
        Invoice.objects.filter(number__startswith="INV-T-").delete()
        Contact.objects.filter(email__startswith="inv-t-").delete()
        BankAccount.objects.filter(pk=account.pk).delete()
        PixSettings.objects.all().delete()
        Sequence.objects.filter(key__startswith="boleto:").delete()
        Sequence.objects.filter(key__startswith="remittance:").delete()
        Event.objects.filter(occurred_at__gte=started).delete()
        AuditEntry.objects.filter(occurred_at__gte=started).delete()

    in_alpha(team_a, clean)
    on_own_connection(lambda: company.update(**kept))


def hold_then_run(team, first, second) -> tuple:
    """`first` inside a transaction held open until `second` (on another connection) has been seen
    waiting for it; then both results (a refusal's message in place of a result)."""
    applied, may_commit = threading.Event(), threading.Event()

    def held():
        with transaction.atomic():
            result = first()
            applied.set()
            may_commit.wait(timeout=10)
            return result

    def refused_or(function):
        try:
            return function()
        except DomainError as error:
            return error.message

    with ThreadPoolExecutor(max_workers=2) as pool:
        one = pool.submit(in_alpha, team, lambda: refused_or(held))
        assert applied.wait(timeout=10)
        other = pool.submit(in_alpha, team, lambda: refused_or(second))
        with pytest.raises(TimeoutError):
            other.result(timeout=0.5)  # it waits on a row the first holds
        may_commit.set()
        return one.result(timeout=10), other.result(timeout=10)


def test_two_boletos_at_once_take_consecutive_numbers(team_a, committed):
    charges, _account = committed
    invoices = [on_own_connection(charges.invoice) for _ in range(2)]

    def make(invoice):
        return lambda: boletos.boleto_create(actor=team_a.admin, invoice=invoice, bank="bradesco").our_number

    numbers = hold_then_run(team_a, make(invoices[0]), make(invoices[1]))

    assert sorted(number.split("/")[1][:11] for number in numbers) == ["00000000001", "00000000002"]


def test_a_boleto_goes_out_in_one_remittance_only(team_a, committed):
    charges, account = committed
    on_own_connection(lambda: charges.boleto(payer=PAYER))

    def export():
        return boletos.boleto_remittance_export(actor=team_a.admin, bank_account=account).number

    first, second = hold_then_run(team_a, export, export)

    assert first == 1 and second == "No boleto of this bank account is waiting to be sent."
    assert in_alpha(team_a, lambda: list(Boleto.objects.values_list("remittance_number", flat=True))) == [1]


def test_a_notification_delivered_twice_at_once_is_recorded_once(team_a, committed):
    charges, _account = committed
    invoice = on_own_connection(charges.invoice)
    pix = on_own_connection(lambda: charges.pix(invoice, amount=Decimal("5999.00")))
    event = {"pix_id": pix.pk, "paid_at": "2025-11-13T15:30:00Z", "amount": "5999.00"}

    first, second = hold_then_run(team_a, lambda: pix_charges.pix_webhook_handle(event),
                                  lambda: pix_charges.pix_webhook_handle(event))

    assert [first["payments"][0]["outcome"], second["payments"][0]["outcome"]] == ["paid", "already_paid"]
    assert in_alpha(team_a, lambda: (InvoicePayment.objects.count(), Invoice.objects.get(pk=pix.invoice_id).status)) \
        == (1, "paid")

"""Two requests at the same moment: two payment links for one invoice make one Checkout Session
(the second waits on the invoice's row, then hands out the first's), and two people connecting
Stripe leave one connection (they take turns on the workspace's row).

Each side runs in a thread of its own (its own connection) and commits for real; what they
made is removed at the end."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.crm.models import Contact
from modules.events.models import AuditEntry, Event
from modules.finance.models import Account
from modules.invoicing import stripe_services
from modules.invoicing.access import access_invoice
from modules.invoicing.models import CheckoutSession, Invoice, InvoiceItem, StripeConnection
from modules.tenancy.models import PendingOutbox, ProviderAccount
from tests.conftest import on_own_connection

from .billing import Billing
from .fake_stripe import PUBLISHABLE_KEY, SECRET_KEY, FakeStripe

OTHER_KEY = "sk_test_51HqLyjWDarjtT1zdp7dcSecondKey"


def _in_alpha(team, function):
    def run():
        with tenant_context(team.tenant):
            return function()

    return on_own_connection(run)


@pytest.fixture
def stripe(httpserver, settings) -> FakeStripe:
    fake = FakeStripe(httpserver, settings)
    fake.accept(SECRET_KEY, "acct_1OaLphaAccount00")
    fake.accept(OTHER_KEY, "acct_1OaLphaAccount00")
    return fake


@pytest.fixture
def committed(team_a, stripe):
    """Alpha connected to Stripe with an issued invoice, committed; all of it removed afterwards."""
    started = timezone.now()
    outbox_pending = on_own_connection(lambda: PendingOutbox.objects.filter(tenant=team_a.tenant).exists())
    _in_alpha(team_a, lambda: stripe_services.stripe_connect(
        actor=team_a.admin, publishable_key=PUBLISHABLE_KEY, secret_key=SECRET_KEY,
    ))
    invoice = on_own_connection(lambda: Billing(team_a).invoice(total="640.00"))
    yield invoice

    def clean():
        CheckoutSession.objects.filter(invoice=invoice).delete()
        InvoiceItem.objects.filter(invoice=invoice).delete()
        Invoice.objects.filter(pk=invoice.pk).delete()
        Account.objects.filter(pk=invoice.receivable_id).delete()
        Contact.objects.filter(pk=invoice.customer_id).delete()
        StripeConnection.objects.all().delete()
        Event.objects.filter(occurred_at__gte=started).delete()
        AuditEntry.objects.filter(occurred_at__gte=started).delete()

    _in_alpha(team_a, clean)

    def unlink():
        ProviderAccount.objects.filter(tenant=team_a.tenant).delete()
        if not outbox_pending:
            PendingOutbox.objects.filter(tenant=team_a.tenant).delete()

    on_own_connection(unlink)


def test_two_payment_links_at_once_make_one_checkout_session(team_a, stripe, committed):
    made, may_commit = threading.Event(), threading.Event()

    def link_and_hold():
        with transaction.atomic():
            invoice = access_invoice(team_a.admin, committed.pk, for_write=True)
            url = stripe_services.payment_link_create(actor=team_a.admin, invoice=invoice).url
            made.set()
            may_commit.wait(timeout=10)
            return url

    def link():
        with transaction.atomic():
            invoice = access_invoice(team_a.user, committed.pk, for_write=True)
            return stripe_services.payment_link_create(actor=team_a.user, invoice=invoice).url

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(_in_alpha, team_a, link_and_hold)
        assert made.wait(timeout=10)
        second = pool.submit(_in_alpha, team_a, link)
        with pytest.raises(TimeoutError):
            second.result(timeout=0.5)  # it waits on the invoice's row lock
        may_commit.set()
        assert first.result(timeout=10) == second.result(timeout=10)

    assert _in_alpha(team_a, lambda: CheckoutSession.objects.filter(invoice=committed).count()) == 1
    assert len(stripe.session_requests) == 1


def test_two_people_connecting_at_once_leave_one_connection(team_a, stripe, committed):
    _in_alpha(team_a, lambda: StripeConnection.objects.all().delete())
    on_own_connection(lambda: ProviderAccount.objects.filter(tenant=team_a.tenant).delete())
    saved, may_commit = threading.Event(), threading.Event()

    def connect_and_hold():
        with transaction.atomic():
            stripe_services.stripe_connect(actor=team_a.admin, publishable_key=PUBLISHABLE_KEY, secret_key=SECRET_KEY)
            saved.set()
            may_commit.wait(timeout=10)

    def connect():
        stripe_services.stripe_connect(actor=team_a.manager, publishable_key=PUBLISHABLE_KEY, secret_key=OTHER_KEY)

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(_in_alpha, team_a, connect_and_hold)
        assert saved.wait(timeout=10)
        second = pool.submit(_in_alpha, team_a, connect)
        with pytest.raises(TimeoutError):
            second.result(timeout=0.5)  # it waits on the workspace's row
        may_commit.set()
        first.result(timeout=10)
        second.result(timeout=10)

    kept = _in_alpha(team_a, lambda: list(StripeConnection.objects.values_list("secret_key", "connected_by_id")))
    assert kept == [(OTHER_KEY, team_a.manager.pk)]
    assert on_own_connection(lambda: ProviderAccount.objects.filter(tenant=team_a.tenant).count()) == 1

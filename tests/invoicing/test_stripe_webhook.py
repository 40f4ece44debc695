"""Stripe's webhooks: `POST /webhooks/stripe/` on the workspace's own host, signed with the
secret of the endpoint the workspace added in Stripe (and, for a Connect platform, on the public
host with the platform's secret). A paid Checkout Session settles the invoice and its receivable
once, however often Stripe delivers it; anything forged, tampered with, stale or signed with
another workspace's secret changes nothing."""

import json
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.events.models import Event
from modules.finance.models import Account
from modules.invoicing.models import CheckoutSession, CustomerCredit, InvoicePayment, InvoiceStatus
from modules.invoicing.settlement import invoice_payment_receive

from .billing import Billing
from .fake_stripe import (
    OTHER_SECRET_KEY,
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
    checkout_completed,
    deliver,
    event,
    signed,
    stripe_invoice_paid,
)

CONNECT = "/api/v1/integrations/stripe/connect/"
BETA_SECRET = "whsec_BetaTradingOwnSecret00000000000"
PAID_AT = 1767225600  # 2026-01-01 00:00 UTC


@pytest.fixture
def stripe(httpserver, settings) -> FakeStripe:
    fake = FakeStripe(httpserver, settings)
    fake.accept(SECRET_KEY, "acct_1OaLphaAccount00")
    fake.accept(OTHER_SECRET_KEY, "acct_1OBetaAccount000")
    return fake


@pytest.fixture
def billing(team_a) -> Billing:
    return Billing(team_a)


@pytest.fixture
def alpha(api, team_a, stripe):
    """team_a connected with its webhook secret: the client Stripe posts with, on its host."""
    admin = api(host=team_a.host, user=team_a.admin)
    keys = {"publishable_key": PUBLISHABLE_KEY, "secret_key": SECRET_KEY, "webhook_secret": WEBHOOK_SECRET}
    assert admin.post(CONNECT, keys).status_code == 200
    return Client(HTTP_HOST=team_a.host)


@pytest.fixture
def beta(api, team_b, stripe):
    admin = api(host=team_b.host, user=team_b.admin)
    keys = {"publishable_key": PUBLISHABLE_KEY, "secret_key": OTHER_SECRET_KEY, "webhook_secret": BETA_SECRET}
    assert admin.post(CONNECT, keys).status_code == 200
    return Client(HTTP_HOST=team_b.host)


@pytest.fixture
def checkout(api, team_a, billing, alpha):
    """An issued invoice of 1,250.00 USD and the Checkout Session its payment link opened."""
    invoice = billing.invoice(total="1250.00")
    assert api(host=team_a.host, user=team_a.admin).post(f"/api/v1/invoicing/invoices/{invoice.pk}/payment_link/")
    session = billing.query(lambda: CheckoutSession.objects.get(invoice=invoice))
    return invoice, session


def paid_event(session, team, invoice, **fields):
    metadata = {"innexar_invoice_id": str(invoice.pk), "innexar_tenant": str(team.tenant.pk)}
    return checkout_completed(session.session_id, amount_total=125000, metadata=metadata, created=PAID_AT, **fields)


def state(billing, invoice) -> dict:
    """What a person would look at: the invoice, its receivable, the payments, credits and events."""
    with tenant_context(billing.team.tenant):
        fresh = billing.fresh(invoice)
        receivable = Account.objects.get(pk=fresh.receivable_id)
        return {
            "invoice": (fresh.status, fresh.paid_at),
            "receivable": (receivable.status, receivable.paid_amount, receivable.payment_method),
            "payments": list(InvoicePayment.objects.filter(invoice=invoice).order_by("id").values_list(
                "rail", "external_id", "amount", "settled_invoice",
            )),
            "credits": list(CustomerCredit.objects.values_list("amount", "currency")),
            "sessions": list(CheckoutSession.objects.filter(invoice=invoice).values_list("status", flat=True)),
            "events": Event.objects.filter(name__in=["invoice.paid", "credit.recorded"]).count(),
        }


UNPAID = {
    "invoice": ("issued", None), "receivable": ("pending", Decimal("0.00"), ""), "payments": [], "credits": [],
    "sessions": ["pending"], "events": 0,
}


def test_a_paid_checkout_session_settles_the_invoice_and_its_receivable(alpha, checkout, billing, team_a):
    invoice, session = checkout

    response = deliver(alpha, paid_event(session, team_a, invoice))

    assert (response.status_code, response.json()) == (200, {"received": True})
    paid_at = datetime.fromtimestamp(PAID_AT, tz=UTC)
    assert state(billing, invoice) == {
        "invoice": ("paid", paid_at),
        "receivable": ("paid", Decimal("1250.00"), "credit_card"),
        "payments": [("card", session.session_id, Decimal("1250.00"), True)],
        "credits": [],
        "sessions": ["paid"],
        "events": 1,
    }


def test_a_delivery_stripe_repeats_changes_nothing(alpha, checkout, billing, team_a):
    invoice, session = checkout
    first = paid_event(session, team_a, invoice)
    deliver(alpha, first)
    settled = state(billing, invoice)

    replayed = deliver(alpha, first)
    resent = deliver(alpha, paid_event(session, team_a, invoice))  # the same session in an event of its own

    assert (replayed.status_code, resent.status_code) == (200, 200)
    assert state(billing, invoice) == settled


@pytest.mark.parametrize("forgery", ["wrong secret", "body changed", "ten minutes old", "no signature", "not json"])
def test_a_forged_tampered_or_stale_delivery_is_refused_and_changes_nothing(alpha, checkout, billing, team_a, forgery):
    invoice, session = checkout
    body = json.dumps(paid_event(session, team_a, invoice)).encode()
    signature = signed(body)
    if forgery == "wrong secret":
        signature = signed(body, "whsec_NotTheWorkspacesSecret000000")
    elif forgery == "body changed":
        body = body.replace(b"125000", b"100")
    elif forgery == "ten minutes old":
        signature = signed(body, timestamp=int(time.time()) - 600)
    elif forgery == "not json":
        body = b"amount=125000"
        signature = signed(body)
    headers = {} if forgery == "no signature" else {"HTTP_STRIPE_SIGNATURE": signature}

    response = alpha.post("/webhooks/stripe/", body, content_type="application/json", **headers)

    assert response.status_code == 400
    assert state(billing, invoice) == UNPAID


def test_an_event_signed_with_another_workspaces_secret_is_refused(alpha, beta, checkout, billing, team_a):
    invoice, session = checkout

    response = deliver(alpha, paid_event(session, team_a, invoice), secret=BETA_SECRET)

    assert response.status_code == 400
    assert state(billing, invoice) == UNPAID


def test_another_workspaces_host_never_settles_this_ones_invoice(beta, checkout, billing, team_a):
    invoice, session = checkout

    response = deliver(beta, paid_event(session, team_a, invoice), secret=BETA_SECRET)

    assert response.status_code == 200  # well signed for beta, about nothing beta has
    assert state(billing, invoice) == UNPAID


def test_without_a_webhook_secret_nothing_is_believed(api, team_a, stripe, billing):
    admin = api(host=team_a.host, user=team_a.admin)
    admin.post(CONNECT, {"publishable_key": PUBLISHABLE_KEY, "secret_key": SECRET_KEY})
    invoice = billing.invoice()
    admin.post(f"/api/v1/invoicing/invoices/{invoice.pk}/payment_link/")
    session = billing.query(lambda: CheckoutSession.objects.get(invoice=invoice))

    response = deliver(Client(HTTP_HOST=team_a.host), paid_event(session, team_a, invoice), secret="")

    assert response.status_code == 400
    assert state(billing, invoice) == UNPAID


def test_events_we_do_not_act_on_are_acknowledged(alpha, checkout, billing, team_a):
    invoice, session = checkout

    unknown = deliver(alpha, event("customer.created", {"id": "cus_QxYz0001", "object": "customer"}))
    unpaid = deliver(alpha, paid_event(session, team_a, invoice, payment_status="unpaid"))
    foreign = deliver(alpha, checkout_completed("cs_test_FromAnotherTool0001", amount_total=125000))

    assert [response.status_code for response in (unknown, unpaid, foreign)] == [200, 200, 200]
    assert state(billing, invoice) == UNPAID


def test_a_bank_debit_that_succeeds_later_settles_then(alpha, checkout, billing, team_a):
    invoice, session = checkout
    succeeded = paid_event(session, team_a, invoice)
    succeeded["type"] = "checkout.session.async_payment_succeeded"

    deliver(alpha, succeeded)

    assert state(billing, invoice)["invoice"][0] == "paid"


def test_a_session_we_lost_track_of_settles_by_its_metadata(alpha, billing, team_a):
    invoice = billing.invoice(total="1250.00")
    metadata = {"innexar_invoice_id": str(invoice.pk), "innexar_tenant": str(team_a.tenant.pk)}
    other_workspace = {**metadata, "innexar_tenant": str(team_a.tenant.pk + 1000)}

    deliver(alpha, checkout_completed("cs_test_Unrecorded000001", amount_total=125000, metadata=other_workspace))
    assert state(billing, invoice)["invoice"][0] == "issued"
    deliver(alpha, checkout_completed("cs_test_Unrecorded000002", amount_total=125000, metadata=metadata))

    assert state(billing, invoice)["payments"] == [("card", "cs_test_Unrecorded000002", Decimal("1250.00"), True)]


def test_a_stripe_invoice_paid_for_one_of_ours_settles_it(alpha, billing, team_a):
    invoice = billing.invoice(total="79.00")
    metadata = {"innexar_invoice_id": str(invoice.pk), "innexar_tenant": str(team_a.tenant.pk)}

    deliver(alpha, stripe_invoice_paid("in_1QxYzOtherSystem01", amount_paid=7900))  # not one of ours
    assert state(billing, invoice)["payments"] == []
    response = deliver(alpha, stripe_invoice_paid("in_1QxYzAbCdEf00001", amount_paid=7900, metadata=metadata))

    assert response.status_code == 200
    assert state(billing, invoice)["payments"] == [("card", "in_1QxYzAbCdEf00001", Decimal("79.00"), True)]


def test_a_payment_after_another_rail_paid_becomes_the_customers_credit(alpha, checkout, billing, team_a):
    invoice, session = checkout
    with tenant_context(team_a.tenant):
        invoice_payment_receive(
            invoice_id=invoice.pk, rail="pix", external_id="E18236120202601011200s0123456789",
            amount=Decimal("1250.00"), paid_at=timezone.now(),
        )

    response = deliver(alpha, paid_event(session, team_a, invoice))

    assert response.status_code == 200
    after = state(billing, invoice)
    assert after["invoice"][0] == "paid"
    assert after["receivable"] == ("paid", Decimal("1250.00"), "pix")
    assert after["payments"] == [
        ("pix", "E18236120202601011200s0123456789", Decimal("1250.00"), True),
        ("card", session.session_id, Decimal("1250.00"), False),
    ]
    assert after["credits"] == [(Decimal("1250.00"), "USD")]


def test_more_than_the_total_settles_and_the_rest_is_credit(alpha, checkout, billing, team_a):
    invoice, session = checkout
    overpaid = paid_event(session, team_a, invoice)
    overpaid["data"]["object"]["amount_total"] = 130000

    deliver(alpha, overpaid)

    after = state(billing, invoice)
    assert (after["invoice"][0], after["receivable"][:2]) == ("paid", ("paid", Decimal("1250.00")))
    assert after["credits"] == [(Decimal("50.00"), "USD")]


@pytest.mark.parametrize(("amount", "currency"), [(100000, "usd"), (125000, "eur")])
def test_less_than_the_total_or_another_currency_fails_the_delivery_and_records_nothing(
    alpha, checkout, billing, team_a, amount, currency,
):
    invoice, session = checkout
    wrong = paid_event(session, team_a, invoice)
    wrong["data"]["object"].update(amount_total=amount, currency=currency)

    response = deliver(alpha, wrong)

    assert response.status_code == 500  # Stripe keeps it, retries it, and shows it failing in its dashboard
    assert state(billing, invoice) == UNPAID


def test_a_connect_platforms_event_reaches_the_workspace_of_its_account(alpha, checkout, billing, team_a, settings):
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = "whsec_PlatformConnectEndpoint000000"
    invoice, session = checkout
    public = Client(HTTP_HOST="localhost")

    unknown = deliver(public, paid_event(session, team_a, invoice, account="acct_1NobodysAccount0"),
                      secret=settings.STRIPE_CONNECT_WEBHOOK_SECRET)
    own_secret = deliver(public, paid_event(session, team_a, invoice, account="acct_1OaLphaAccount00"))
    assert (unknown.status_code, own_secret.status_code) == (200, 400)
    assert state(billing, invoice) == UNPAID

    response = deliver(public, paid_event(session, team_a, invoice, account="acct_1OaLphaAccount00"),
                       secret=settings.STRIPE_CONNECT_WEBHOOK_SECRET)

    assert response.status_code == 200
    assert state(billing, invoice)["invoice"][0] == InvoiceStatus.PAID

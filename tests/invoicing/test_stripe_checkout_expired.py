"""`checkout.session.expired`: Stripe closed an invoice's Checkout Session unpaid. It is marked
expired, the invoice's payment link (that session's) is cleared, and the pay page's card button
opens a fresh session; a repeated delivery changes nothing; a paid session stays paid; another
workspace's delivery touches nothing here."""

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from modules.events.models import Event
from modules.invoicing.models import CheckoutSession, InvoiceStatus
from modules.invoicing.paylinks import pay_token

from .billing import Billing
from .fake_stripe import (
    OTHER_SECRET_KEY,
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
    checkout_completed,
    checkout_expired,
    deliver,
)
from .test_stripe_webhook import BETA_SECRET, CONNECT


@pytest.fixture
def stripe(httpserver, settings) -> FakeStripe:
    fake = FakeStripe(httpserver, settings)
    fake.accept(SECRET_KEY, "acct_1OaLphaAccount00")
    fake.accept(OTHER_SECRET_KEY, "acct_1OBetaAccount000")
    return fake


def connected(api, team, secret_key: str, webhook_secret: str) -> Client:
    keys = {"publishable_key": PUBLISHABLE_KEY, "secret_key": secret_key, "webhook_secret": webhook_secret}
    assert api(host=team.host, user=team.admin).post(CONNECT, keys).status_code == 200
    return Client(HTTP_HOST=team.host)


@pytest.fixture
def alpha(api, team_a, stripe) -> Client:
    return connected(api, team_a, SECRET_KEY, WEBHOOK_SECRET)


@pytest.fixture
def billing(team_a) -> Billing:
    return Billing(team_a)


@pytest.fixture
def linked(api, team_a, alpha, billing):
    """An issued invoice and the payment link (Checkout Session) it was given."""
    invoice = billing.invoice(total="1250.00")
    link = api(host=team_a.host, user=team_a.admin).post(f"/api/v1/invoicing/invoices/{invoice.pk}/payment_link/")
    assert link.status_code == 200
    return invoice, billing.query(lambda: CheckoutSession.objects.get(invoice=invoice))


def sessions(billing, invoice) -> list[tuple[str, str]]:
    return billing.query(lambda: list(
        CheckoutSession.objects.filter(invoice=invoice).order_by("id").values_list("url", "status")
    ))


def expired_events(billing) -> int:
    return billing.query(Event.objects.filter(name="invoice.payment_link_expired").count)


def test_an_expired_session_is_marked_so_and_the_pay_page_opens_a_fresh_one(alpha, stripe, linked, billing, team_a):
    invoice, session = linked
    expired = checkout_expired(stripe.session(session.session_id))

    first = deliver(alpha, expired)
    after_first = (sessions(billing, invoice), billing.fresh(invoice).payment_link, expired_events(billing))
    again = deliver(alpha, expired)

    assert (first.status_code, again.status_code) == (200, 200)
    assert after_first == ([(session.url, "expired")], "", 1)
    assert (sessions(billing, invoice), billing.fresh(invoice).payment_link, expired_events(billing)) == after_first

    with tenant_context(team_a.tenant):
        page = f"/pay/{pay_token(invoice.pk)}/"
    fresh = Client(HTTP_HOST=team_a.host).get(f"{page}card/")

    assert fresh.status_code == 302
    assert fresh["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    assert fresh["Location"] != session.url
    assert sessions(billing, invoice) == [(session.url, "expired"), (fresh["Location"], "pending")]
    assert billing.fresh(invoice).payment_link == fresh["Location"]
    assert len(stripe.session_requests) == 2


def test_the_api_gives_a_fresh_link_after_the_expiry(api, alpha, stripe, linked, billing, team_a):
    invoice, session = linked
    deliver(alpha, checkout_expired(stripe.session(session.session_id)))

    response = api(host=team_a.host, user=team_a.admin).post(f"/api/v1/invoicing/invoices/{invoice.pk}/payment_link/")

    assert response.status_code == 200
    assert response.json()["payment_link"] not in ("", session.url)


def test_a_session_paid_before_its_expiry_event_stays_paid(alpha, stripe, linked, billing, team_a):
    invoice, session = linked
    metadata = {"innexar_invoice_id": str(invoice.pk), "innexar_tenant": str(team_a.tenant.pk)}
    deliver(alpha, checkout_completed(session.session_id, amount_total=125000, metadata=metadata))

    response = deliver(alpha, checkout_expired(stripe.session(session.session_id)))

    assert response.status_code == 200
    assert sessions(billing, invoice) == [(session.url, "paid")]
    assert billing.fresh(invoice).status == InvoiceStatus.PAID
    assert expired_events(billing) == 0


def test_an_older_session_expiring_leaves_the_current_link(alpha, stripe, linked, billing):
    """A session replaced already (a new amount) expires: the invoice's link is the new one's."""
    invoice, session = linked
    billing.query(lambda: invoice.__class__.objects.filter(pk=invoice.pk).update(
        payment_link="https://checkout.stripe.com/c/pay/cs_test_TheNewerOne"
    ))

    deliver(alpha, checkout_expired(stripe.session(session.session_id)))

    assert sessions(billing, invoice) == [(session.url, "expired")]
    assert billing.fresh(invoice).payment_link == "https://checkout.stripe.com/c/pay/cs_test_TheNewerOne"
    assert expired_events(billing) == 0


def test_an_unknown_session_or_another_workspaces_delivery_changes_nothing(
    api, team_b, alpha, stripe, linked, billing
):
    invoice, session = linked
    beta = connected(api, team_b, OTHER_SECRET_KEY, BETA_SECRET)

    unknown = deliver(alpha, checkout_expired({"id": "cs_test_NotOurs0001", "object": "checkout.session"}))
    foreign = deliver(beta, checkout_expired(stripe.session(session.session_id)), secret=BETA_SECRET)

    assert (unknown.status_code, foreign.status_code) == (200, 200)
    assert sessions(billing, invoice) == [(session.url, "pending")]
    assert billing.fresh(invoice).payment_link == session.url

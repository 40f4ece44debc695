"""POST /api/v1/invoicing/invoices/{id}/payment_link/: a Stripe Checkout Session for the invoice's
total (the request the local fake Stripe receives is checked field by field), handed out again
while it is open; the sandbox's pay page for a workspace without keys; refusals for an invoice
that cannot be paid, in the caller's language; another workspace's invoice is not found."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.events.models import Event
from modules.invoicing.models import ChargeStatus, CheckoutSession, Invoice, InvoiceStatus
from modules.invoicing.paylinks import pay_token_invoice_id

from .billing import Billing
from .fake_stripe import PUBLISHABLE_KEY, SECRET_KEY, FakeStripe

CONNECT = "/api/v1/integrations/stripe/connect/"


def link_url(invoice) -> str:
    return f"/api/v1/invoicing/invoices/{invoice.pk}/payment_link/"


@pytest.fixture
def stripe(httpserver, settings) -> FakeStripe:
    fake = FakeStripe(httpserver, settings)
    fake.accept(SECRET_KEY, "acct_1OaLphaAccount00")
    return fake


@pytest.fixture
def billing(team_a) -> Billing:
    return Billing(team_a)


@pytest.fixture
def connected(admin_api, stripe):
    assert admin_api.post(CONNECT, {"publishable_key": PUBLISHABLE_KEY, "secret_key": SECRET_KEY}).status_code == 200
    return stripe


def sessions(billing, invoice) -> list[CheckoutSession]:
    return billing.query(lambda: list(CheckoutSession.objects.filter(invoice=invoice).order_by("id")))


def test_it_creates_a_checkout_session_for_the_invoices_total(admin_api, connected, billing, team_a):
    invoice = billing.invoice(total="1250.00", currency="USD")

    response = admin_api.post(link_url(invoice))

    assert response.status_code == 200
    [session] = sessions(billing, invoice)
    assert response.json() == {"payment_link": session.url}
    assert session.url.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    assert (session.amount, session.status) == (invoice.total, ChargeStatus.PENDING)
    assert billing.fresh(invoice).payment_link == session.url
    [sent] = connected.session_requests
    pay_page = sent["cancel_url"]
    assert pay_page.startswith("http://alpha.localhost:8000/pay/")
    assert {key: value for key, value in sent.items() if key not in ("cancel_url", "expires_at")} == {
        "mode": "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "125000",
        "line_items[0][price_data][product_data][name]": f"Invoice {invoice.number}",
        "client_reference_id": f"{team_a.tenant.pk}-{invoice.pk}",
        "metadata[innexar_invoice_id]": str(invoice.pk),
        "metadata[innexar_invoice_number]": invoice.number,
        "metadata[innexar_tenant]": str(team_a.tenant.pk),
        "payment_intent_data[metadata][innexar_invoice_id]": str(invoice.pk),
        "payment_intent_data[metadata][innexar_invoice_number]": invoice.number,
        "payment_intent_data[metadata][innexar_tenant]": str(team_a.tenant.pk),
        "payment_intent_data[description]": f"Invoice {invoice.number}",
        "customer_email": invoice.customer.email,
        "locale": "en",
        "success_url": f"{pay_page}?checkout=done",
    }
    expires_in = int(sent["expires_at"]) - timezone.now().timestamp()
    assert 23.8 * 3600 < expires_in <= 23.9 * 3600
    assert connected.idempotency_keys == [f"innexar-{team_a.tenant.pk}-invoice-{invoice.pk}-USD-125000-0"]
    with tenant_context(team_a.tenant):
        assert pay_token_invoice_id(pay_page.rsplit("/pay/", 1)[1].strip("/")) == invoice.pk
        [event] = Event.objects.filter(name="invoice.payment_link_created")
    assert (event.aggregate_id, event.payload["payment_link"]) == (invoice.pk, session.url)
    assert event.actor_id == team_a.admin.pk


def test_amounts_go_out_in_the_currencys_minor_units_and_the_page_speaks_the_customers_language(
    admin_api, connected, billing,
):
    pesos = billing.invoice(total="150000", currency="CLP")
    reais = billing.invoice(total="99.90", currency="BRL", language="pt-br")

    admin_api.post(link_url(pesos))
    admin_api.post(link_url(reais))

    clp, brl = connected.session_requests
    price = ("line_items[0][price_data][currency]", "line_items[0][price_data][unit_amount]")
    assert [(clp[field], brl[field]) for field in price] == [("clp", "brl"), ("150000", "9990")]
    assert (brl["locale"], brl["line_items[0][price_data][product_data][name]"]) == ("pt-BR", f"Fatura {reais.number}")


def test_the_open_session_is_handed_out_again_for_the_same_amount(admin_api, connected, billing):
    invoice = billing.invoice()

    first = admin_api.post(link_url(invoice)).json()
    second = admin_api.post(link_url(invoice)).json()

    assert first == second
    assert len(connected.session_requests) == 1
    assert len(sessions(billing, invoice)) == 1


def test_a_session_past_its_day_or_for_another_amount_gives_way_to_a_new_one(admin_api, connected, billing, team_a):
    invoice = billing.invoice(total="100.00")
    first = admin_api.post(link_url(invoice)).json()["payment_link"]
    with tenant_context(team_a.tenant):
        CheckoutSession.objects.update(created_at=timezone.now() - timedelta(hours=23, minutes=1))
    second = admin_api.post(link_url(invoice)).json()["payment_link"]
    with tenant_context(team_a.tenant):
        Invoice.objects.filter(pk=invoice.pk).update(total="120.00")
    third = admin_api.post(link_url(invoice)).json()["payment_link"]

    assert len({first, second, third}) == 3
    assert [session.status for session in sessions(billing, invoice)] == ["expired", "expired", "pending"]
    assert connected.idempotency_keys == [
        f"innexar-{team_a.tenant.pk}-invoice-{invoice.pk}-USD-10000-0",
        f"innexar-{team_a.tenant.pk}-invoice-{invoice.pk}-USD-10000-1",
        f"innexar-{team_a.tenant.pk}-invoice-{invoice.pk}-USD-12000-2",
    ]


def test_an_overdue_invoice_gets_a_link_too(admin_api, connected, billing):
    invoice = billing.invoice(status=InvoiceStatus.OVERDUE)

    assert admin_api.post(link_url(invoice)).status_code == 200


@pytest.mark.parametrize(("status", "message"), [
    (InvoiceStatus.DRAFT, "Issue the invoice before asking for its payment."),
    (InvoiceStatus.PAID, "This invoice is already paid."),
    (InvoiceStatus.CANCELLED, "This invoice is cancelled: it cannot be paid."),
])
def test_an_invoice_that_cannot_be_paid_has_no_link(admin_api, connected, billing, status, message):
    invoice = billing.invoice(status=status)

    response = admin_api.post(link_url(invoice))

    assert (response.status_code, response.json()) == (400, {"non_field_errors": [message]})
    assert connected.session_requests == []
    assert sessions(billing, invoice) == []
    assert billing.fresh(invoice).payment_link == ""


def test_the_refusal_speaks_the_callers_language(api, connected, billing, team_a):
    invoice = billing.invoice(status=InvoiceStatus.PAID)

    response = api(host=team_a.host, user=team_a.admin, language="es").post(link_url(invoice))

    assert response.json() == {"non_field_errors": ["Esta factura ya está pagada."]}


def test_a_key_stripe_no_longer_accepts_is_a_400_and_nothing_is_kept(admin_api, connected, billing):
    invoice = billing.invoice()
    connected.accounts.clear()  # the key was rolled in Stripe's dashboard

    response = admin_api.post(link_url(invoice))

    assert (response.status_code, response.json()) == (400, {"non_field_errors": [
        "Stripe refused to create the payment page: check your Stripe account and keys."
    ]})
    assert sessions(billing, invoice) == []


def test_stripe_out_of_reach_is_a_502_retried_with_the_same_idempotency_key(admin_api, connected, billing):
    invoice = billing.invoice()
    connected.unavailable = True

    response = admin_api.post(link_url(invoice))

    assert response.status_code == 502
    assert len(connected.idempotency_keys) == 3 and len(set(connected.idempotency_keys)) == 1
    assert sessions(billing, invoice) == []
    assert billing.fresh(invoice).payment_link == ""


def test_without_keys_the_link_is_the_customers_pay_page_in_sandbox(admin_api, stripe, billing, team_a):
    invoice = billing.invoice()

    response = admin_api.post(link_url(invoice))

    link = response.json()["payment_link"]
    assert link.startswith("http://alpha.localhost:8000/pay/")
    [session] = sessions(billing, invoice)
    assert session.session_id.startswith("sandbox_cs_") and session.url == link
    assert stripe.session_requests == []
    with tenant_context(team_a.tenant):
        assert pay_token_invoice_id(link.rsplit("/pay/", 1)[1].strip("/")) == invoice.pk


def test_without_keys_and_without_the_sandbox_there_is_no_card_payment(admin_api, billing, settings):
    settings.INNEXAR_PAYMENTS_SANDBOX = False
    invoice = billing.invoice()

    response = admin_api.post(link_url(invoice))

    assert (response.status_code, response.json()) == (
        400, {"non_field_errors": ["Connect your Stripe account to take card payments."]}
    )


def test_any_member_makes_a_link(api, connected, billing, team_a):
    invoice = billing.invoice()

    assert api(host=team_a.host, user=team_a.user).post(link_url(invoice)).status_code == 200


def test_another_workspace_cannot_make_a_link_for_this_ones_invoice(api, connected, billing, team_a, team_b):
    invoice = billing.invoice()

    on_its_host = api(host=team_b.host, user=team_b.admin).post(link_url(invoice))
    on_this_host = api(host=team_a.host, user=team_b.admin).post(link_url(invoice))

    assert (on_its_host.status_code, on_this_host.status_code) == (404, 401)
    assert connected.session_requests == []
    assert sessions(billing, invoice) == []

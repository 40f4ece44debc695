"""The customer's pay page, `/pay/<token>/` on the workspace's host: no sign-in, the invoice in the
customer's language with money as the company's country writes it, each way to pay the workspace
has (card through Stripe or the sandbox, PIX, boleto) until one of them pays, and nothing to pay
once it is paid or cancelled. A link opens on its own workspace's host only, and not forever."""

import re
import time
from decimal import Decimal

import pytest
from django.core.signing import TimestampSigner, b62_encode
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.finance.models import Account, BankAccount
from modules.invoicing.brazil.boleto import CollectionAccount, boleto_build
from modules.invoicing.brazil.pix import pix_static_payload
from modules.invoicing.models import (
    Boleto,
    ChargeStatus,
    CheckoutSession,
    CustomerCredit,
    InvoicePayment,
    InvoiceStatus,
    Pix,
)
from modules.invoicing.paylinks import PAY_PURPOSE, pay_token
from modules.invoicing.settlement import invoice_payment_receive
from modules.tenancy.models import CompanyProfile

from .billing import Billing
from .fake_stripe import PUBLISHABLE_KEY, SECRET_KEY, FakeStripe

ITEMS = [("Website redesign", "1", "1000.00"), ("Hosting, 12.5 hours of support", "12.5", "20.00")]


@pytest.fixture
def billing(team_a) -> Billing:
    return Billing(team_a)


@pytest.fixture
def customer(team_a) -> Client:
    """Whoever opens the link: nobody signed in."""
    return Client(HTTP_HOST=team_a.host)


def company(team, **fields) -> None:
    CompanyProfile.objects.filter(tenant=team.tenant).update(**fields)


def page_of(team, invoice) -> str:
    with tenant_context(team.tenant):
        return f"/pay/{pay_token(invoice.pk)}/"


def text(response) -> str:
    """The page's words, as a reader sees them (tags dropped, spaces folded)."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def test_it_shows_the_company_the_invoice_and_the_card_payment_without_a_sign_in(customer, billing, team_a):
    company(team_a, legal_name="Alpha Industries LLC", trade_name="Alpha", tax_id="12-3456789")
    invoice = billing.invoice(total="1250.00", items=ITEMS)

    response = customer.get(page_of(team_a, invoice))

    assert response.status_code == 200
    words = text(response)
    assert "Alpha Alpha Industries LLC · 12-3456789" in words
    assert f"Invoice {invoice.number} Billed to Carla Mendes" in words
    assert "Website redesign 1 $1,000.00 $1,000.00" in words
    assert "Hosting, 12.5 hours of support 12.5 $20.00 $250.00" in words
    assert "Subtotal $1,250.00 Total $1,250.00" in words
    assert "Pay $1,250.00 (sandbox)" in words
    assert response["X-Robots-Tag"] == "noindex"
    assert '<html lang="en"' in response.content.decode()


def test_a_brazilian_customer_reads_it_in_portuguese_and_may_pay_by_pix_or_boleto(customer, billing, team_a):
    company(team_a, country="BR", trade_name="Alfa Indústria")
    invoice = billing.invoice(total="1250.00", currency="BRL", language="pt-br", items=ITEMS)
    code = pix_static_payload("11222333000181", merchant_name="ALFA INDUSTRIA", merchant_city="SAO PAULO",
                              amount=Decimal("1250.00"), txid="INV20250001")
    slip = boleto_build(CollectionAccount("itau", agency="0057", account="12345", wallet="110"), sequence=7,
                        due_date=invoice.due_date, amount=Decimal("1250.00"))
    with tenant_context(team_a.tenant):
        Pix.objects.create(invoice=invoice, type="static", txid="INV20250001", key="11222333000181",
                           amount=Decimal("1250.00"), qr_code_text=code)
        bank = BankAccount.objects.create(name="Itaú", account_number="12345", currency="BRL")
        Boleto.objects.create(invoice=invoice, bank="itau", bank_account=bank, our_number="7", barcode=slip.barcode,
                              digitable_line=slip.digitable_line, due_date=slip.due_date, amount=slip.amount)

    response = customer.get(page_of(team_a, invoice))

    words = text(response)
    assert '<html lang="pt-br"' in response.content.decode()
    assert f"Fatura {invoice.number} Cobrada de Carla Mendes" in words
    assert "Hosting, 12.5 hours of support 12,5 R$ 20,00 R$ 250,00" in words
    assert "Subtotal R$ 1.250,00 Total R$ 1.250,00" in words
    assert "Pagar R$ 1.250,00 (sandbox)" in words
    assert code in words and slip.digitable_line in words
    assert "Copiar o código PIX" in words and "Copiar a linha digitável" in words
    assert 'src="data:image/png;base64,' in response.content.decode()


def test_a_mexican_customer_reads_it_in_spanish_with_mexican_figures(customer, billing, team_a):
    company(team_a, country="MX")
    invoice = billing.invoice(total="12500.50", currency="MXN", language="es")

    words = text(customer.get(page_of(team_a, invoice)))

    assert f"Factura {invoice.number}" in words
    assert "Total $12,500.50" in words
    assert "Pagar $12,500.50 (sandbox)" in words


def test_the_sandbox_card_pays_the_invoice_and_the_page_then_says_so(customer, billing, team_a):
    invoice = billing.invoice(total="1250.00")
    page = page_of(team_a, invoice)

    response = customer.post(f"{page}card/sandbox/")
    again = customer.post(f"{page}card/sandbox/")  # a second click, another tab

    assert (response.status_code, response["Location"]) == (302, page)
    assert again.status_code == 302
    with tenant_context(team_a.tenant):
        [payment] = InvoicePayment.objects.filter(invoice=invoice)
        receivable = Account.objects.get(pk=invoice.receivable_id)
        assert (payment.rail, payment.amount, payment.external_id[:11]) == ("card", Decimal("1250.00"), "sandbox_cs_")
        assert CheckoutSession.objects.get(session_id=payment.external_id).status == ChargeStatus.PAID
        assert (receivable.status, receivable.paid_amount) == ("paid", Decimal("1250.00"))
        assert not CustomerCredit.objects.exists()
    words = text(customer.get(page))
    assert re.search(r"Paid on [A-Z][a-z]+\.? \d{1,2}, \d{4}\. Thank you!", words)
    assert "Pay this invoice" not in words and "sandbox" not in words


def test_whichever_rail_pays_first_takes_the_other_rails_off_the_page(customer, billing, team_a):
    company(team_a, country="BR")
    invoice = billing.invoice(total="99.90", currency="BRL", language="pt-br")
    code = pix_static_payload("11222333000181", merchant_name="ALFA", merchant_city="SAO PAULO",
                              amount=Decimal("99.90"), txid="PIX0001")
    with tenant_context(team_a.tenant):
        pix = Pix.objects.create(invoice=invoice, type="static", txid="PIX0001", key="11222333000181",
                                 amount=Decimal("99.90"), qr_code_text=code)
        invoice_payment_receive(invoice_id=invoice.pk, rail="pix", external_id="E1823612020260101120000000000001",
                                amount=Decimal("99.90"), paid_at=timezone.now(), charge=pix)

    page = page_of(team_a, invoice)
    words = text(customer.get(page))
    late_click = customer.post(f"{page}card/sandbox/")

    assert "Paga em" in words and code not in words and "Pagar R$" not in words
    assert late_click.status_code == 302
    with tenant_context(team_a.tenant):
        assert list(InvoicePayment.objects.values_list("rail", flat=True)) == ["pix"]


def test_a_cancelled_invoice_has_nothing_to_pay(customer, billing, team_a):
    invoice = billing.invoice(status=InvoiceStatus.CANCELLED)

    words = text(customer.get(page_of(team_a, invoice)))

    assert "This invoice was cancelled: there is nothing to pay." in words
    assert "Pay this invoice" not in words


def test_back_from_stripe_before_its_event_the_page_says_the_payment_is_being_confirmed(customer, billing, team_a):
    invoice = billing.invoice()

    words = text(customer.get(f"{page_of(team_a, invoice)}?checkout=done"))

    assert "Thank you! Stripe is confirming your payment" in words


@pytest.fixture
def stripe(api, team_a, httpserver, settings) -> FakeStripe:
    fake = FakeStripe(httpserver, settings)
    fake.accept(SECRET_KEY, "acct_1OaLphaAccount00")
    keys = {"publishable_key": PUBLISHABLE_KEY, "secret_key": SECRET_KEY}
    admin = api(host=team_a.host, user=team_a.admin)
    assert admin.post("/api/v1/integrations/stripe/connect/", keys).status_code == 200
    return fake


def test_with_stripe_the_card_button_opens_stripe_checkout(customer, stripe, billing, team_a):
    invoice = billing.invoice(total="1250.00")
    page = page_of(team_a, invoice)

    words = text(customer.get(page))
    first = customer.get(f"{page}card/")
    second = customer.get(f"{page}card/")

    assert "Pay $1,250.00 by card" in words and "sandbox" not in words
    assert first.status_code == 302 and first["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    assert second["Location"] == first["Location"]
    assert len(stripe.session_requests) == 1
    assert billing.fresh(invoice).payment_link == first["Location"]


def test_with_stripe_out_of_reach_the_page_says_so(customer, stripe, billing, team_a):
    stripe.unavailable = True
    invoice = billing.invoice()

    response = customer.get(f"{page_of(team_a, invoice)}card/")

    assert response.status_code == 502
    assert "Stripe could not be reached. Try again in a few minutes." in text(response)


def test_the_card_link_of_a_paid_invoice_goes_back_to_the_page(customer, stripe, billing, team_a):
    invoice = billing.invoice(status=InvoiceStatus.PAID)
    page = page_of(team_a, invoice)

    response = customer.get(f"{page}card/")

    assert (response.status_code, response["Location"]) == (302, page)
    assert stripe.session_requests == []


def test_a_link_opens_on_its_own_workspaces_host_only(billing, team_a, team_b):
    invoice = billing.invoice()
    page = page_of(team_a, invoice)

    assert Client(HTTP_HOST=team_b.host).get(page).status_code == 404
    assert Client(HTTP_HOST=team_b.host).post(f"{page}card/sandbox/").status_code == 404
    assert Client(HTTP_HOST="localhost").get(page).status_code == 404
    assert billing.fresh(invoice).status == InvoiceStatus.ISSUED


def token_made(days_ago: int, invoice, team) -> str:
    """A genuine link, as it was made `days_ago` days ago."""

    class Backdated(TimestampSigner):
        def timestamp(self):
            return b62_encode(int(time.time()) - days_ago * 86400)

    return Backdated(salt=PAY_PURPOSE).sign_object({"invoice": invoice.pk, "tenant": team.tenant.pk}, compress=True)


def test_a_link_that_is_forged_too_old_or_for_a_draft_opens_nothing(customer, billing, team_a, settings):
    draft = billing.invoice(status=InvoiceStatus.DRAFT)
    invoice = billing.invoice()
    days = settings.INNEXAR_PAY_LINK_DAYS

    assert customer.get(f"/pay/{token_made(days - 1, invoice, team_a)}/").status_code == 200
    assert customer.get(f"/pay/{token_made(days + 1, invoice, team_a)}/").status_code == 404
    assert customer.get(page_of(team_a, draft)).status_code == 404
    assert customer.get(page_of(team_a, invoice).replace("/pay/", "/pay/x")).status_code == 404


def test_the_page_runs_no_inline_script_or_style(customer, billing, team_a):
    invoice = billing.invoice()

    html = customer.get(page_of(team_a, invoice)).content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "<style" not in html and " style=" not in html and " on" + "click=" not in html
    assert '<script src="/static/js/copy.js" defer></script>' in html


def test_the_pages_queries_do_not_grow_with_its_items(customer, billing, team_a):
    short = billing.invoice(total="20.00", items=[("Line", "1", "10.00")] * 2)
    long = billing.invoice(total="300.00", items=[("Line", "1", "10.00")] * 30)

    counts = []
    customer.get(page_of(team_a, short))  # the workspace's snapshots, read once a process
    for invoice in (short, long):
        page = page_of(team_a, invoice)
        with CaptureQueriesContext(connection) as queries:
            assert customer.get(page).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]

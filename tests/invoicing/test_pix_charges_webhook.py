"""`POST https://<workspace>/webhooks/pix/`: payment notifications signed with the workspace's
own webhook secret (`X-Innexar-Signature: t=…,v1=HMAC-SHA256("<t>.<raw body>")`). A genuine one
marks the charge, its invoice and its receivable paid, once; a forged, tampered, stale or unsigned
one is a 400 that reads nothing; an amount other than the charge's is a 400 that changes nothing."""

import json
import time
from decimal import Decimal

import pytest
from django.test import Client

from modules.events.models import Event
from modules.finance.models import Account
from modules.invoicing.models import Invoice, InvoicePayment, Pix
from tests.invoicing.charges_fixtures import *  # noqa: F403 (its fixtures)
from tests.invoicing.charges_fixtures import signed

PATH = "/webhooks/pix/"
E2E = "E18236120202511131530s0123456789"


@pytest.fixture
def secret(charges_a) -> str:
    return charges_a.pix_settings().webhook_secret


@pytest.fixture
def charge(charges_a, secret):
    return charges_a.pix(charges_a.invoice(total="5999.00"), type="dynamic")


def deliver(team, body: bytes, signature: str | None):
    headers = {"HTTP_X_INNEXAR_SIGNATURE": signature} if signature is not None else {}
    return Client(HTTP_HOST=team.host).post(PATH, body, content_type="application/json", **headers)


def paid_state(charges, pix):
    def read():
        invoice = Invoice.objects.get(pk=pix.invoice_id)
        return (Pix.objects.get(pk=pix.pk).status, invoice.status, Account.objects.get(pk=invoice.receivable_id).status,
                InvoicePayment.objects.filter(invoice=invoice).count())
    return charges.query(read)


def spec_event(pix, amount="5999.00") -> dict:
    return {"pix_id": pix.pk, "paid_at": "2025-11-13T15:30:00Z", "amount": amount}


def test_a_signed_notification_marks_the_charge_invoice_and_receivable_paid(team_a, charges_a, secret, charge):
    response = deliver(team_a, *signed(spec_event(charge), secret))

    assert response.status_code == 200
    assert response.json() == {"received": True, "payments": [
        {"pix_id": charge.pk, "txid": charge.txid, "outcome": "paid"}]}
    assert paid_state(charges_a, charge) == ("paid", "paid", "paid", 1)
    payment = charges_a.query(lambda: InvoicePayment.objects.get())
    assert (payment.rail, payment.external_id, payment.amount) == ("pix", str(charge.pk), Decimal("5999.00"))
    assert charges_a.query(lambda: Event.objects.filter(name__in=["invoice.paid", "pix.paid"]).count()) == 2


def test_the_api_pix_notification_is_taken_too(team_a, charges_a, secret, charge):
    event = {"pix": [{"endToEndId": E2E, "txid": charge.txid, "valor": "5999.00",
                      "horario": "2025-11-13T15:30:00.000-03:00", "infoPagador": "Fatura"}]}

    response = deliver(team_a, *signed(event, secret))

    assert response.json()["payments"][0]["outcome"] == "paid"
    assert charges_a.query(lambda: (Pix.objects.get(pk=charge.pk).end_to_end_id,
                                    InvoicePayment.objects.get().external_id)) == (E2E, E2E)


def test_a_replay_changes_nothing(team_a, charges_a, secret, charge):
    body, signature = signed(spec_event(charge), secret)
    deliver(team_a, body, signature)
    after_first = paid_state(charges_a, charge)
    events = charges_a.query(lambda: Event.objects.count())

    again = deliver(team_a, body, signature)
    resigned = deliver(team_a, *signed(spec_event(charge), secret))

    assert again.status_code == resigned.status_code == 200
    assert again.json()["payments"][0]["outcome"] == "already_paid"
    assert paid_state(charges_a, charge) == after_first
    assert charges_a.query(lambda: Event.objects.count()) == events


@pytest.mark.parametrize("forgery", ["wrong secret", "tampered body", "stale", "future", "unsigned", "not hex"])
def test_a_notification_not_signed_by_the_workspace_is_refused_unread(team_a, charges_a, secret, charge, forgery):
    body, signature = signed(spec_event(charge), secret)
    if forgery == "wrong secret":
        body, signature = signed(spec_event(charge), "whsec_guessed")
    elif forgery == "tampered body":
        body = json.dumps(spec_event(charge, amount="1.00")).encode()
    elif forgery == "stale":
        body, signature = signed(spec_event(charge), secret, timestamp=int(time.time()) - 301)
    elif forgery == "future":
        body, signature = signed(spec_event(charge), secret, timestamp=int(time.time()) + 301)
    elif forgery == "unsigned":
        signature = None
    else:
        signature = signature.split("v1=")[0] + "v1=zz"

    response = deliver(team_a, body, signature)

    assert response.status_code == 400
    assert response.json() == {"detail": "The webhook signature is missing or wrong."}
    assert paid_state(charges_a, charge) == ("pending", "issued", "pending", 0)


def test_a_notification_signed_with_another_workspaces_secret_is_refused(team_a, charges_a, charges_b, charge):
    their_secret = charges_b.pix_settings().webhook_secret

    response = deliver(team_a, *signed(spec_event(charge), their_secret))

    assert response.status_code == 400
    assert paid_state(charges_a, charge) == ("pending", "issued", "pending", 0)


def test_another_workspaces_charge_is_unknown_here(team_a, team_b, charges_a, charges_b, charge):
    their_secret = charges_b.pix_settings().webhook_secret

    response = deliver(team_b, *signed(spec_event(charge), their_secret))

    assert response.status_code == 200
    assert response.json()["payments"][0]["outcome"] == "unknown"
    assert paid_state(charges_a, charge) == ("pending", "issued", "pending", 0)


def test_a_wrong_amount_is_refused_and_changes_nothing(team_a, charges_a, secret, charge):
    response = deliver(team_a, *signed(spec_event(charge, amount="5000.00"), secret))

    assert response.status_code == 400
    assert response.json() == {"detail": "The amount paid (R$5,000.00) is not the charge's amount (R$5,999.00)."}
    assert paid_state(charges_a, charge) == ("pending", "issued", "pending", 0)


def test_one_refused_payment_refuses_the_whole_notification(team_a, charges_a, secret, charge):
    other = charges_a.pix(charges_a.invoice(total="10.00"), type="static")
    event = {"pix": [
        {"endToEndId": E2E, "txid": other.txid, "valor": "10.00", "horario": "2025-11-13T15:30:00Z"},
        {"endToEndId": E2E.replace("s0", "s1"), "txid": charge.txid, "valor": "1.00",
         "horario": "2025-11-13T15:30:00Z"},
    ]}

    assert deliver(team_a, *signed(event, secret)).status_code == 400
    paid = charges_a.query(lambda: (Pix.objects.filter(status="paid").count(), InvoicePayment.objects.count()))
    assert paid == (0, 0)


@pytest.mark.parametrize("event", [
    {"pix_id": 1},
    {"pix_id": "one", "paid_at": "2025-11-13T15:30:00Z", "amount": "1.00"},
    {"pix_id": 1, "paid_at": "yesterday", "amount": "1.00"},
    {"pix_id": 1, "paid_at": "2025-11-13T15:30:00", "amount": "1.00"},
    {"pix_id": 1, "paid_at": "2025-11-13T15:30:00Z", "amount": "1e999999"},
    {"pix": [{"endToEndId": "short", "txid": "x", "valor": "1.00", "horario": "2025-11-13T15:30:00Z"}]},
    {"pix": "none"},
])
def test_a_notification_that_is_not_one_is_refused(team_a, charges_a, secret, charge, event):
    response = deliver(team_a, *signed(event, secret))

    assert response.status_code == 400 and "This is not a PIX notification" in response.json()["detail"]


def test_a_payment_to_the_key_that_is_no_charge_of_ours_is_acknowledged(team_a, charges_a, secret, charge):
    event = {"pix": [{"endToEndId": E2E, "txid": "SomeoneElsesCharge0000000000001", "valor": "10.00",
                      "horario": "2025-11-13T15:30:00Z"}]}

    response = deliver(team_a, *signed(event, secret))

    assert response.status_code == 200 and response.json()["payments"][0]["outcome"] == "unknown"


def test_a_standalone_code_records_its_first_payment(team_a, charges_a, secret):
    code = charges_a.pix(type="static", amount=Decimal("25.00"))
    event = {"pix": [{"endToEndId": E2E, "txid": code.txid, "valor": "25.00", "horario": "2025-11-13T15:30:00Z"}]}

    first = deliver(team_a, *signed(event, secret)).json()
    again = deliver(team_a, *signed(event, secret)).json()

    assert [first["payments"][0]["outcome"], again["payments"][0]["outcome"]] == ["paid", "already_paid"]
    assert charges_a.query(lambda: Pix.objects.values_list("status", "paid_amount", "end_to_end_id").get(
        pk=code.pk)) == ("paid", Decimal("25.00"), E2E)


def test_the_public_host_has_no_pix_webhook(charges_a, secret, charge):
    response = Client(HTTP_HOST="localhost").post(PATH, *signed(spec_event(charge), secret)[:1],
                                                  content_type="application/json")

    assert response.status_code == 404


def test_a_workspace_without_pix_settings_takes_no_notification(team_b, charges_b):
    assert deliver(team_b, *signed({"pix_id": 1, "paid_at": "2025-11-13T15:30:00Z", "amount": "1.00"},
                                   "")).status_code == 400

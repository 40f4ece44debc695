"""Dynamic PIX charges at a PSP through API Pix, against a fake PSP on this machine answering in
Banco Central's JSON (fake_psp.py): the token, the `cob` made with its expiry, amount and key, its
location in the code; the PSP's refusals (CobOperacaoInvalida, credentials, no answer) as a 400
that writes nothing; `check/` reading the charge back (GET /v2/cob/{txid})."""

from decimal import Decimal

import pytest
from django.utils.dateparse import parse_datetime

from modules.finance.models import Account
from modules.invoicing.brazil.pix import brcode_parse
from modules.invoicing.models import Invoice, InvoicePayment, Pix
from tests.invoicing.charges_fixtures import *  # noqa: F403 (its fixtures)
from tests.invoicing.charges_fixtures import PIX_KEY
from tests.invoicing.fake_psp import COB_INVALID, FakePsp

URL = "/api/v1/invoicing/pix/"
E2E = "E18236120202511131530s0123456789"


@pytest.fixture
def psp(httpserver, charges_a):
    fake = FakePsp(httpserver)
    charges_a.pix_settings(**fake.settings())
    return fake


@pytest.fixture
def owner(api, team_a):
    return api(host=team_a.host, user=team_a.user)


def test_a_charge_is_made_at_the_psp_and_its_code_carries_the_psps_location(owner, charges_a, psp):
    invoice = charges_a.invoice(total="5999.00")

    response = owner.post(URL, {"type": "dynamic", "invoice_id": invoice.pk, "expires_in_hours": 48})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert [(method, path) for method, path, _body in psp.requests] == [
        ("POST", "/oauth/token"), ("PUT", f"/v2/cob/{body['txid']}")]
    assert psp.requests[1][2] == {"calendario": {"expiracao": 172800}, "valor": {"original": "5999.00"},
                                  "chave": PIX_KEY, "solicitacaoPagador": f"Invoice {invoice.number}"}
    code = brcode_parse(body["qr_code_text"])
    assert code.url == f"pix.example.com/qr/v2/{body['txid'].lower()}" and code.amount == Decimal("5999.00")
    assert body["location"] == f"https://{code.url}"
    created = parse_datetime(psp.cobs[body["txid"]]["calendario"]["criacao"])
    assert (parse_datetime(body["expires_at"]) - created).total_seconds() == 172800


def test_the_psps_refusal_is_a_400_with_its_words_and_nothing_is_written(owner, charges_a, psp):
    psp.problem = COB_INVALID

    response = owner.post(URL, {"type": "dynamic", "amount": "10.00"})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [f"The PIX provider refused the charge: {COB_INVALID['detail']}"]}
    assert charges_a.query(lambda: Pix.objects.count()) == 0


def test_credentials_the_psp_refuses_are_named(owner, charges_a, psp):
    charges_a.pix_settings(psp_client_secret="not-the-secret")

    response = owner.post(URL, {"type": "dynamic", "amount": "10.00"})

    assert response.status_code == 400
    assert "refused our credentials" in response.json()["non_field_errors"][0]
    assert [path for _method, path, _body in psp.requests] == ["/oauth/token"]


def test_a_psp_that_does_not_answer_is_told_as_such(owner, charges_a, psp):
    charges_a.pix_settings(psp_base_url="http://127.0.0.1:9")  # the discard port: nothing listens

    response = owner.post(URL, {"type": "dynamic", "amount": "10.00"})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The PIX provider could not be reached: try again in a moment."]}


def test_static_codes_need_no_psp(owner, charges_a, psp):
    assert owner.post(URL, {"type": "static", "amount": "10.00"}).status_code == 201
    assert psp.requests == []


def test_checking_a_paid_charge_settles_its_invoice_once(owner, charges_a, psp):
    invoice = charges_a.invoice(total="5999.00")
    pix = charges_a.pix(invoice, type="dynamic")
    psp.pay(pix.txid, end_to_end_id=E2E, amount="5999.00")

    first = owner.post(f"{URL}{pix.pk}/check/")
    second = owner.post(f"{URL}{pix.pk}/check/")

    assert first.status_code == 200
    assert (first.json()["status"], first.json()["end_to_end_id"], first.json()["paid_amount"]) == (
        "paid", E2E, "5999.00")
    assert second.json()["status"] == "paid"
    assert charges_a.query(lambda: (
        Invoice.objects.get(pk=invoice.pk).status, Account.objects.get(pk=invoice.receivable_id).status,
        list(InvoicePayment.objects.values_list("rail", "external_id")),
    )) == ("paid", "paid", [("pix", E2E)])
    assert [method for method, _path, _body in psp.requests].count("GET") == 2


def test_a_charge_the_psp_removed_is_cancelled(owner, charges_a, psp):
    pix = charges_a.pix(amount=Decimal("10.00"))
    psp.remove(pix.txid)

    assert owner.post(f"{URL}{pix.pk}/check/").json()["status"] == "cancelled"

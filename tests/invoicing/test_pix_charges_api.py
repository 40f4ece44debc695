"""`/api/v1/invoicing/pix/`: static codes and dynamic charges (the sandbox's here; the PSP's in
test_pix_charges_psp.py), for an invoice of its total or on their own; read, listed, filtered;
expired once past their expiry; every refusal a translated 400 that writes nothing."""

import base64
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from modules.events.models import Event
from modules.invoicing.brazil.pix import brcode_parse
from modules.invoicing.models import Pix
from modules.invoicing.tasks import pix_charges_expire_all
from tests.invoicing.charges_fixtures import *  # noqa: F403 (its fixtures)
from tests.invoicing.charges_fixtures import PIX_KEY

URL = "/api/v1/invoicing/pix/"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def owner(api, team_a, charges_a):
    charges_a.pix_settings()
    return api(host=team_a.host, user=team_a.user)


def png_of(data_uri: str) -> bytes:
    prefix, encoded = data_uri.split(",", 1)
    assert prefix == "data:image/png;base64"
    return base64.b64decode(encoded)


def test_a_static_code_for_an_invoice_carries_its_total_and_a_txid(owner, charges_a):
    invoice = charges_a.invoice(total="5999.00")

    response = owner.post(URL, {"type": "static", "invoice_id": invoice.pk})

    assert response.status_code == 201, response.json()
    body = response.json()
    code = brcode_parse(body["qr_code_text"])
    assert (code.key, code.amount, code.txid, code.merchant_name, code.merchant_city) == (
        PIX_KEY, Decimal("5999.00"), body["txid"], "Padaria Sao Jose", "Sao Paulo")
    assert len(body["txid"]) == 25 and body["txid"].isalnum()
    assert png_of(body["qr_code"]).startswith(PNG_SIGNATURE)
    assert (body["type"], body["amount"], body["status"], body["expires_at"], body["invoice"]["number"]) == (
        "static", "5999.00", "pending", None, invoice.number)
    assert charges_a.query(lambda: Event.objects.filter(name="pix.created").count()) == 1


def test_a_static_code_on_its_own_may_leave_the_amount_to_the_payer(owner):
    body = owner.post(URL, {"type": "static"}).json()

    code = brcode_parse(body["qr_code_text"])
    assert (code.amount, body["amount"], body["invoice"]) == (None, None, None)
    assert code.point_of_initiation is None  # reusable


def test_a_sandbox_dynamic_charge_expires_when_asked(owner, charges_a):
    invoice = charges_a.invoice(total="250.00")
    before = timezone.now()

    body = owner.post(URL, {"type": "dynamic", "invoice_id": invoice.pk, "amount": "250.00",
                            "expires_in_hours": 2}).json()

    code = brcode_parse(body["qr_code_text"])
    assert 26 <= len(body["txid"]) <= 35 and body["txid"].isalnum()
    assert code.url == f"pix.localhost/sandbox/qr/v2/{body['txid']}" and code.point_of_initiation == "12"
    assert code.amount == Decimal("250.00") and code.key is None
    assert body["location"] == f"https://{code.url}"
    expires_at = parse_datetime(body["expires_at"])
    assert before + timedelta(hours=2) <= expires_at <= timezone.now() + timedelta(hours=2)
    assert png_of(body["qr_code"]).startswith(PNG_SIGNATURE)


def test_a_dynamic_charge_expires_in_a_day_unless_told(owner, charges_a):
    body = owner.post(URL, {"type": "dynamic", "amount": "10.00"}).json()

    remaining = parse_datetime(body["expires_at"]) - timezone.now()
    assert timedelta(hours=23, minutes=59) < remaining <= timedelta(hours=24)


REFUSALS = [
    pytest.param({"type": "static", "invoice": "usd"}, "invoice_id", "this invoice is in USD", id="not-brl"),
    pytest.param({"type": "dynamic", "invoice": "draft"}, "invoice_id", "this one is draft", id="draft"),
    pytest.param({"type": "static", "invoice": "issued", "amount": "6000.00"}, "amount",
                 "cannot be more than the invoice's total", id="above-total"),
    pytest.param({"type": "dynamic", "invoice": "issued", "amount": "1.00"}, "amount",
                 "its amount is the invoice's total", id="below-total"),
    pytest.param({"type": "dynamic"}, "amount", "A dynamic PIX charge needs an amount.", id="dynamic-no-amount"),
    pytest.param({"type": "static", "expires_in_hours": 5}, "expires_in_hours", "does not expire",
                 id="static-expiry"),
    pytest.param({"type": "dynamic", "amount": "1.00", "expires_in_hours": 0}, "expires_in_hours",
                 "greater than or equal to 1", id="expiry-zero"),
    pytest.param({"type": "dynamic", "amount": "1.00", "expires_in_hours": 721}, "expires_in_hours",
                 "less than or equal to 720", id="expiry-too-long"),
    pytest.param({"type": "static", "amount": "0.00"}, "amount", "greater than or equal to 0.01", id="zero"),
    pytest.param({"type": "static", "amount": "1.001"}, "amount", "no more than 2 decimal places", id="fraction"),
    pytest.param({"type": "instant"}, "type", "is not a valid choice", id="unknown-type"),
    pytest.param({"type": "static", "invoice_id": 2**31}, "invoice_id", "does not exist", id="unknown-invoice"),
]


@pytest.mark.parametrize("body, field, message", REFUSALS)
def test_refusals_name_the_field_and_write_nothing(owner, charges_a, body, field, message):
    body = dict(body)
    status = body.pop("invoice", None)
    if status:
        body["invoice_id"] = charges_a.invoice(currency="USD" if status == "usd" else "BRL",
                                               status="draft" if status == "draft" else "issued").pk

    response = owner.post(URL, body)

    assert response.status_code == 400
    assert list(response.json()) == [field] and message in response.json()[field][0]
    assert charges_a.query(lambda: (Pix.objects.count(), Event.objects.filter(name="pix.created").count())) == (0, 0)


def test_without_pix_settings_the_workspace_is_told_to_set_them_up(api, team_a, charges_a):
    response = api(host=team_a.host, user=team_a.user, language="pt-BR").post(URL, {"type": "static"})

    assert response.status_code == 400
    assert response.json() == {"type": [
        "Configure primeiro a sua chave PIX: um gerente ou administrador faz isso nas configurações de PIX."]}


def test_a_charge_is_read_with_its_image_and_listed_without(owner, charges_a):
    invoice = charges_a.invoice()
    static = charges_a.pix(invoice, type="static")
    dynamic = charges_a.pix(invoice, amount=Decimal("5999.00"))
    charges_a.pix(type="static")

    detail = owner.get(f"{URL}{static.pk}/").json()
    listed = owner.get(URL, {"invoice_id": invoice.pk}).json()
    dynamic_only = owner.get(URL, {"type": "dynamic"}).json()

    assert detail["qr_code"].startswith("data:image/png;base64,") and detail["txid"] == static.txid
    assert [row["id"] for row in listed["results"]] == [dynamic.pk, static.pk]
    assert all(row["qr_code"] is None and row["qr_code_text"] for row in listed["results"])
    assert [row["id"] for row in dynamic_only["results"]] == [dynamic.pk]


def test_a_charge_past_its_expiry_reads_expired_before_the_task_writes_it_down(owner, charges_a):
    expired = charges_a.pix(amount=Decimal("10.00"), expires_in_hours=1)
    live = charges_a.pix(amount=Decimal("10.00"))
    charges_a.query(lambda: Pix.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1)))

    assert owner.get(f"{URL}{expired.pk}/").json()["status"] == "expired"
    assert [row["id"] for row in owner.get(URL, {"status": "expired"}).json()["results"]] == [expired.pk]
    assert [row["id"] for row in owner.get(URL, {"status": "pending"}).json()["results"]] == [live.pk]
    assert charges_a.query(lambda: Pix.objects.get(pk=expired.pk).status) == "pending"

    assert pix_charges_expire_all.delay().get() >= 1  # one task per workspace, each in its own schema
    assert charges_a.query(lambda: dict(Pix.objects.values_list("pk", "status"))) == {
        expired.pk: "expired", live.pk: "pending"}
    assert charges_a.query(lambda: Event.objects.filter(name="pix.expired").count()) == 1


def test_the_lists_query_count_does_not_grow_with_its_page_size(owner, charges_a):
    for _ in range(4):
        charges_a.pix(charges_a.invoice(), type="static")

    owner.get(URL)  # the first request of a process fills its caches (tenant, user)
    counts = []
    for size in (1, 4):
        with CaptureQueriesContext(connection) as queries:
            assert len(owner.get(URL, {"page_size": size}).json()["results"]) == size
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_a_charge_is_not_changed_or_deleted_by_the_api(owner, charges_a):
    pix = charges_a.pix(type="static")

    assert owner.patch(f"{URL}{pix.pk}/", {"amount": "1.00"}).status_code == 405
    assert owner.delete(f"{URL}{pix.pk}/").status_code == 405


def test_another_workspace_finds_none_of_our_charges(api, team_b, charges_a, charges_b):
    charges_a.pix_settings()
    ours = charges_a.pix(charges_a.invoice(), type="static")
    charges_b.pix_settings()
    intruder = api(host=team_b.host, user=team_b.admin)

    assert intruder.get(f"{URL}{ours.pk}/").status_code == 404
    assert intruder.post(f"{URL}{ours.pk}/check/").status_code == 404
    assert intruder.get(URL).json()["count"] == 0
    refused = intruder.post(URL, {"type": "static", "invoice_id": ours.invoice_id})
    assert refused.status_code == 400 and list(refused.json()) == ["invoice_id"]
    assert charges_b.query(lambda: Pix.objects.count()) == 0


def test_checking_a_sandbox_charge_changes_nothing(owner, charges_a):
    pix = charges_a.pix(amount=Decimal("10.00"))

    response = owner.post(f"{URL}{pix.pk}/check/")

    assert response.status_code == 200 and response.json()["status"] == "pending"

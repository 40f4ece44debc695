"""`/api/v1/invoicing/boletos/`: a boleto made for an issued invoice in reais, drawn on the bank
account set up at the bank asked for, numbered gaplessly per account, printed to a signed PDF
link; read, listed and filtered; every refusal a translated 400 that writes nothing."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.core.models import Sequence
from modules.events.models import Event
from modules.invoicing.brazil.boleto import CollectionAccount, boleto_build, boleto_read
from modules.invoicing.models import Boleto
from tests.invoicing.charges_fixtures import *  # noqa: F403 (its fixtures)
from tests.invoicing.charges_fixtures import PAYER, in_days

URL = "/api/v1/invoicing/boletos/"


@pytest.fixture
def owner(api, team_a):
    return api(host=team_a.host, user=team_a.user)


def test_a_boleto_is_made_for_an_issued_invoice(owner, charges_a):
    charges_a.bank_account("bradesco")
    invoice = charges_a.invoice(total="5999.00")

    response = owner.post(URL, {"invoice_id": invoice.pk, "bank": "bradesco", "due_date": str(in_days(20)),
                                "amount": "5999.00"})

    assert response.status_code == 201, response.json()
    body = response.json()
    expected = boleto_build(CollectionAccount("bradesco", agency="3381", account="1234567", wallet="09"),
                            sequence="1", due_date=in_days(20), amount=Decimal("5999.00"))
    assert (body["barcode"], body["digitableLine"], body["our_number"]) == (
        expected.barcode, expected.digitable_line, expected.nosso_numero)
    assert (body["status"], body["amount"], body["due_date"], body["bank"]) == (
        "pending", "5999.00", str(in_days(20)), "bradesco")
    assert body["invoice"]["number"] == invoice.number and body["invoice_id"] == invoice.pk
    read = boleto_read(body["digitableLine"], today=timezone.localdate())
    assert (read.amount, read.due_date, read.bank) == (Decimal("5999.00"), in_days(20), "bradesco")
    assert charges_a.query(lambda: Event.objects.filter(name="boleto.created").count()) == 1


def test_the_pdf_link_opens_the_boleto_on_the_workspaces_host_only(owner, charges_a, client, team_a, team_b):
    charges_a.bank_account("itau")
    invoice = charges_a.invoice()

    body = owner.post(URL, {"invoice_id": invoice.pk, "bank": "itau"}).json()

    link = urlsplit(body["pdf_url"])
    assert link.hostname == "alpha.localhost"
    pdf = client.get(link.path, HTTP_HOST=team_a.host)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(link.path, HTTP_HOST=team_b.host).status_code == 404


def test_the_amount_and_due_date_default_to_the_invoices(owner, charges_a):
    charges_a.bank_account("bb")
    invoice = charges_a.invoice(total="120.50", due_in_days=12)

    body = owner.post(URL, {"invoice_id": invoice.pk, "bank": "bb"}).json()

    assert (body["amount"], body["due_date"]) == ("120.50", str(in_days(12)))
    assert body["our_number"] == "12345670000000001"  # BB's 7-digit agreement and a 10-digit sequence


def test_an_overdue_invoices_boleto_is_due_today_unless_told(owner, charges_a):
    charges_a.bank_account("bradesco")
    invoice = charges_a.invoice(status="overdue", issued_days_ago=40, due_in_days=30)

    body = owner.post(URL, {"invoice_id": invoice.pk, "bank": "bradesco"}).json()

    assert body["due_date"] == str(timezone.localdate())


def test_nosso_numero_counts_per_bank_account_without_gaps(owner, charges_a):
    first_account = charges_a.bank_account("bradesco")
    numbers = [owner.post(URL, {"invoice_id": charges_a.invoice().pk, "bank": "bradesco"}).json()["our_number"]
               for _ in range(2)]
    # A refusal after the number was taken (the library refuses the account's agreement) gives it back.
    charges_a.query(lambda: type(first_account).objects.filter(pk=first_account.pk).update(boleto_wallet="123"))
    refused = owner.post(URL, {"invoice_id": charges_a.invoice().pk, "bank": "bradesco"})
    charges_a.query(lambda: type(first_account).objects.filter(pk=first_account.pk).update(boleto_wallet="09"))
    third = owner.post(URL, {"invoice_id": charges_a.invoice().pk, "bank": "bradesco"}).json()["our_number"]

    assert refused.status_code == 400 and "wallet" in refused.json()["bank"][0]
    assert [number.split("/")[1][:11] for number in [*numbers, third]] == ["00000000001", "00000000002",
                                                                          "00000000003"]


def test_sicredis_nosso_numero_carries_the_year(owner, charges_a):
    charges_a.bank_account("sicredi")

    body = owner.post(URL, {"invoice_id": charges_a.invoice().pk, "bank": "sicredi"}).json()

    assert body["our_number"].startswith(f"{timezone.localdate():%y}/200001-")


def test_the_payer_is_kept_as_registered(owner, charges_a):
    charges_a.bank_account("bradesco")
    invoice = charges_a.invoice(company="Mendes Comércio")

    given = owner.post(URL, {"invoice_id": invoice.pk, "bank": "bradesco", "payer": PAYER}).json()
    default = owner.post(URL, {"invoice_id": charges_a.invoice(company="Mendes Comércio").pk,
                               "bank": "bradesco"}).json()

    assert given["payer"] == {**PAYER, "document": "52998224725", "zip_code": "01001000"}
    assert default["payer"]["name"] == "Mendes Comércio" and default["payer"]["document"] == ""


REFUSALS = [
    pytest.param("no_account", {}, "bank", "There is no active bank account in reais at Bradesco", id="no-account"),
    pytest.param("no_agreement", {}, "bank", "Fill the boleto agreement (convênio) of the bank account",
                 id="no-agreement"),
    pytest.param("usd", {}, "invoice_id", "Boletos and PIX charge in reais (BRL); this invoice is in USD",
                 id="not-brl"),
    pytest.param("draft", {}, "invoice_id", "Only an issued invoice can be charged; this one is draft", id="draft"),
    pytest.param("paid", {}, "invoice_id", "Only an issued invoice can be charged; this one is paid", id="paid"),
    pytest.param("", {"amount": "6000.00"}, "amount", "cannot be more than the invoice's total (R$5,999.00)",
                 id="above-total"),
    pytest.param("", {"amount": "100.00"}, "amount", "its amount is the invoice's total (R$5,999.00)",
                 id="below-total"),
    pytest.param("", {"due_date": "2020-01-01"}, "due_date", "cannot be due in the past", id="past-due"),
    pytest.param("", {"payer": {"document": "123.456.789-00"}}, "payer", "valid CPF", id="bad-payer-cpf"),
    pytest.param("", {"payer": {"zip_code": "123"}}, "payer", "A CEP has 8 digits", id="bad-cep"),
    pytest.param("", {"bank": "nubank"}, "bank", "is not a valid choice", id="unknown-bank"),
    pytest.param("unknown_invoice", {}, "invoice_id", "does not exist", id="unknown-invoice"),
]


@pytest.mark.parametrize("setup, overrides, field, message", REFUSALS)
def test_refusals_name_the_field_and_write_nothing(owner, charges_a, setup, overrides, field, message):
    if setup != "no_account":
        charges_a.bank_account("bradesco", **({"boleto_agreement": ""} if setup == "no_agreement" else {}))
    invoice = charges_a.invoice(currency="USD" if setup == "usd" else "BRL",
                                status={"draft": "draft", "paid": "paid"}.get(setup, "issued"))
    body = {"invoice_id": 2**31 if setup == "unknown_invoice" else invoice.pk, "bank": "bradesco", **overrides}

    response = owner.post(URL, body)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in str(response.json()[field])
    assert charges_a.query(lambda: (Boleto.objects.count(), Sequence.objects.filter(key__startswith="boleto:").count(),
                                    Event.objects.filter(name="boleto.created").count())) == (0, 0, 0)


def test_refusals_are_translated(api, team_a, charges_a):
    charges_a.bank_account("itau", boleto_wallet="")
    client = api(host=team_a.host, user=team_a.user, language="pt-BR")

    response = client.post(URL, {"invoice_id": charges_a.invoice().pk, "bank": "itau"})

    assert response.json() == {"bank": [
        "Preencha a carteira de cobrança da conta bancária “Itau collection” no Financeiro para emitir boletos do "
        "banco Itaú."]}


def test_an_inactive_or_foreign_currency_account_is_not_drawn_on(owner, charges_a):
    charges_a.bank_account("bradesco", is_active=False)
    charges_a.bank_account("bradesco", currency="USD")

    response = owner.post(URL, {"invoice_id": charges_a.invoice().pk, "bank": "bradesco"})

    assert response.status_code == 400 and "no active bank account in reais" in response.json()["bank"][0]


def test_a_boleto_is_read_and_listed_with_filters(owner, charges_a):
    charges_a.bank_account("bradesco")
    first, second = charges_a.invoice(), charges_a.invoice()
    made = [charges_a.boleto(first), charges_a.boleto(second)]
    charges_a.query(lambda: Boleto.objects.filter(pk=made[0].pk).update(status="paid"))

    detail = owner.get(f"{URL}{made[1].pk}/").json()
    paid = owner.get(URL, {"status": "paid"}).json()
    of_second = owner.get(URL, {"invoice_id": second.pk}).json()
    pending_of_first = owner.get(URL, {"invoice_id": first.pk, "status": "pending"}).json()

    assert (detail["id"], detail["status"], detail["invoice"]["number"]) == (made[1].pk, "pending", second.number)
    assert detail["pdf_url"].startswith("http://alpha.localhost")
    assert [row["id"] for row in paid["results"]] == [made[0].pk]
    assert [row["id"] for row in of_second["results"]] == [made[1].pk]
    assert pending_of_first["count"] == 0
    assert owner.get(URL, {"status": "lost"}).status_code == 400


def test_the_lists_query_count_does_not_grow_with_its_page_size(owner, charges_a):
    charges_a.bank_account("bradesco")
    for _ in range(4):
        charges_a.boleto()

    owner.get(URL)  # the first request of a process fills its caches (tenant, user)
    counts = []
    for size in (1, 4):
        with CaptureQueriesContext(connection) as queries:
            assert len(owner.get(URL, {"page_size": size}).json()["results"]) == size
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_a_boleto_is_not_changed_or_deleted_by_the_api(owner, charges_a):
    charges_a.bank_account("bradesco")
    boleto = charges_a.boleto()

    assert owner.patch(f"{URL}{boleto.pk}/", {"amount": "1.00"}).status_code == 405
    assert owner.delete(f"{URL}{boleto.pk}/").status_code == 405
    assert charges_a.query(lambda: Boleto.objects.get(pk=boleto.pk).amount) == Decimal("5999.00")


def test_another_workspace_finds_none_of_our_boletos(api, team_b, charges_a, charges_b):
    charges_a.bank_account("bradesco")
    ours = charges_a.boleto()
    intruder = api(host=team_b.host, user=team_b.admin)
    charges_b.bank_account("bradesco")

    assert intruder.get(f"{URL}{ours.pk}/").status_code == 404
    assert intruder.get(URL).json()["count"] == 0
    # Our invoice does not exist for them: the reference is refused as any unknown id is.
    refused = intruder.post(URL, {"invoice_id": ours.invoice_id, "bank": "bradesco"})
    assert refused.status_code == 400 and list(refused.json()) == ["invoice_id"]
    assert charges_b.query(lambda: Boleto.objects.count()) == 0


def test_a_token_of_one_workspace_is_refused_on_another(api, team_a, team_b, charges_a):
    charges_a.bank_account("bradesco")
    boleto = charges_a.boleto()

    assert api(host=team_b.host, user=team_a.admin).get(f"{URL}{boleto.pk}/").status_code in (401, 403)
    assert api(host=team_a.host).get(URL).status_code == 401


def test_the_due_date_is_the_workspaces_today_at_the_earliest(owner, charges_a):
    charges_a.bank_account("bradesco")
    today = timezone.localdate()

    on_the_day = owner.post(URL, {"invoice_id": charges_a.invoice().pk, "bank": "bradesco", "due_date": str(today)})
    yesterday = owner.post(URL, {"invoice_id": charges_a.invoice().pk, "bank": "bradesco",
                                 "due_date": str(today - timedelta(days=1))})

    assert (on_the_day.status_code, yesterday.status_code) == (201, 400)

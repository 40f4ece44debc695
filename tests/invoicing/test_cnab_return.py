"""`POST /api/v1/invoicing/boletos/return_file/`: the bank's CNAB 240 return, read for one bank
account. Each boleto it reports paid settles its invoice and receivable once (a file imported
twice changes nothing); every line says what became of it: paid, already paid, unknown, refused,
noted. Managers and admins only."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.finance.models import Account
from modules.invoicing.models import Boleto, CustomerCredit, Invoice, InvoicePayment, Pix
from tests.invoicing.charges_fixtures import *  # noqa: F403 (its fixtures)
from tests.invoicing.charges_fixtures import return_file, t_u, title_id

URL = "/api/v1/invoicing/boletos/return_file/"


@pytest.fixture
def manager(api, team_a):
    return api(host=team_a.host, user=team_a.manager)


@pytest.fixture
def bradesco(charges_a):
    """A Bradesco account with a boleto for an invoice of R$ 5,999.00 (and a PIX charge of it)."""
    charges_a.pix_settings()
    account = charges_a.bank_account("bradesco")
    invoice = charges_a.invoice(total="5999.00")
    charges_a.pix(invoice)
    return account, charges_a.boleto(invoice)


def upload(client, account, content: bytes, name: str = "CB141201.RET"):
    return client.post(URL, {"bank_account_id": account.pk, "file": SimpleUploadedFile(name, content)},
                       format="multipart")


def state(charges, boleto):
    def read():
        invoice = Invoice.objects.get(pk=boleto.invoice_id)
        return {
            "boleto": Boleto.objects.values_list("status", "paid_amount").get(pk=boleto.pk),
            "invoice": invoice.status,
            "receivable": Account.objects.values_list("status", "paid_amount").get(pk=invoice.receivable_id),
            "payments": InvoicePayment.objects.filter(invoice=invoice).count(),
            "pix": list(Pix.objects.filter(invoice=invoice).values_list("status", flat=True)),
        }
    return charges.query(read)


def test_a_paid_boleto_settles_its_invoice_and_receivable_once(manager, charges_a, bradesco):
    account, boleto = bradesco
    content = return_file("237", [t_u("237", title_id("bradesco", boleto.our_number), "06", paid=Decimal("5999.00"))])

    first = upload(manager, account, content)
    after_first = state(charges_a, boleto)
    second = upload(manager, account, content)

    assert first.status_code == 200
    assert first.json()["counts"] == {"paid": 1, "already_paid": 0, "unknown": 0, "refused": 0, "noted": 0}
    line = first.json()["lines"][0]
    assert (line["our_number"], line["outcome"], line["amount_paid"], line["boleto_id"], line["occurrence_label"]) == (
        boleto.our_number, "paid", "5999.00", boleto.pk, "Settled")
    assert after_first == {
        "boleto": ("paid", Decimal("5999.00")), "invoice": "paid", "receivable": ("paid", Decimal("5999.00")),
        "payments": 1, "pix": ["cancelled"],  # the other rail is withdrawn
    }
    assert second.json()["counts"]["already_paid"] == 1 and second.json()["lines"][0]["outcome"] == "already_paid"
    assert state(charges_a, boleto) == after_first
    assert charges_a.query(lambda: InvoicePayment.objects.get().external_id) == f"{account.pk}:{boleto.our_number}"


def test_unknown_numbers_and_other_movements_are_reported(manager, charges_a, bradesco):
    account, boleto = bradesco
    content = return_file("237", [
        t_u("237", "009" + "00000" + "00000000777" + "1", "06", paid=Decimal("10.00")),
        t_u("237", title_id("bradesco", boleto.our_number), "02"),
        t_u("237", title_id("bradesco", boleto.our_number), "03", reasons="0809"),
    ])

    body = upload(manager, account, content).json()

    assert [(line["our_number"], line["outcome"]) for line in body["lines"]] == [
        ("09/00000000777-1", "unknown"), (boleto.our_number, "noted"), (boleto.our_number, "noted")]
    assert body["lines"][1]["occurrence_label"] == "Entry confirmed"
    assert body["lines"][2]["message"] == "Reasons given by the bank: 08, 09."
    assert state(charges_a, boleto)["invoice"] == "issued"


def test_a_payment_short_of_the_total_is_refused_and_changes_nothing(manager, charges_a, bradesco):
    account, boleto = bradesco
    before = state(charges_a, boleto)
    content = return_file("237", [t_u("237", title_id("bradesco", boleto.our_number), "06", paid=Decimal("5000.00"))])

    body = upload(manager, account, content).json()

    assert body["lines"][0]["outcome"] == "refused"
    assert "less than the invoice's total" in body["lines"][0]["message"]
    assert state(charges_a, boleto) == before


def test_interest_paid_late_is_kept_as_the_customers_credit(manager, charges_a, bradesco):
    account, boleto = bradesco
    content = return_file("237", [t_u("237", title_id("bradesco", boleto.our_number), "06", paid=Decimal("6011.00"))])

    line = upload(manager, account, content).json()["lines"][0]

    assert line["outcome"] == "paid" and line["message"] == "R$12.00 kept as the customer's credit."
    assert charges_a.query(lambda: CustomerCredit.objects.get().amount) == Decimal("12.00")
    assert state(charges_a, boleto)["invoice"] == "paid"


def test_a_sicredi_return(manager, charges_a):
    account = charges_a.bank_account("sicredi")
    boleto = charges_a.boleto(bank="sicredi")
    content = return_file("748", [t_u("748", title_id("sicredi", boleto.our_number), "06", paid=Decimal("5999.00"))])

    assert upload(manager, account, content).json()["lines"][0]["outcome"] == "paid"
    assert state(charges_a, boleto)["invoice"] == "paid"


@pytest.mark.parametrize(("bank", "code"), [("bb", "001"), ("itau", "341")])
def test_banco_do_brasil_and_itau_returns(manager, charges_a, bank, code):
    account = charges_a.bank_account(bank)
    boleto = charges_a.boleto(bank=bank)
    # BB writes the nosso número as printed (17 digits for a 7-digit convênio); Itaú wallet, number, DAC.
    written = boleto.our_number if bank == "bb" else title_id(bank, boleto.our_number)
    content = return_file(code, [t_u(code, written, "06", paid=Decimal("5999.00"))])

    assert upload(manager, account, content).json()["lines"][0]["outcome"] == "paid"
    assert state(charges_a, boleto)["invoice"] == "paid"


@pytest.mark.parametrize("content, message", [
    (return_file("341", []), "This return file is from Itaú, and the bank account “Bradesco collection” is not."),
    (return_file("001", []),
     "This return file is from Banco do Brasil, and the bank account “Bradesco collection” is not."),
    (return_file("104", []), "Return files are read from Banco do Brasil, Itaú, Bradesco and Sicredi only."),
    (b"not a CNAB file\r\n", "Line 1 has 15 characters; a CNAB 240 file has 240 on every line."),
])
def test_a_file_that_is_not_this_accounts_return_is_refused(manager, charges_a, bradesco, content, message):
    account, boleto = bradesco

    response = upload(manager, account, content)

    assert response.status_code == 400 and response.json() == {"file": [message]}


def test_only_managers_and_admins_read_returns(api, team_a, charges_a, bradesco):
    account, boleto = bradesco
    content = return_file("237", [t_u("237", title_id("bradesco", boleto.our_number), "06", paid=Decimal("5999.00"))])

    response = upload(api(host=team_a.host, user=team_a.user), account, content)

    assert response.status_code == 403 and state(charges_a, boleto)["invoice"] == "issued"


def test_another_workspace_cannot_read_a_return_into_our_account(api, team_b, charges_a, bradesco):
    account, boleto = bradesco
    content = return_file("237", [t_u("237", title_id("bradesco", boleto.our_number), "06", paid=Decimal("5999.00"))])

    response = upload(api(host=team_b.host, user=team_b.admin), account, content)

    assert response.status_code == 400 and list(response.json()) == ["bank_account_id"]
    assert state(charges_a, boleto)["invoice"] == "issued"

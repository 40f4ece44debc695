"""POST /api/v1/finance/transactions/import/: an OFX or CSV statement into a bank account, answering
how many lines came in and how many the account already had. A file that cannot be read is refused
whole, naming its bad lines, and nothing is written."""

import pytest

from modules.finance.models import TransactionSource
from tests.finance.statements_fixtures import *  # noqa: F403
from tests.finance.statements_fixtures import IMPORT, sample, upload

pytestmark = pytest.mark.django_db


def post(client, bank_account, name, content=None, **extra):
    data = {"file": upload(name, content), "bank_account_id": bank_account.pk}
    return client.post(IMPORT, data, format="multipart", **extra)


@pytest.mark.parametrize("name, currency, lines", [
    ("itau_sgml_closed.ofx", "BRL", [  # OFX 1.x with closing tags, Windows-1252
        ("2024-03-01", "TED RECEBIDA ACME LTDA", "5000.00", "credit"),
        ("2024-03-05", "PAGTO BOLETO ENERGIA ELÉTRICA", "1250.40", "debit"),
        # 23:00 in Brasília is the next day in UTC: the line keeps the bank's day.
        ("2024-03-31", "TARIFA MENSAL PACOTE SERVIÇOS", "35.00", "debit"),
    ]),
    ("sgml_unclosed.ofx", "BRL", [  # OFX 1.x without closing tags; NAME and MEMO; a line of no amount
        ("2024-04-02", "PIX ENVIADO - Papelaria Central", "89.90", "debit"),
        ("2024-04-03", "PIX RECEBIDO - Cliente Souza", "1200.00", "credit"),
        ("2024-04-10", "SAQUE", "400.00", "debit"),
    ]),
    ("chase_v2.ofx", "USD", [  # OFX 2.x XML, with an escaped ampersand
        ("2024-05-02", "AMAZON MKTPLACE PMTS - Office supplies & toner", "42.17", "debit"),
        ("2024-05-15", "CLIENT WIRE IN", "2500.00", "credit"),
    ]),
    # A Brazilian bank's quirks: decimal commas, UTF-8 under a header saying Windows-1252, a header
    # short of fields, no FITIDs, two identical coffees.
    ("caixa_quirks.ofx", "BRL", [
        ("2024-06-03", "Padaria São João - café", "8.50", "debit"),
        ("2024-06-03", "Padaria São João - café", "8.50", "debit"),
        ("2024-06-04", "Depósito em dinheiro", "1234.56", "credit"),
        ("2024-06-07", "Pagamento conta água", "150.00", "debit"),
    ]),
    ("nubank_card.ofx", "BRL", [  # a credit card statement: charges out, the bill's payment in
        ("2024-06-12", "Assinatura software - Parcela 1/3", "59.90", "debit"),
        ("2024-06-20", "Posto Ipiranga", "312.45", "debit"),
        ("2024-07-05", "Pagamento recebido", "500.00", "credit"),
    ]),
    ("no_header.ofx", "MXN", [  # a bank that leaves the OFX header out
        ("2024-08-05", "RENTA OFICINA", "1250.00", "debit"),
        ("2024-08-20", "SPEI RECIBIDO", "18000.00", "credit"),
    ]),
    ("signed.csv", "USD", [
        ("2024-02-01", "Client payment INV-2024-001", "1500.00", "credit"),
        ("2024-02-02", "Office rent", "2000.00", "debit"),
        ("2024-02-02", "Coffee", "4.50", "debit"),
        ("2024-02-02", "Coffee", "4.50", "debit"),
        ("2024-02-03", "Stripe payout, February", "312.40", "credit"),
    ]),
    ("debit_credit.csv", "USD", [
        ("2024-03-01", "Payroll", "8000.00", "debit"),
        ("2024-03-02", "Customer transfer", "1250.75", "credit"),
        ("2024-03-03", "Bank fee", "12.00", "debit"),
    ]),
    ("br_semicolon_bom.csv", "BRL", [  # `;`, decimal commas, DD/MM/YYYY, a BOM
        ("2024-03-05", "Recebimento PIX João", "1234.56", "credit"),
        ("2024-03-06", "Pagamento fornecedor", "2500.00", "debit"),
        ("2024-03-07", "Tarifa bancária", "12.90", "debit"),
    ]),
    ("nubank_conta.csv", "BRL", [  # a Brazilian bank's CSV: its own ids, DD/MM/YYYY, decimal points
        ("2024-07-01", "Transferência enviada pelo Pix - PADARIA SÃO JOÃO", "25.90", "debit"),
        ("2024-07-02", "Transferência recebida pelo Pix - CLIENTE SOUZA", "1500.00", "credit"),
    ]),
    ("windows1252.csv", "BRL", [  # Excel's CSV on Windows: debit and credit columns in Portuguese
        ("2024-04-10", "Conta de água", "89.90", "debit"),
        ("2024-04-11", "Depósito cliente", "450.00", "credit"),
    ]),
])
def test_a_statement_of_any_shape_becomes_its_lines(manager_api, books_a, name, currency, lines):
    bank_account = books_a.bank_account(currency=currency)

    response = post(manager_api, bank_account, name)

    assert response.status_code == 200, response.json()
    assert response.json() == {"imported": len(lines), "duplicates": 0}
    assert books_a.lines(bank_account) == lines


def test_importing_the_same_file_again_adds_nothing(manager_api, books_a, account_a):
    post(manager_api, account_a, "itau_sgml_closed.ofx")

    again = post(manager_api, account_a, "itau_sgml_closed.ofx")

    assert again.json() == {"imported": 0, "duplicates": 3}
    assert books_a.count() == 3


def test_identical_lines_of_one_file_are_each_kept_and_counted_again_as_duplicates(manager_api, books_a):
    bank_account = books_a.bank_account(currency="USD")

    first = post(manager_api, bank_account, "signed.csv")
    again = post(manager_api, bank_account, "signed.csv")

    assert first.json() == {"imported": 5, "duplicates": 0}
    assert again.json() == {"imported": 0, "duplicates": 5}
    assert [line[1] for line in books_a.lines(bank_account)].count("Coffee") == 2


def test_a_later_statement_overlapping_the_first_adds_only_its_new_lines(manager_api, books_a):
    bank_account = books_a.bank_account(currency="USD")
    post(manager_api, bank_account, "signed.csv")
    # The next export repeats the 3rd of February, a third coffee was had on the 2nd.
    later = b"date,description,amount\n2024-02-02,Coffee,-4.50\n2024-02-02,Coffee,-4.50\n2024-02-02,Coffee,-4.50\n" \
            b"2024-02-03,\"Stripe payout, February\",312.40\n2024-02-04,Hosting,-20.00\n"

    response = post(manager_api, bank_account, "later.csv", later)

    assert response.json() == {"imported": 2, "duplicates": 3}
    assert books_a.count() == 7


def test_a_line_with_the_banks_id_is_known_by_it_whatever_its_text(manager_api, books_a, account_a):
    post(manager_api, account_a, "nubank_conta.csv")
    renamed = sample("nubank_conta.csv").replace(b"PADARIA", b"PADARIA CENTRAL")

    response = post(manager_api, account_a, "nubank_conta.csv", renamed)

    assert response.json() == {"imported": 0, "duplicates": 2}


def test_a_line_is_the_same_line_in_another_bank_account_only_if_it_is_there(manager_api, books_a, account_a):
    other = books_a.bank_account(name="Conta Poupança")
    post(manager_api, account_a, "itau_sgml_closed.ofx")

    response = post(manager_api, other, "itau_sgml_closed.ofx")

    assert response.json() == {"imported": 3, "duplicates": 0}


def test_a_statement_is_one_event_with_its_counts(manager_api, books_a, account_a, team_a):
    post(manager_api, account_a, "itau_sgml_closed.ofx")
    post(manager_api, account_a, "itau_sgml_closed.ofx")

    events = books_a.events("bank_account.statement_imported")

    assert [(event.aggregate_id, event.actor_id) for event in events] == [(account_a.pk, team_a.manager.pk)] * 2
    assert [(e.payload["imported"], e.payload["duplicates"], e.payload["source"]) for e in events] == [
        (3, 0, TransactionSource.FILE), (0, 3, TransactionSource.FILE),
    ]
    assert books_a.events("transaction.created") == []


def test_a_plain_member_imports_statements_too(member_api, books_a, account_a):
    assert post(member_api, account_a, "itau_sgml_closed.ofx").json() == {"imported": 3, "duplicates": 0}


# --- Refusals --------------------------------------------------------------------------------------


def test_a_broken_ofx_is_refused_whole_with_its_bad_lines_named(manager_api, books_a, account_a):
    response = post(manager_api, account_a, "broken.ofx")

    assert response.status_code == 400
    assert response.json() == {"file": [
        "Nothing was imported. Fix these lines and import the file again.",
        "Line 16: “12.3.4” (TRNAMT): it is not a number.",
        "Line 17: the transaction has no date (DTPOSTED).",
        "Line 18: “20241332” is not a date (DTPOSTED).",
    ]}
    assert books_a.count() == 0
    assert books_a.events("bank_account.statement_imported") == []


def test_a_broken_csv_is_refused_whole_with_its_bad_rows_named(manager_api, books_a, account_a):
    response = post(manager_api, account_a, "broken.csv")

    assert response.status_code == 400
    assert response.json() == {"file": [
        "Nothing was imported. Fix these lines and import the file again.",
        "Row 3: “2024-02-31” is not a date. Write dates as 2024-12-31 or 31/12/2024.",
        "Row 4: “abc”: Enter a number such as 12,500.50.",
    ]}
    assert books_a.count() == 0


def test_the_refusal_is_in_the_readers_language(api, team_a, books_a, account_a):
    portuguese = api(host=team_a.host, user=team_a.manager, language="pt-BR")

    response = post(portuguese, account_a, "broken.ofx")

    assert response.json()["file"][:2] == [
        "Nada foi importado. Corrija estas linhas e importe o arquivo novamente.",
        "Linha 16: “12.3.4” (TRNAMT): não é um número.",
    ]


@pytest.mark.parametrize("content, message", [
    (b"%PDF-1.7\n\x00\x01binary",
     "This is not a bank statement: export it from your bank as OFX or CSV and send that file."),
    (b"", "The submitted file is empty."),
    (b"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>",
     "This OFX file holds no bank or credit card statement."),
    (sample("sgml_unclosed.ofx")[:600],  # a download cut short: ofxtools would close what it left open
     "This OFX file ends too soon (it has no </OFX>): download the statement again."),
    (b"when,what\n2024-01-01,x\n",
     "The first row must name the columns: a date, a description and an amount, or a debit and a credit column. "
     "Missing: date, description, amount (or debit and credit)."),
    (b"date,description,amount\n2024-01-01,Rent,\"1.234,50\"\n2024-01-03,Sale,2.50\n",
     "The amounts mix decimal commas (row 2) and decimal points (row 3): export the statement again with one of them."),
])
def test_a_file_that_is_no_statement_is_refused(manager_api, books_a, account_a, content, message):
    response = post(manager_api, account_a, "statement.csv", content)

    assert response.status_code == 400
    assert message in response.json()["file"]
    assert books_a.count() == 0


def test_a_statement_in_another_currency_is_refused(manager_api, books_a, account_a):
    response = post(manager_api, account_a, "chase_v2.ofx")  # USD, into a BRL account

    assert response.status_code == 400
    assert response.json() == {"file": [
        "This statement is in USD and the bank account in BRL: import it into a bank account in USD."
    ]}
    assert books_a.count() == 0


def test_an_amount_finer_than_the_currency_is_refused(manager_api, books_a):
    pesos = books_a.bank_account(currency="CLP")

    response = post(manager_api, pesos, "clp.csv", b"date,description,amount\n2024-01-01,Venta,1500.50\n")

    assert response.json()["file"][1] == "Row 2: “1500.50”: the amount has more decimals than CLP has (0)."


def test_an_archived_bank_account_takes_no_statement(manager_api, books_a):
    archived = books_a.bank_account(is_active=False)

    response = post(manager_api, archived, "itau_sgml_closed.ofx")

    assert response.status_code == 400
    assert response.json() == {
        "bank_account_id": ["This bank account is archived: statements cannot be imported into it."]
    }


def test_the_file_and_the_bank_account_are_required(manager_api, account_a):
    response = manager_api.post(IMPORT, {}, format="multipart")

    assert response.status_code == 400
    assert set(response.json()) == {"file", "bank_account_id"}


def test_another_workspace_cannot_import_into_a_bank_account(api, team_b, books_a, books_b, account_a):
    books_b.bank_account(name="Beta's own")
    beta = api(host=team_b.host, user=team_b.admin)

    response = post(beta, account_a, "itau_sgml_closed.ofx")

    assert response.status_code == 404
    assert books_a.count() == 0 and books_b.count() == 0

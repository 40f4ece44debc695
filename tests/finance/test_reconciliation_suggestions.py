"""GET /api/v1/finance/transactions/{id}/suggestions/: the open accounts a statement line may
settle, best first, with a confidence and the reasons for it, as a bank writes its descriptions
("PIX RECEBIDO JOAO DA SILVA", "TED 341 PADARIA SAO JOSE LTDA", "PAG BOLETO 23790.12345")."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from modules.finance.matching import name_share, quoted, search_terms, transaction_suggestions
from tests.finance import reconciliation_fixtures as fixtures
from tests.finance.reconciliation_fixtures import reconcile_url, suggestions_url

# Shared fixtures (tests/finance/conftest.py is another part's): pytest finds them under these names.
books = fixtures.books


def suggested(admin_api, line) -> list[dict]:
    response = admin_api.get(suggestions_url(line))
    assert response.status_code == 200, response.json()
    return response.json()


def codes(suggestion: dict) -> list[str]:
    return [reason["code"] for reason in suggestion["reasons"]]


def test_it_answers_each_suggestion_with_its_account_confidence_and_reasons(books, admin_api):
    contact = books.contact("João da Silva")
    account = books.account("150.00", customer=contact, name="Consultoria", reference="NF-1234")
    line = books.line("150.00", description="PIX RECEBIDO JOAO DA SILVA NF 1234")

    assert suggested(admin_api, line) == [{
        "account": {
            "id": account.pk, "name": "Consultoria", "type": "receivable", "description": "", "reference": "NF-1234",
            "amount": "150.00", "paid_amount": "0.00", "remaining": "150.00", "currency": "BRL",
            "due_date": "2025-01-15", "status": "pending", "customer": {"id": contact.pk, "name": "João da Silva"},
            "vendor": "", "invoice_id": None,
        },
        "amount": "150.00",
        "amount_formatted": "R$150.00",
        "confidence": 100,
        "reasons": [
            {"code": "exact_amount", "text": "The amount is exactly what is left on the account."},
            {"code": "reference", "text": "The description quotes the reference NF-1234."},
            {"code": "name", "text": "The description names João da Silva."},
            {"code": "due_date", "text": "Due on the line's date."},
        ],
    }]


def test_the_exact_amount_ranks_above_a_near_one(books, admin_api):
    contact = books.contact("Maria Souza")
    near = books.account("101.00", customer=contact)
    exact = books.account("100.00", customer=contact)
    line = books.line("100.00", description="PIX RECEBIDO MARIA SOUZA")

    found = suggested(admin_api, line)

    assert [(item["account"]["id"], item["confidence"]) for item in found] == [(exact.pk, 90), (near.pk, 44)]
    assert codes(found[0]) == ["exact_amount", "name", "due_date"]
    assert codes(found[1]) == ["near_amount", "name", "due_date"]
    assert found[1]["reasons"][0]["text"] == "The amount is R$1.00 away from what is left on the account."
    assert found[1]["amount"] == "100.00"  # a part of it: all the line has


def test_a_reference_in_the_description_ranks_the_account_first(books, admin_api):
    plain = books.account("480.00", type="payable")
    quoted_one = books.account("480.00", type="payable", reference="23790.12345")
    line = books.line("480.00", type="debit", description="PAG BOLETO 23790.12345")

    found = suggested(admin_api, line)

    assert [item["account"]["id"] for item in found] == [quoted_one.pk, plain.pk]
    assert codes(found[0]) == ["exact_amount", "reference", "due_date"]


def test_a_reference_is_found_by_its_words_whatever_the_amount(books, admin_api):
    account = books.account("999.00", reference="NF-1234", due_date=date(2024, 3, 1))
    line = books.line("120.00", description="TED RECEBIDA NF 1234")

    found = suggested(admin_api, line)

    assert [item["account"]["id"] for item in found] == [account.pk]
    assert codes(found[0]) == ["reference"]


def test_an_invoice_number_in_the_description_counts_as_a_reference(books, admin_api):
    books.account("300.00")
    invoiced = books.account("300.00", invoice_id=20250)
    line = books.line("300.00", description="TED RECEBIDA FATURA 20250")

    found = suggested(admin_api, line)

    assert found[0]["account"]["id"] == invoiced.pk
    assert found[0]["reasons"][1] == {"code": "invoice", "text": "The description quotes invoice 20250."}


@pytest.mark.parametrize("reference, description, expected", [
    ("NF-1234", "PAG NF 1234", True),
    ("23790.12345", "PAG BOLETO 2379012345", True),
    ("1234", "PIX 12345", False),
    ("1234", "PIX 012345", False),
    ("AB", "PIX AB", False),  # too short to tell anything
])
def test_a_reference_is_quoted_however_the_bank_spaced_it_but_only_as_whole_words(reference, description, expected):
    assert quoted(reference, [word.lower() for word in description.split()]) is expected


def test_names_match_without_accents_or_case(books, admin_api):
    contact = books.contact("João Conceição")
    account = books.account("700.00", customer=contact, due_date=date(2025, 1, 20))
    line = books.line("650.00", description="PIX RECEBIDO JOAO CONCEICAO")

    found = suggested(admin_api, line)

    assert [item["account"]["id"] for item in found] == [account.pk]
    assert found[0]["reasons"][0] == {"code": "name", "text": "The description names João Conceição."}


def test_a_vendor_is_found_by_its_name_in_a_transfer(books, admin_api):
    account = books.account("1800.00", type="payable", vendor="Padaria São José Ltda", due_date=date(2024, 10, 1))
    books.account("1800.00", type="payable", vendor="Mercado Central", due_date=date(2024, 10, 1))
    line = books.line("450.00", type="debit", description="TED 341 PADARIA SAO JOSE LTDA")

    found = suggested(admin_api, line)

    assert found[0]["account"]["id"] == account.pk
    assert codes(found[0]) == ["name"]


def test_a_customers_company_and_a_name_cut_short_by_the_bank_count(books, admin_api):
    by_company = books.account("90.00", customer=books.contact("Rita Alves", company="Ótica Visão"))
    cut_short = books.account("80.00", customer=books.contact("Maria Aparecida Santos"))

    company_line = books.line("10.00", description="PIX RECEBIDO OTICA VISAO")
    short_line = books.line("10.00", description="PIX RECEBIDO MARIA APARECIDA SAN")

    assert suggested(admin_api, company_line)[0]["account"]["id"] == by_company.pk
    assert suggested(admin_api, short_line)[0]["account"]["id"] == cut_short.pk
    assert name_share("Maria Aparecida Santos", ["pix", "recebido", "maria", "aparecida", "san"]) == 1


def test_the_nearer_due_date_ranks_first_among_equals(books, admin_api):
    later = books.account("75.00", due_date=date(2025, 1, 27))
    nearer = books.account("75.00", due_date=date(2025, 1, 12))
    line = books.line("75.00")

    found = suggested(admin_api, line)

    assert [item["account"]["id"] for item in found] == [nearer.pk, later.pk]
    assert found[0]["reasons"][-1]["text"] == "Due 3 days before the line's date."
    assert found[1]["reasons"][-1]["text"] == "Due 12 days after the line's date."


def test_only_open_accounts_of_its_currency_and_direction_are_suggested(books, admin_api):
    fitting = books.account("100.00")
    books.account("100.00", type="payable")
    books.account("100.00", currency="USD")
    books.account("100.00", status="cancelled")
    books.account("100.00", status="paid", paid_amount=Decimal("100.00"))
    line = books.line("100.00")

    assert [item["account"]["id"] for item in suggested(admin_api, line)] == [fitting.pk]


def test_an_account_the_line_already_pays_is_not_suggested_again(books, admin_api):
    account = books.account("100.00")
    other = books.account("50.00")
    line = books.line("100.00")
    admin_api.post(reconcile_url(line), {"account_id": account.pk, "amount": "50.00"})

    found = suggested(admin_api, line)

    assert [item["account"]["id"] for item in found] == [other.pk]
    assert codes(found[0])[0] == "exact_amount"  # what is left of the line: 50.00


def test_a_reconciled_line_has_no_suggestions(books, admin_api):
    books.account("100.00")
    line = books.line("100.00", reconciled=True, reconciled_amount=Decimal("100.00"))

    assert suggested(admin_api, line) == []


def test_ten_suggestions_at_most_in_as_many_queries_whatever_the_candidates(books, team_a):
    line = books.line("60.00")
    books.account("60.00")

    def queries() -> int:
        with tenant_context(team_a.tenant), CaptureQueriesContext(connection) as captured:
            transaction_suggestions(line)
        return len(captured)

    few = queries()
    for day in range(15):
        books.account("60.00", due_date=date(2025, 1, 1) + timedelta(days=day))
    many = queries()

    with tenant_context(team_a.tenant):
        assert len(transaction_suggestions(line)) == 10
    assert few == many


def test_reasons_are_written_in_the_readers_language(books, api, team_a):
    contact = books.contact("João da Silva")
    books.account("150.00", customer=contact, due_date=date(2025, 1, 14))
    line = books.line("150.00", description="PIX RECEBIDO JOAO DA SILVA")

    portuguese = api(host=team_a.host, user=team_a.admin, language="pt-BR").get(suggestions_url(line)).json()
    spanish = api(host=team_a.host, user=team_a.admin, language="es").get(suggestions_url(line)).json()

    assert [reason["text"] for reason in portuguese[0]["reasons"]] == [
        "O valor é exatamente o que falta na conta.",
        "A descrição cita João da Silva.",
        "Vence 1 dia antes da data do lançamento.",
    ]
    assert [reason["text"] for reason in spanish[0]["reasons"]] == [
        "El importe es exactamente lo que falta en la cuenta.",
        "La descripción nombra a João da Silva.",
        "Vence 1 día antes de la fecha del movimiento.",
    ]


def test_bank_words_and_noise_never_make_a_search(books):
    assert search_terms(["pix", "recebido", "joao", "da", "silva"]) == ("('joao' & 'silva')", "('joao' & 'silva')")
    assert search_terms(["ted", "padaria", "sao", "jose"]) == (
        "('padaria' & 'sao') | ('padaria' & 'jose') | ('sao' & 'jose')",
    ) * 2
    assert search_terms(["ted", "341", "padaria"]) == ("'padaria'", "'padaria'")
    assert search_terms(["pag", "boleto", "nf", "-1234"]) == ("'1234' | '-1234'", None)
    assert search_terms(["tarifa", "iof"]) == (None, None)

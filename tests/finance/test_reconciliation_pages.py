"""/finance/reconciliation/: lines to reconcile on one side, the selected line's suggestions on the
other; accept with one click (htmx answers the workspace with the next line selected and an undo),
unreconcile, auto-reconcile with its report. Without JavaScript the same forms post and redirect."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.finance import reconciliation_fixtures as fixtures
from tests.finance.reconciliation_fixtures import reconcile_url

# Shared fixtures (tests/finance/conftest.py is another part's): pytest finds them under these names.
books, books_b = fixtures.books, fixtures.books_b

PAGE = "/finance/reconciliation/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "reconciliation"}


@pytest.fixture
def page(client, team_a):
    """team_a's plain user, signed in on team_a's workspace pages."""
    client.force_login(team_a.user)
    client.defaults["HTTP_HOST"] = team_a.host
    return client


def html(response) -> str:
    return response.content.decode()


def test_it_lists_the_lines_and_shows_the_first_ones_suggestions(books, page):
    contact = books.contact("João da Silva")
    account = books.account("150.00", customer=contact, name="Consultoria")
    first = books.line("150.00", description="PIX RECEBIDO JOAO DA SILVA", date=date(2025, 1, 15))
    books.line("80.00", description="TED RECEBIDA", date=date(2025, 1, 16))

    response = page.get(PAGE)

    assert response.status_code == 200
    body = html(response)
    assert body.count("data-line=") == 2
    assert f'data-line="{first.pk}" aria-current="true"' in body
    assert f'data-line-id="{first.pk}"' in body
    assert "Consultoria" in body and "João da Silva" in body
    assert "90% sure" in body
    assert "The description names João da Silva." in body
    assert f'<input type="hidden" name="account" value="{account.pk}">' in body
    assert "Accept: give it R$150.00" in body
    assert "js/reconciliation.js" in body
    assert "Enter accepts the best suggestion" in body


@pytest.mark.parametrize("language, words", [
    ("pt-br", ["Conciliação", "Lançamentos a conciliar", "Sugestões", "Aceitar: dar", "Conciliar automaticamente"]),
    ("es", ["Conciliación", "Movimientos por conciliar", "Sugerencias", "Aceptar: darle", "Conciliar automáticamente"]),
])
def test_it_speaks_the_readers_language(books, page, language, words):
    books.account("150.00")
    books.line("150.00")
    page.cookies["django_language"] = language

    body = html(page.get(PAGE, HTTP_ACCEPT_LANGUAGE=language))

    for word in words:
        assert word in body


def test_it_says_when_nothing_is_left_to_reconcile(books, page):
    body = html(page.get(PAGE))

    assert "Nothing left to reconcile" in body
    assert "Pick a line to see the accounts it may settle." in body


def test_choosing_a_line_with_htmx_answers_its_panel_alone(books, page):
    books.line("10.00")
    chosen = books.line("20.00", description="TED RECEBIDA ACME", date=date(2025, 2, 1))

    response = page.get(f"{PAGE}lines/{chosen.pk}/?show=unreconciled", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    body = html(response)
    assert body.lstrip().startswith('<section id="reconcile-panel"')
    assert "TED RECEBIDA ACME" in body
    assert "data-line=" not in body


def test_choosing_a_line_without_javascript_opens_the_page_with_it(books, page):
    chosen = books.line("20.00")

    response = page.get(f"{PAGE}lines/{chosen.pk}/?show=unreconciled")

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?show=unreconciled&line={chosen.pk}"
    assert f'data-line-id="{chosen.pk}"' in html(page.get(response["Location"]))


def test_it_filters_by_bank_account_and_shows_reconciled_lines_to_undo(books, page):
    savings = books.bank_account(name="Poupança")
    books.line("10.00", description="IN THE MAIN ACCOUNT")
    kept = books.line("20.00", description="IN SAVINGS", bank_account=savings)
    done = books.line("30.00", description="ALREADY DONE", reconciled=True, reconciled_amount=Decimal("30.00"))

    filtered = page.get(PAGE, {"bank_account": savings.pk}, **HTMX)
    reconciled = page.get(PAGE, {"show": "reconciled"})

    assert html(filtered).lstrip().startswith('<div id="reconciliation"')
    assert "IN SAVINGS" in html(filtered) and "IN THE MAIN ACCOUNT" not in html(filtered)
    assert f'data-line="{kept.pk}"' in html(filtered)
    assert "ALREADY DONE" in html(reconciled) and "IN SAVINGS" not in html(reconciled)
    assert f"/finance/reconciliation/lines/{done.pk}/unreconcile/" in html(reconciled)


def test_accepting_a_suggestion_reconciles_and_moves_to_the_next_line(books, page):
    account = books.account("150.00", name="Consultoria")
    line = books.line("150.00", description="PIX RECEBIDO ANA", date=date(2025, 1, 10))
    following = books.line("99.00", description="NEXT ONE", date=date(2025, 1, 11))

    response = page.post(f"{PAGE}lines/{line.pk}/reconcile/", {"account": account.pk}, **HTMX)

    assert response.status_code == 200
    body = html(response)
    assert "“PIX RECEBIDO ANA” reconciled with Consultoria." in body
    assert f'action="/finance/reconciliation/lines/{line.pk}/unreconcile/"' in body and "data-undo" in body
    assert f'data-line="{following.pk}" aria-current="true"' in body
    assert f'data-line="{line.pk}"' not in body
    assert books.fresh(line).reconciled
    assert books.fresh(account).status == "paid"


def test_a_line_larger_than_the_account_stays_selected_with_what_is_left(books, page):
    account = books.account("100.00", name="Aluguel")
    line = books.line("150.00", description="PIX RECEBIDO")

    body = html(page.post(f"{PAGE}lines/{line.pk}/reconcile/", {"account": account.pk}, **HTMX))

    assert "“PIX RECEBIDO” gave R$100.00 to Aluguel; R$50.00 is left to reconcile." in body
    assert f'data-line="{line.pk}" aria-current="true"' in body
    assert "R$50.00 left to reconcile" in body


def test_without_javascript_accepting_redirects_to_the_next_line(books, page):
    account = books.account("150.00", name="Consultoria")
    line = books.line("150.00", description="PIX RECEBIDO ANA", date=date(2025, 1, 10))
    following = books.line("99.00", date=date(2025, 1, 11))

    response = page.post(f"{PAGE}lines/{line.pk}/reconcile/?show=unreconciled", {"account": account.pk})

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?show=unreconciled&line={following.pk}"
    assert "“PIX RECEBIDO ANA” reconciled with Consultoria." in html(page.get(response["Location"]))


def test_a_refused_acceptance_says_why_and_writes_nothing(books, page):
    payable = books.account("150.00", type="payable")
    line = books.line("150.00")

    response = page.post(f"{PAGE}lines/{line.pk}/reconcile/", {"account": payable.pk}, **HTMX)

    assert response.status_code == 422
    assert (
        f"Account #{payable.pk} is a payable: money that came in (a credit) settles receivables only."
        in html(response)
    )
    assert books.payments() == []


def test_an_account_assigned_to_someone_else_offers_no_accept_button(books, page, team_a):
    account = books.account("150.00", assigned_to=team_a.manager)
    line = books.line("150.00")

    body = html(page.get(PAGE))
    refused = page.post(f"{PAGE}lines/{line.pk}/reconcile/", {"account": account.pk}, **HTMX)

    assert "Assigned to someone else: only they, a manager or an admin can reconcile it." in body
    assert "data-accept" not in body
    assert refused.status_code == 403
    assert not books.fresh(line).reconciled_amount


def test_undo_unreconciles_and_keeps_the_line_selected(books, page, admin_api):
    account = books.account("150.00")
    line = books.line("150.00", description="PIX RECEBIDO ANA")
    admin_api.post(reconcile_url(line), {"account_id": account.pk})

    response = page.post(f"{PAGE}lines/{line.pk}/unreconcile/", **HTMX)

    assert response.status_code == 200
    body = html(response)
    assert "“PIX RECEBIDO ANA” is no longer reconciled: its accounts are open again." in body
    assert f'data-line="{line.pk}" aria-current="true"' in body
    assert not books.fresh(line).reconciled
    assert books.fresh(account).status == "overdue"


def test_undo_of_a_line_that_is_not_reconciled_says_so(books, page):
    line = books.line("150.00")

    response = page.post(f"{PAGE}lines/{line.pk}/unreconcile/", **HTMX)

    assert response.status_code == 422
    assert "This statement line is not reconciled." in html(response)


def test_auto_reconcile_reports_what_it_did_and_what_it_left(books, page):
    contact = books.contact("Maria Souza")
    books.account("250.00", customer=contact, name="Mensalidade")
    sure = books.line("250.00", description="PIX RECEBIDO MARIA SOUZA")
    books.line("12.90", type="debit", description="TARIFA PACOTE SERVICOS")

    response = page.post(f"{PAGE}auto/", {}, **HTMX)

    assert response.status_code == 200
    body = html(response)
    assert "1 line reconciled automatically. 1 line is left for you to check." in body
    assert "PIX RECEBIDO MARIA SOUZA → Mensalidade" in body
    assert "1 · no open account fits" in body
    assert books.fresh(sure).reconciled


def test_auto_reconcile_without_javascript_comes_back_to_the_list_with_its_summary(books, page):
    books.line("12.90", type="debit", description="TARIFA PACOTE SERVICOS")

    response = page.post(f"{PAGE}auto/?show=unreconciled", {})

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?show=unreconciled"
    assert "0 lines reconciled automatically. 1 line is left for you to check." in html(page.get(response["Location"]))


def test_the_list_costs_as_many_queries_for_five_lines_as_for_twenty_five(books, page):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert page.get(PAGE).status_code == 200
        return len(captured)

    for number in range(5):
        books.line("10.00", description=f"LINE {number}")
    page.get(PAGE)  # a session's first page also fills per-tenant caches (the time zone)
    few = queries()
    for number in range(20):
        books.line("10.00", description=f"MORE {number}")
    many = queries()

    assert few == many


def test_the_panel_costs_as_many_queries_for_two_suggestions_as_for_ten(books, page, team_a):
    line = books.line("60.00", description="PIX RECEBIDO MARIA SOUZA")
    contact = books.contact("Maria Souza")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = page.get(f"{PAGE}lines/{line.pk}/", HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        return len(captured), html(response).count("data-accept")

    for owner in (None, team_a.user):
        books.account("60.00", customer=contact, assigned_to=owner)
    page.get(PAGE)  # a session's first page also fills per-tenant caches (the time zone)
    few = queries()
    for day in range(8):
        books.account("60.00", customer=contact, due_date=date(2025, 1, 2 + day), created_by=team_a.user)
    many = queries()

    assert (few[1], many[1]) == (2, 10)
    assert few[0] == many[0]


@pytest.mark.parametrize("method, path", [
    ("get", "lines/{pk}/"), ("post", "lines/{pk}/reconcile/"), ("post", "lines/{pk}/unreconcile/"),
    ("get", "?line={pk}"),
])
def test_another_workspaces_line_is_not_found(books, client, team_b, method, path):
    account = books.account("150.00")
    line = books.line("150.00")
    client.force_login(team_b.admin)
    client.defaults["HTTP_HOST"] = team_b.host

    data = {"account": account.pk} if method == "post" else None
    response = getattr(client, method)(PAGE + path.format(pk=line.pk), data)

    assert response.status_code == 404
    assert books.payments() == []


def test_an_unknown_bank_account_is_refused_as_a_filter(books_b, client, team_b):
    books_b.line("10.00", description="BETA LINE")
    client.force_login(team_b.admin)
    client.defaults["HTTP_HOST"] = team_b.host

    body = html(client.get(PAGE, {"bank_account": books_b.main_account.pk + 1000}))

    assert "Select a valid choice." in body
    assert "BETA LINE" in body

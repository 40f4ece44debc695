"""The ledger's workspace pages (/finance/): the overview, payables and receivables with their
filters and totals, an account's page with its payment dialog, categories edited in place and
bank accounts with their balances. The rules belong to the services; these tests check that each
page carries them out, answers htmx with the right fragment and shows refusals inline (422)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from modules.finance.models import Account, BankAccount, Category, Payment

HTMX = {"HTTP_HX_REQUEST": "true"}


def page_of(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_of(response)))


# --- Every page ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "money", "title"), [
    ("en", "$12,500.00", "Payables and receivables"),
    ("pt-br", "US$ 12.500,00", "Contas a pagar e a receber"),
    ("es", "$12,500.00", "Cuentas por pagar y por cobrar"),
])
def test_it_renders_every_ledger_page_in_the_users_language(member, finance_a, language, money, title):
    member.cookies["django_language"] = language
    category = finance_a.category(name="Consulting")
    account = finance_a.account(amount="12500.00", category=category)
    bank_account = finance_a.bank_account(name="Checking", opening_balance="12500.00")
    paths = [
        "/finance/", "/finance/accounts/", "/finance/accounts/new/", f"/finance/accounts/{account.pk}/",
        "/finance/categories/", "/finance/bank-accounts/", f"/finance/bank-accounts/{bank_account.pk}/",
    ]

    responses = {path: member.get(path) for path in paths}

    assert {path: response.status_code for path, response in responses.items()} == dict.fromkeys(paths, 200)
    for response in responses.values():
        assert f'<html lang="{language}"' in page_of(response)
        assert title in page_of(response)  # the finance tabs
    assert money in page_of(responses["/finance/"])
    assert money in page_of(responses["/finance/accounts/"])
    assert money in page_of(responses[f"/finance/accounts/{account.pk}/"])
    assert money in page_of(responses["/finance/bank-accounts/"])


def test_the_tabs_lead_to_every_finance_page(member):
    page = page_of(member.get("/finance/"))

    for path in ("/finance/", "/finance/accounts/", "/finance/categories/", "/finance/bank-accounts/",
                 "/finance/statements/", "/finance/reconciliation/", "/finance/cash-flow/"):
        assert f'href="{path}"' in page
    assert '<a href="/finance/" aria-current="page">Overview</a>' in page


def test_the_overview_shows_the_dashboards_sums_per_currency_and_what_falls_due_next(member, finance_a):
    today = finance_a.today()
    finance_a.account(description="Consulting", amount="1000.00", due_date=today + timedelta(days=2))
    finance_a.account(description="Late reais", amount="300.00", currency="BRL", due_date=today - timedelta(days=1))
    finance_a.account(type="payable", description="Paper", amount="80.00", due_date=today + timedelta(days=10))

    text = text_of(member.get("/finance/"))

    assert "To receive $1,000.00" in text
    assert "Next 7 days In: $1,000.00 Out: $0.00" in text
    assert "To pay $80.00" in text
    assert "BRL To receive R$0.00 See the receivables Overdue receivables R$300.00" in text
    assert text.index("Late reais") < text.index("Consulting") < text.index("Paper")


# --- Payables and receivables --------------------------------------------------------------------


def test_it_filters_accounts_with_htmx_answering_the_results_with_totals_per_currency(member, finance_a):
    today = finance_a.today()
    finance_a.account(description="Late one", amount="100.00", due_date=today - timedelta(days=2))
    late_brl = finance_a.account(description="Late reais", amount="50.00", currency="BRL",
                                 due_date=today - timedelta(days=1))
    finance_a.pay(late_brl, "20.00")
    finance_a.account(description="Not yet", amount="999.00")

    response = member.get("/finance/accounts/", {"status": "overdue"}, **HTMX)

    page = page_of(response)
    assert page.lstrip().startswith('<div id="account-results"')
    assert "Late one" in page and "Late reais" in page and "Not yet" not in page
    text = text_of(response)
    assert "2 accounts" in text
    assert "Total in BRL R$50.00 R$30.00 still open" in text
    assert "Total in USD $100.00 $100.00 still open" in text


def test_it_pages_the_accounts_as_the_crm_lists_do(member, finance_a):
    for number in range(27):
        finance_a.account(description=f"Invoice {number:02}")

    page_two = page_of(member.get("/finance/accounts/", {"page": 2}))

    assert "27 accounts" in page_two
    assert len(re.findall(r'<tr [^>]*id="account-\d+"', page_two)) == 2


def test_a_filter_that_makes_no_sense_says_so(member):
    response = member.get("/finance/accounts/", {"due_after": "someday"})

    assert response.status_code == 422
    assert "Enter a valid date." in page_of(response)


def test_it_creates_an_account_with_money_typed_the_users_way(member, finance_a, team_a):
    member.cookies["django_language"] = "pt-br"
    category = finance_a.category(name="Consultoria")
    customer = finance_a.crm.contact(name="Ana Souza")

    response = member.post("/finance/accounts/new/", {
        "type": "receivable", "description": "Projeto X", "amount": "12.500,50", "currency": "BRL",
        "due_date": "2099-01-15", "category": category.pk, "customer": customer.pk, "assigned_to": team_a.user.pk,
    })

    account = finance_a.query(lambda: Account.objects.get())
    assert response.status_code == 302
    assert response["Location"] == f"/finance/accounts/{account.pk}/"
    assert (account.amount, account.category_id, account.customer_id, account.created_by_id) == (
        Decimal("12500.50"), category.pk, customer.pk, team_a.user.pk)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("amount", "12,500.50", "Informe um número como 12.500,50."),  # the English way, in a Portuguese page
    ("amount", "0", "Informe um valor maior que zero."),
    ("category", "expense", "Uma conta a receber leva uma categoria de receita."),
])
def test_the_new_account_form_refuses_bad_input_with_a_translated_422(member, finance_a, field, value, message):
    member.cookies["django_language"] = "pt-br"
    expense = finance_a.category(type="expense")
    data = {"type": "receivable", "amount": "10,00", "currency": "BRL", "due_date": "2099-01-15",
            field: expense.pk if value == "expense" else value}

    response = member.post("/finance/accounts/new/", data, **HTMX)

    assert response.status_code == 422
    assert message in page_of(response)
    assert page_of(response).lstrip().startswith('<form id="account-form"')
    assert finance_a.query(lambda: Account.objects.count()) == 0


def test_the_account_page_edits_it_and_shows_the_refusal_beside_the_field(member, finance_a):
    account = finance_a.account(amount="100.00", description="Consulting")
    finance_a.pay(account, "60.00")
    form = {"type": "receivable", "description": "Consulting, phase 2", "amount": "100.00", "currency": "USD",
            "due_date": account.due_date.isoformat()}

    saved = member.post(f"/finance/accounts/{account.pk}/edit/", form, **HTMX)
    refused = member.post(f"/finance/accounts/{account.pk}/edit/", {**form, "amount": "50.00"}, **HTMX)

    assert saved.status_code == 200
    assert "Consulting, phase 2" in page_of(saved)
    assert refused.status_code == 422
    assert "The amount must be more than what was already paid ($60.00)." in page_of(refused)
    assert finance_a.query(lambda: Account.objects.get(pk=account.pk).amount) == Decimal("100.00")


def test_the_mark_paid_dialog_pays_what_remains(member, finance_a):
    account = finance_a.account(amount="100.00")
    finance_a.pay(account, "40.00")

    page = page_of(member.get(f"/finance/accounts/{account.pk}/"))
    response = member.post(f"/finance/accounts/{account.pk}/pay/", {
        "paid_on": finance_a.today().isoformat(), "payment_method": "pix",
    }, **HTMX)

    assert '<dialog id="pay-dialog"' in page and 'data-dialog="pay-dialog"' in page
    assert "What remains, $60.00, is recorded as one payment." in page
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/finance/accounts/{account.pk}/"
    payments = finance_a.query(lambda: list(Payment.objects.order_by("id").values_list("amount", "method")))
    assert payments == [(Decimal("40.00"), "pix"), (Decimal("60.00"), "pix")]
    paid = page_of(member.get(f"/finance/accounts/{account.pk}/"))
    assert "The account was marked paid." in paid
    assert 'id="pay-dialog"' not in paid


def test_without_javascript_the_dialog_opens_as_a_page(member, finance_a):
    account = finance_a.account()

    page = page_of(member.get(f"/finance/accounts/{account.pk}/", {"pay": ""}))

    assert '<dialog id="pay-dialog" class="board-dialog" open' in page


@pytest.mark.parametrize(("data", "message"), [
    ({"paid_on": "2999-01-01", "payment_method": "pix"}, "Um pagamento não pode ter data futura."),
    ({"paid_on": "2026-01-01", "payment_method": "cheque"}, "Faça uma escolha válida."),
])
def test_the_mark_paid_dialog_refuses_with_a_translated_422(member, finance_a, data, message):
    member.cookies["django_language"] = "pt-br"
    account = finance_a.account()

    response = member.post(f"/finance/accounts/{account.pk}/pay/", data, **HTMX)

    assert response.status_code == 422
    assert page_of(response).lstrip().startswith('<form id="pay-form"')
    assert message in page_of(response)
    assert finance_a.query(lambda: Payment.objects.count()) == 0


def test_paying_twice_from_a_stale_page_says_it_is_already_paid(member, finance_a):
    account = finance_a.account()
    finance_a.pay(account, "1000.00")

    response = member.post(f"/finance/accounts/{account.pk}/pay/", {
        "paid_on": finance_a.today().isoformat(), "payment_method": "pix"}, **HTMX)

    assert response.status_code == 422
    assert "This account is already paid." in page_of(response)


def test_cancel_then_the_page_says_why(member, finance_a):
    account = finance_a.account()

    response = member.post(f"/finance/accounts/{account.pk}/cancel/", {"reason": "Duplicate"})

    assert response.status_code == 302
    page = text_of(member.get(f"/finance/accounts/{account.pk}/"))
    assert "Cancelled" in page and "Why it was cancelled Duplicate" in page
    assert "Mark paid" not in page


def test_an_account_with_payments_offers_no_delete_and_says_why(manager, finance_a):
    account = finance_a.account()
    finance_a.pay(account, "10.00")

    page = page_of(manager.get(f"/finance/accounts/{account.pk}/"))
    response = manager.post(f"/finance/accounts/{account.pk}/delete/", **HTMX)

    assert "Payments were recorded on this account, so it stays in the books: it cannot be deleted." in page
    assert f'action="/finance/accounts/{account.pk}/delete/"' not in page
    assert response.status_code == 422  # a stale page's button
    assert finance_a.query(lambda: Account.objects.count()) == 1


def test_a_member_deletes_only_the_accounts_they_created(member, finance_a):
    account = finance_a.account()

    assert member.post(f"/finance/accounts/{account.pk}/delete/").status_code == 403


def test_a_member_deletes_the_account_they_created(member, finance_a, team_a):
    member.post("/finance/accounts/new/", {"type": "payable", "amount": "10.00", "currency": "USD",
                                           "due_date": "2099-01-01", "vendor": "Paper Co."})
    account = finance_a.query(lambda: Account.objects.get())

    response = member.post(f"/finance/accounts/{account.pk}/delete/", **HTMX)

    assert response["HX-Redirect"] == "/finance/accounts/"
    assert finance_a.query(lambda: Account.objects.count()) == 0


# --- Categories ------------------------------------------------------------------------------------


def test_the_categories_page_shows_the_tree_with_swatches(member, finance_a):
    services = finance_a.category(name="Services", color="#10b981")
    finance_a.category(name="Training", parent=services)
    finance_a.account(category=services)

    page = page_of(member.get("/finance/categories/"))

    assert '<rect width="12" height="12" rx="3" fill="#10b981"/>' in page
    assert page.index("Services") < page.index("Training")
    assert "1 account · 1 subcategory" in text_of(member.get("/finance/categories/"))
    assert 'id="category-form"' not in page  # members read, managers change


def test_a_manager_adds_a_category_and_a_bad_colour_is_a_translated_422(manager, finance_a):
    manager.cookies["django_language"] = "es"

    refused = manager.post("/finance/categories/new/", {"name": "Ventas", "type": "income", "color": "verde"}, **HTMX)
    added = manager.post("/finance/categories/new/", {"name": "Ventas", "type": "income", "color": "#10B981"}, **HTMX)

    assert refused.status_code == 422
    assert "Escriba un color como #rrggbb, por ejemplo #10b981." in page_of(refused)
    assert added["HX-Redirect"] == "/finance/categories/"
    assert finance_a.query(lambda: list(Category.objects.values_list("name", "color"))) == [("Ventas", "#10b981")]


def test_a_manager_edits_a_category_in_place(manager, finance_a):
    top = finance_a.category(name="Services")
    child = finance_a.category(name="Training", parent=top)

    form = manager.get(f"/finance/categories/{top.pk}/edit/", **HTMX)
    cycle = manager.post(f"/finance/categories/{top.pk}/edit/", {
        "name": "Services", "type": "income", "parent": child.pk, "color": "#64748b"}, **HTMX)
    saved = manager.post(f"/finance/categories/{top.pk}/edit/", {
        "name": "Services and training", "type": "income", "parent": "", "color": "#0ea5e9"}, **HTMX)

    assert page_of(form).lstrip().startswith(f'<tr id="category-{top.pk}" class="is-editing">')
    assert f'<option value="{child.pk}"' not in page_of(form)  # not under what is below it
    assert cycle.status_code == 422  # a stale form offering a child as its parent
    assert "A category cannot go under itself or one of its subcategories." in page_of(cycle)
    assert saved.status_code == 200
    assert page_of(saved).lstrip().startswith(f'<tr id="category-{top.pk}">')
    assert "Services and training" in page_of(saved) and 'fill="#0ea5e9"' in page_of(saved)


def test_a_member_cannot_change_categories_from_the_pages(member, finance_a):
    category = finance_a.category(name="Sales")

    assert member.post("/finance/categories/new/", {"name": "Rent", "type": "expense"}).status_code == 403
    assert member.get(f"/finance/categories/{category.pk}/edit/").status_code == 403
    assert member.post(f"/finance/categories/{category.pk}/delete/").status_code == 403
    assert finance_a.query(lambda: list(Category.objects.values_list("name", flat=True))) == ["Sales"]


def test_a_manager_deletes_an_unused_category(manager, finance_a):
    category = finance_a.category(name="Misc")

    response = manager.post(f"/finance/categories/{category.pk}/delete/", **HTMX)

    assert response["HX-Redirect"] == "/finance/categories/"
    assert finance_a.query(lambda: Category.objects.count()) == 0


# --- Bank accounts -------------------------------------------------------------------------------


def test_a_manager_adds_a_bank_account_and_its_page_shows_its_balance(manager, finance_a):
    manager.cookies["django_language"] = "pt-br"

    response = manager.post("/finance/bank-accounts/new/", {
        "name": "Conta BB", "bank": "Banco do Brasil", "bank_code": "001", "agency": "1234",
        "account_number": "12345-6", "currency": "BRL", "opening_balance": "1.500,25", "is_active": "on",
    })
    bank_account = finance_a.query(lambda: BankAccount.objects.get())
    finance_a.line(bank_account, amount="100.00", type="debit")

    assert response.status_code == 302
    assert "R$ 1.400,25" in page_of(manager.get(response["Location"]))
    assert "R$ 1.400,25" in page_of(manager.get("/finance/bank-accounts/"))


@pytest.mark.parametrize(("field", "value", "message"), [
    ("bank_code", "1", "Um código de banco tem três dígitos, como 001."),
    ("opening_balance", "abc", "Informe um número como 12.500,50."),
    ("account_number", "", "Este campo é obrigatório."),
])
def test_the_bank_account_form_refuses_bad_input_with_a_translated_422(manager, finance_a, field, value, message):
    manager.cookies["django_language"] = "pt-br"
    data = {"name": "Conta BB", "account_number": "12345-6", "currency": "BRL", field: value}

    response = manager.post("/finance/bank-accounts/new/", data, **HTMX)

    assert response.status_code == 422
    assert message in page_of(response)
    assert finance_a.query(lambda: BankAccount.objects.count()) == 0


def test_a_manager_edits_a_bank_account_but_its_currency_stays_once_it_has_lines(manager, finance_a):
    bank_account = finance_a.bank_account(name="Checking", currency="USD")
    finance_a.line(bank_account, amount="10.00")
    form = {"name": "Main checking", "account_number": "12345-6", "currency": "USD", "is_active": "on"}

    saved = manager.post(f"/finance/bank-accounts/{bank_account.pk}/edit/", form, **HTMX)
    refused = manager.post(f"/finance/bank-accounts/{bank_account.pk}/edit/", {**form, "currency": "BRL"}, **HTMX)

    assert saved.status_code == 200 and "Main checking" in page_of(saved)
    assert refused.status_code == 422
    assert "This bank account has statement lines: its currency cannot change." in page_of(refused)


def test_a_member_sees_bank_accounts_without_forms_and_cannot_post_them(member, finance_a):
    bank_account = finance_a.bank_account(name="Checking")

    page = page_of(member.get(f"/finance/bank-accounts/{bank_account.pk}/"))

    assert "Checking" in page and "/edit/" not in page
    assert 'id="bank-account-form"' not in page_of(member.get("/finance/bank-accounts/"))
    assert member.post("/finance/bank-accounts/new/", {
        "name": "Mine", "account_number": "1", "currency": "USD"}).status_code == 403
    assert member.post(f"/finance/bank-accounts/{bank_account.pk}/edit/", {
        "name": "Hijacked", "account_number": "1", "currency": "USD"}).status_code == 403


def test_another_workspace_does_not_find_our_pages(client, team_b, finance_a):
    account = finance_a.account(description="Alpha secret")
    bank_account = finance_a.bank_account(name="Alpha secret")
    category = finance_a.category(name="Alpha secret")
    client.force_login(team_b.admin)

    for path in (f"/finance/accounts/{account.pk}/", f"/finance/bank-accounts/{bank_account.pk}/",
                 f"/finance/categories/{category.pk}/edit/"):
        response = client.get(path, HTTP_HOST=team_b.host)
        assert response.status_code == 404
        assert b"Alpha secret" not in response.content
    for path in ("/finance/accounts/", "/finance/bank-accounts/", "/finance/categories/", "/finance/"):
        assert b"Alpha secret" not in client.get(path, HTTP_HOST=team_b.host).content


# --- The workspace dashboard ---------------------------------------------------------------------


def finance_panel(page: str) -> str:
    block = page.split('id="finance-figures">')[1].split("</div>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block)).strip()


def test_the_workspace_dashboard_shows_what_remains_per_currency(member, finance_a):
    assert 'id="finance-figures"' not in page_of(member.get("/"))
    finance_a.account(amount="1000.00")
    finance_a.account(amount="250.00", currency="BRL", due_date=finance_a.today() - timedelta(days=3))
    finance_a.account(type="payable", amount="80.00")

    panel = finance_panel(page_of(member.get("/")))

    assert panel == (
        "To receive $1,000.00 R$0.00 See the receivables To pay $80.00 R$0.00 See the payables "
        "Overdue $0.00 to receive $0.00 to pay R$250.00 to receive R$0.00 to pay See what is late"
    )

"""The invoice pages (/invoicing/): the list with its filters and totals per currency, the editor
(money and quantities typed the reader's way, totals recomputed by the services' own rule as they
are typed), the invoice's page and its actions; refusals inline (422), another workspace's invoices
not found."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.finance.models import Account
from modules.invoicing.models import Invoice, InvoiceItem

from .conftest import HTMX, company_in, item


def page_of(response) -> str:
    return response.content.decode()


def editor_post(customer_id: int, rows: list[dict], **fields) -> dict:
    """The editor's form as a browser posts it."""
    data = {
        "customer": str(customer_id), "issue_date": "2026-01-10", "due_date": "2026-02-10", "currency": "USD",
        "language": "", "invoice_discount": "", "notes": "",
        "items-TOTAL_FORMS": str(len(rows)), "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "500",
    }
    for index, row in enumerate(rows):
        data.update({f"items-{index}-{name}": value for name, value in row.items()})
    return {**data, **fields}


# --- Every page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_it_renders_every_invoice_page_in_the_users_language(member, invoicing_a, language):
    member.cookies["django_language"] = language
    draft = invoicing_a.invoice(currency="BRL", items=[item("Consultoria", "2", "2500.00")])
    issued = invoicing_a.issued(currency="BRL", items=[item("Suporte", "1", "890.00")])
    pages = ["/invoicing/invoices/", "/invoicing/invoices/new/", f"/invoicing/invoices/{draft.pk}/",
             f"/invoicing/invoices/{draft.pk}/edit/", f"/invoicing/invoices/{issued.pk}/"]

    responses = {path: member.get(path) for path in pages}

    assert {path: response.status_code for path, response in responses.items()} == dict.fromkeys(pages, 200)
    for response in responses.values():
        assert f'<html lang="{language}"' in page_of(response)
    money = "R$ 5.000,00" if language == "pt-br" else "R$5,000.00"
    assert money in page_of(responses["/invoicing/invoices/"])
    assert money in page_of(responses[f"/invoicing/invoices/{draft.pk}/"])
    assert draft.number in page_of(responses["/invoicing/invoices/"])


def test_the_invoicing_home_opens_the_invoice_list(member):
    response = member.get("/invoicing/")

    assert (response.status_code, response["Location"]) == (302, "/invoicing/invoices/")


# --- The list --------------------------------------------------------------------------------------


def test_the_list_filters_with_htmx_and_totals_each_currency(member, invoicing_a):
    today = invoicing_a.today()
    invoicing_a.issued(items=[item("A", "1", "100.00")])
    invoicing_a.issued(items=[item("B", "1", "250.00")], issue_date=today - timedelta(days=40),
                       due_date=today - timedelta(days=2))
    invoicing_a.paid(items=[item("C", "1", "1000.00")], currency="BRL")
    invoicing_a.invoice(items=[item("D", "1", "7.00")])

    overdue = member.get("/invoicing/invoices/?status=overdue", **HTMX)
    everything = member.get("/invoicing/invoices/")

    assert overdue.status_code == 200
    assert page_of(overdue).strip().startswith('<div id="invoice-results"')
    assert len(re.findall(r'<tr id="invoice-\d+"', page_of(overdue))) == 1
    totals = re.sub(r"\s+", " ", page_of(everything).split("data-list-totals")[1].split("</dl>")[0])
    assert "Total in BRL</dt> <dd><strong>R$1,000.00</strong> <span class=\"muted\">R$0.00 still to receive" in totals
    assert "Total in USD</dt> <dd><strong>$357.00</strong> <span class=\"muted\">$350.00 still to receive" in totals


def test_the_list_pages_queries_do_not_grow_with_its_rows(member, invoicing_a):
    def queries() -> int:
        member.get("/invoicing/invoices/")  # the session's user and workspace, looked up once
        with CaptureQueriesContext(connection) as captured:
            assert member.get("/invoicing/invoices/").status_code == 200
        return len(captured)

    for _ in range(2):
        invoicing_a.invoice()
    few = queries()
    for _ in range(28):
        invoicing_a.invoice()

    assert queries() == few


def test_a_bad_filter_is_shown_and_answers_422(member):
    response = member.get("/invoicing/invoices/?issue_date_after=someday")

    assert response.status_code == 422
    assert "Enter a valid date." in page_of(response)


# --- The editor ------------------------------------------------------------------------------------


def test_money_and_quantities_are_text_fields_read_in_the_readers_locale(member):
    page = page_of(member.get("/invoicing/invoices/new/"))

    for name in ("items-0-quantity", "items-0-unit_price", "items-0-discount", "items-0-tax_rate", "invoice_discount"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group()
        assert 'type="text"' in field and 'inputmode="decimal"' in field
    assert 'type="number"' not in page


def test_a_draft_is_created_from_what_a_brazilian_types(member, invoicing_a):
    member.cookies["django_language"] = "pt-br"
    customer = invoicing_a.customer()
    rows = [
        {"description": "Consultoria", "quantity": "1,5", "unit_price": "1.234,50", "discount": "", "tax_rate": "18,5"},
        {"description": "Hospedagem", "quantity": "2", "unit_price": "99,90", "discount": "9,90", "tax_rate": ""},
    ]

    response = member.post("/invoicing/invoices/new/", editor_post(customer.pk, rows, invoice_discount="10,00"))

    invoice = invoicing_a.query(lambda: Invoice.objects.get())
    assert response.status_code == 302
    assert response["Location"] == f"/invoicing/invoices/{invoice.pk}/"
    # 1.5 × 1234.50 = 1851.75 and 2 × 99.90 − 9.90 = 189.90; 10.00 off: 9.07 and 0.93.
    # Tax: (1851.75 − 9.07) × 18.5 % = 340.8958 → 340.90.
    assert (invoice.subtotal, invoice.discount, invoice.tax, invoice.total) == (
        Decimal("2051.55"), Decimal("19.90"), Decimal("340.90"), Decimal("2372.55")
    )
    assert invoicing_a.query(lambda: list(InvoiceItem.objects.values_list("quantity", "tax_rate"))) == [
        (Decimal("1.5"), Decimal("18.5")), (Decimal(2), Decimal(0)),
    ]


@pytest.mark.parametrize(("change", "message"), [
    ({"due_date": "2026-01-01"}, "The due date cannot be before the issue date."),
    ({"items-0-quantity": "1,5"}, "Enter a number such as"),
    ({"items-0-discount": "500.00"}, "Item 1: the discount is more than the item&#x27;s amount."),
    ({"items-0-description": ""}, "This field is required."),
])
def test_a_refused_draft_comes_back_with_its_errors_and_nothing_is_written(member, invoicing_a, change, message):
    customer = invoicing_a.customer()
    rows = [{"description": "Audit", "quantity": "2", "unit_price": "100.00", "discount": "", "tax_rate": ""}]

    response = member.post("/invoicing/invoices/new/", {**editor_post(customer.pk, rows), **change})

    assert response.status_code == 422
    assert message in page_of(response)
    assert invoicing_a.query(lambda: Invoice.objects.count()) == 0


def test_the_editor_recomputes_totals_as_they_are_typed(member, invoicing_a):
    member.cookies["django_language"] = "pt-br"
    customer = invoicing_a.customer()
    rows = [
        {"description": "A", "quantity": "3", "unit_price": "0,335", "discount": "", "tax_rate": "10"},
        {"description": "B", "quantity": "1", "unit_price": "10,00", "discount": "1,00", "tax_rate": ""},
    ]

    response = member.post("/invoicing/invoices/totals/", editor_post(customer.pk, rows, currency="BRL"), **HTMX)

    page = re.sub(r"\s+", " ", page_of(response))
    assert response.status_code == 200
    # 3 × 0.335 = 1.005 → 1.01 (rounded a line at a time, as the services store it); tax 0.10.
    assert '<dd data-total="subtotal">R$ 11,01</dd>' in page
    assert '<dd data-total="discount">R$ 1,00</dd>' in page
    assert '<dd data-total="tax">R$ 0,10</dd>' in page
    assert '<dd data-total="total"><strong>R$ 10,11</strong></dd>' in page
    assert '<output id="items-0-total" hx-swap-oob="true">R$ 1,01</output>' in page
    assert '<output id="items-1-total" hx-swap-oob="true">R$ 9,00</output>' in page
    assert invoicing_a.query(lambda: Invoice.objects.count()) == 0


@pytest.mark.parametrize(("change", "message"), [
    ({"items-0-unit_price": "abc"}, "The totals show once every item has a description, a quantity and a price."),
    ({"items-0-discount": "99.00"}, "Item 1: the discount is more than the item&#x27;s amount."),
])
def test_the_editors_totals_say_why_they_cannot_be_counted(member, invoicing_a, change, message):
    customer = invoicing_a.customer()
    rows = [{"description": "A", "quantity": "1", "unit_price": "10.00", "discount": "", "tax_rate": ""}]

    response = member.post("/invoicing/invoices/totals/", {**editor_post(customer.pk, rows), **change}, **HTMX)

    assert response.status_code == 422
    assert message in page_of(response)


def test_items_are_added_and_removed_without_saving(member, invoicing_a):
    customer = invoicing_a.customer()
    rows = [{"description": "Keep me", "quantity": "1", "unit_price": "10.00", "discount": "", "tax_rate": ""},
            {"description": "Drop me", "quantity": "2", "unit_price": "5.00", "discount": "", "tax_rate": ""}]

    added = member.post("/invoicing/invoices/new/", editor_post(customer.pk, rows, add_item="1"), **HTMX)
    removed = member.post("/invoicing/invoices/new/", editor_post(customer.pk, rows, remove_item="1"), **HTMX)

    assert added.status_code == removed.status_code == 200
    assert page_of(added).strip().startswith('<section id="invoice-items"')
    assert 'name="items-TOTAL_FORMS" value="3"' in page_of(added)
    assert 'value="Drop me"' in page_of(added)
    assert 'name="items-TOTAL_FORMS" value="1"' in page_of(removed)
    assert 'value="Keep me"' in page_of(removed) and "Drop me" not in page_of(removed)
    assert invoicing_a.query(lambda: Invoice.objects.count()) == 0


def test_a_draft_is_edited_in_the_editor(member, invoicing_a):
    invoice = invoicing_a.invoice(items=[item("Old", "1", "10.00")])
    rows = [{"description": "New", "quantity": "4", "unit_price": "25.00", "discount": "", "tax_rate": ""}]
    data = editor_post(invoice.customer_id, rows, issue_date=invoice.issue_date.isoformat(),
                       due_date=invoice.due_date.isoformat())

    response = member.post(f"/invoicing/invoices/{invoice.pk}/edit/", data)

    assert (response.status_code, response["Location"]) == (302, f"/invoicing/invoices/{invoice.pk}/")
    assert invoicing_a.fresh(invoice).total == Decimal("100.00")
    assert invoicing_a.query(lambda: list(InvoiceItem.objects.values_list("description", flat=True))) == ["New"]


def test_an_issued_invoice_is_not_edited(member, invoicing_a):
    invoice = invoicing_a.issued()

    response = member.get(f"/invoicing/invoices/{invoice.pk}/edit/")

    assert (response.status_code, response["Location"]) == (302, f"/invoicing/invoices/{invoice.pk}/")


# --- The invoice's page and its actions ------------------------------------------------------------


def test_a_draft_is_issued_from_its_page(member, invoicing_a):
    invoice = invoicing_a.invoice()

    response = member.post(f"/invoicing/invoices/{invoice.pk}/issue/")

    assert (response.status_code, response["Location"]) == (302, f"/invoicing/invoices/{invoice.pk}/")
    assert invoicing_a.fresh(invoice).status == "issued"
    page = page_of(member.get(response["Location"]))
    assert "The invoice was issued: its receivable is in finance." in page
    receivable = invoicing_a.query(lambda: Account.objects.get(invoice_id=invoice.pk))
    assert f'href="/finance/accounts/{receivable.pk}/"' in page


def test_a_refused_issue_is_said_on_the_page(member, invoicing_a):
    invoice = invoicing_a.invoice(items=[item("Free", "1", "10.00", discount="10.00")])

    response = member.post(f"/invoicing/invoices/{invoice.pk}/issue/")

    assert response.status_code == 422
    assert "An invoice whose total is zero cannot be issued." in page_of(response)


def test_cancelling_asks_why(member, invoicing_a):
    invoice = invoicing_a.issued()

    refused = member.post(f"/invoicing/invoices/{invoice.pk}/cancel/", {"reason": ""})
    done = member.post(f"/invoicing/invoices/{invoice.pk}/cancel/", {"reason": "Ordered twice"})

    assert refused.status_code == 422
    assert "This field is required." in page_of(refused)
    assert done.status_code == 302
    assert (invoicing_a.fresh(invoice).status, invoicing_a.fresh(invoice).cancel_reason) == (
        "cancelled", "Ordered twice"
    )


def test_an_invoice_is_marked_paid_from_its_page(member, invoicing_a):
    invoice = invoicing_a.issued()

    response = member.post(f"/invoicing/invoices/{invoice.pk}/pay/", {
        "paid_on": invoicing_a.today().isoformat(), "payment_method": "cash",
    })

    assert response.status_code == 302
    assert invoicing_a.fresh(invoice).status == "paid"
    assert invoicing_a.query(lambda: Account.objects.get(invoice_id=invoice.pk).payment_method) == "cash"


def test_a_payment_dated_tomorrow_is_refused_in_its_dialog(member, invoicing_a):
    invoice = invoicing_a.issued()

    response = member.post(f"/invoicing/invoices/{invoice.pk}/pay/", {
        "paid_on": (invoicing_a.today() + timedelta(days=1)).isoformat(), "payment_method": "cash",
    })

    assert response.status_code == 422
    assert '<dialog id="pay-dialog" class="board-dialog" open' in page_of(response)
    assert "A payment cannot be dated in the future." in page_of(response)
    assert invoicing_a.fresh(invoice).status == "issued"


def test_an_invoice_is_sent_from_its_page(member, invoicing_a, mailoutbox, django_capture_on_commit_callbacks):
    invoice = invoicing_a.issued()

    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(f"/invoicing/invoices/{invoice.pk}/send/", {"to": "billing@example.com"})

    assert response.status_code == 302
    assert [mail.to for mail in mailoutbox] == [["billing@example.com"]]


def test_a_draft_is_deleted_from_its_page_by_who_created_it_or_a_manager(client, team_a, invoicing_a):
    invoice = invoicing_a.invoice()
    client.force_login(team_a.manager)
    client.defaults["HTTP_HOST"] = team_a.host

    response = client.post(f"/invoicing/invoices/{invoice.pk}/delete/")

    assert (response.status_code, response["Location"]) == (302, "/invoicing/invoices/")
    assert invoicing_a.query(lambda: Invoice.objects.count()) == 0


def test_the_pdf_preview_opens_in_the_invoices_own_page_only(member, invoicing_a):
    invoice = invoicing_a.issued()

    page = page_of(member.get(f"/invoicing/invoices/{invoice.pk}/"))
    response = member.get(f"/invoicing/invoices/{invoice.pk}/pdf/")
    download = member.get(f"/invoicing/invoices/{invoice.pk}/pdf/?download")

    assert f'<iframe class="invoice-preview" src="/invoicing/invoices/{invoice.pk}/pdf/"' in page
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert download["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'


def test_an_open_invoice_shows_the_payment_parts_dialogs_once_they_are_installed(member, invoicing_a, settings,
                                                                                 tmp_path):
    dialog = tmp_path / "invoicing" / "partials" / "_pix_dialog.html"
    dialog.parent.mkdir(parents=True)
    dialog.write_text('<button data-dialog="pix-dialog">PIX for {{ invoice.number }}</button>')
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    invoice = invoicing_a.issued()
    draft = invoicing_a.invoice()
    before = page_of(member.get(f"/invoicing/invoices/{invoice.pk}/"))

    settings.TEMPLATES = templates
    open_page = page_of(member.get(f"/invoicing/invoices/{invoice.pk}/"))
    draft_page = page_of(member.get(f"/invoicing/invoices/{draft.pk}/"))

    assert "PIX for" not in before
    assert f"PIX for {invoice.number}" in open_page
    assert "PIX for" not in draft_page  # a draft cannot be paid yet


# --- The dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_shows_open_and_overdue_invoices_per_currency(member, team_a, invoicing_a):
    company_in(team_a, country="BR")
    today = invoicing_a.today()
    invoicing_a.issued(currency="BRL", items=[item("A", "1", "1000.00")])
    invoicing_a.issued(currency="BRL", items=[item("B", "1", "500.00")], issue_date=today - timedelta(days=40),
                       due_date=today - timedelta(days=3))
    invoicing_a.issued(currency="USD", items=[item("C", "1", "80.00")])
    invoicing_a.paid(currency="BRL", items=[item("D", "1", "9999.00")])

    page = re.sub(r"\s+", " ", page_of(member.get("/")))

    panel = page.split('id="invoicing-figures"')[1].split("</div>")[0]
    assert "R$1,500.00" in panel and "$80.00" in panel
    assert "See the 3 open invoices" in panel
    assert "1 overdue" in panel and "R$500.00" in panel


def test_the_dashboard_has_no_invoicing_panel_without_open_invoices(member, invoicing_a):
    invoicing_a.invoice()

    assert 'id="invoicing-figures"' not in page_of(member.get("/"))


# --- Another workspace -----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [
    ("get", ""), ("get", "edit/"), ("post", "edit/"), ("get", "pdf/"), ("post", "issue/"), ("post", "cancel/"),
    ("post", "pay/"), ("post", "send/"), ("post", "delete/"),
])
def test_another_workspaces_invoice_pages_are_not_found(outsider, invoicing_a, method, path):
    invoice = invoicing_a.invoice()

    response = getattr(outsider, method)(f"/invoicing/invoices/{invoice.pk}/{path}")

    assert response.status_code == 404
    assert invoicing_a.fresh(invoice).status == "draft"

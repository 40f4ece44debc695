"""/api/v1/invoicing/invoices/: create with items (totals computed by the server), read, list with
filters, change and delete a draft; every refusal a translated 400 that writes nothing; another
workspace's invoices are not found."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.crm.models import Contact
from modules.invoicing.models import Invoice, InvoiceItem

from .conftest import item

URL = "/api/v1/invoicing/invoices/"


def body(customer_id: int, **fields) -> dict:
    """The spec's example: 40 hours at 150.00 and a month of hosting."""
    return {
        "customer_id": customer_id,
        "issue_date": "2025-11-13",
        "due_date": "2025-12-13",
        "currency": "USD",
        "items": [
            {"description": "Web Development - 40h", "quantity": 40, "unit_price": "150.00", "tax_rate": 0},
            {"description": "Hosting - Monthly", "quantity": 1, "unit_price": "99.00", "tax_rate": 0},
        ],
        "notes": "Payment via bank transfer",
        **fields,
    }


def count(invoicing) -> tuple[int, int]:
    return invoicing.query(lambda: (Invoice.objects.count(), InvoiceItem.objects.count()))


# --- Create ----------------------------------------------------------------------------------------


def test_it_creates_the_specs_example_as_a_numbered_draft_with_its_totals(admin_api, invoicing_a):
    customer = invoicing_a.customer(name="Carla Mendes", email="carla@example.com", company="Mendes Ltda")

    response = admin_api.post(URL, body(customer.pk))

    assert response.status_code == 201
    invoice = response.json()
    assert invoice["number"] == "INV-2025-001"
    assert invoice["status"] == "draft"
    assert invoice["customer"] == {
        "id": customer.pk, "name": "Carla Mendes", "email": "carla@example.com", "company": "Mendes Ltda"
    }
    assert (invoice["issue_date"], invoice["due_date"], invoice["currency"]) == ("2025-11-13", "2025-12-13", "USD")
    assert [(line["description"], line["quantity"], line["unit_price"], line["discount"], line["tax_rate"],
             line["total"]) for line in invoice["items"]] == [
        ("Web Development - 40h", 40, "150.00", "0.00", 0, "6000.00"),
        ("Hosting - Monthly", 1, "99.00", "0.00", 0, "99.00"),
    ]
    assert (invoice["subtotal"], invoice["discount"], invoice["tax"], invoice["total"]) == (
        "6099.00", "0.00", "0.00", "6099.00"
    )
    assert invoice["formatted"] == {
        "subtotal": "$6,099.00", "discount": "$0.00", "tax": "$0.00", "total": "$6,099.00"
    }
    assert invoice["notes"] == "Payment via bank transfer"
    # The fiscal fields are there, empty until a fiscal step fills them.
    assert {field: invoice[field] for field in (
        "nfe_number", "nfe_key", "nfe_status", "nfe_xml_url", "nfe_pdf_url", "cfdi_uuid", "cfdi_xml_url",
        "payment_link", "receivable_id",
    )} == dict.fromkeys((
        "nfe_number", "nfe_key", "nfe_status", "nfe_xml_url", "nfe_pdf_url", "cfdi_uuid", "cfdi_xml_url",
        "payment_link", "receivable_id",
    ))
    assert invoicing_a.events("invoice.created")[-1].payload["items"][0]["total"] == "6000.00"


def test_it_computes_discounts_and_tax_rates_with_decimals_on_the_server(admin_api, invoicing_a):
    customer = invoicing_a.customer()
    items = [
        {"description": "Licence", "quantity": 3, "unit_price": "100.00", "discount": "30.00", "tax_rate": 8.25},
        {"description": "Setup", "quantity": 1.5, "unit_price": "0.125", "tax_rate": 0},
    ]

    response = admin_api.post(URL, body(customer.pk, items=items, invoice_discount="10.00"))

    assert response.status_code == 201
    invoice = response.json()
    # Line 1: 300 − 30 = 270; line 2: 1.5 × 0.125 = 0.1875 → 0.19. 10.00 off spread 9.99 / 0.01.
    # Tax: (270 − 9.99) × 8.25 % = 21.450825 → 21.45.
    assert [line["total"] for line in invoice["items"]] == ["270.00", "0.19"]
    assert [(line["quantity"], line["unit_price"], line["tax_rate"]) for line in invoice["items"]] == [
        (3, "100.00", 8.25), (1.5, "0.125", 0),
    ]
    assert (invoice["subtotal"], invoice["discount"], invoice["tax"], invoice["total"]) == (
        "300.19", "40.00", "21.45", "281.64"
    )
    assert invoice["invoice_discount"] == "10.00"


def test_a_zero_decimal_currency_has_whole_totals(admin_api, invoicing_a):
    customer = invoicing_a.customer()
    items = [{"description": "Asesoría", "quantity": 3, "unit_price": "333.5", "tax_rate": 19}]

    response = admin_api.post(URL, body(customer.pk, currency="CLP", items=items))

    assert response.status_code == 201
    assert (response.json()["total"], response.json()["tax"]) == ("1191", "190")
    assert response.json()["formatted"]["total"] == "CLP 1,191"


@pytest.mark.parametrize(("language", "total"), [("pt-BR", "R$ 6.099,00"), ("es", "BRL 6,099.00")])
def test_the_formatted_totals_are_written_for_the_readers_locale(api, team_a, invoicing_a, language, total):
    customer = invoicing_a.customer()
    client = api(host=team_a.host, user=team_a.admin, language=language)

    response = client.post(URL, body(customer.pk, currency="BRL"))

    assert response.json()["formatted"]["total"] == total


def test_the_invoice_language_follows_the_customers_country_then_the_companys(admin_api, invoicing_a):
    brazilian = invoicing_a.customer(phone="+5511987650101")
    mexican = invoicing_a.customer(phone="+525512345678")
    american = invoicing_a.customer(phone="+15125550143")
    nobody = invoicing_a.customer()

    languages = [admin_api.post(URL, body(customer.pk)).json()["language"]
                 for customer in (brazilian, mexican, american, nobody)]
    chosen = admin_api.post(URL, body(nobody.pk, language="es")).json()["language"]

    assert languages == ["pt-br", "es", "en", "en"]  # alpha's company is in the US and speaks English
    assert chosen == "es"


REFUSALS = [
    ({"items": []}, "items", {"non_field_errors": ["This list may not be empty."]}),
    ({"due_date": "2025-11-12"}, "due_date", "The due date cannot be before the issue date."),
    ({"customer_id": 999999}, "customer_id", 'Invalid pk "999999" - object does not exist.'),
    ({"currency": "EUR"}, "currency", '"EUR" is not a valid choice.'),
    ({"items": [{"description": "A", "quantity": 0, "unit_price": "1.00"}]}, "items",
     {"0": {"quantity": ["Ensure this value is greater than or equal to 0.000001."]}}),
    ({"items": [{"description": "A", "quantity": "2", "unit_price": "1.00"}]}, "items",
     {"0": {"quantity": ["A valid number is required."]}}),
    ({"items": [{"description": "A", "quantity": 1.0000001, "unit_price": "1.00"}]}, "items",
     {"0": {"quantity": ["Ensure that there are no more than 6 decimal places."]}}),
    ({"items": [{"description": "A", "quantity": 1, "unit_price": "1.00", "tax_rate": 101}]}, "items",
     {"0": {"tax_rate": ["Ensure this value is less than or equal to 100."]}}),
    ({"items": [{"description": "A", "quantity": 1, "unit_price": 1}]}, "items",
     {"0": {"unit_price": ["A valid number is required."]}}),
    ({"items": [{"description": "A", "quantity": 1, "unit_price": "10.00", "discount": "10.01"}]}, "items",
     ["Item 1: the discount is more than the item's amount."]),
    ({"items": [{"description": "   ", "quantity": 1, "unit_price": "10.00"}]}, "items",
     {"0": {"description": ["This field may not be blank."]}}),
    ({"invoice_discount": "7000.00"}, "invoice_discount",
     ["The invoice's discount is more than its items add up to after their own discounts."]),
    ({"currency": "CLP", "invoice_discount": "10.50"}, "invoice_discount",
     ["CLP amounts are whole numbers, with no decimal places."]),
    ({"items": [{"description": "A", "quantity": 999999999, "unit_price": "1001"}]}, "items",
     ["The items add up to more than an invoice can hold."]),
]


@pytest.mark.parametrize(("change", "field", "message"), REFUSALS)
def test_it_refuses_what_it_cannot_bill_and_writes_nothing(admin_api, invoicing_a, change, field, message):
    customer = invoicing_a.customer()

    response = admin_api.post(URL, {**body(customer.pk), **change})

    assert response.status_code == 400
    assert response.json() == {field: message if isinstance(message, dict | list) else [message]}
    assert count(invoicing_a) == (0, 0)
    assert invoicing_a.events("invoice.created") == []


def test_refusals_are_translated(api, team_a, invoicing_a):
    customer = invoicing_a.customer()
    client = api(host=team_a.host, user=team_a.admin, language="pt-BR")
    items = [{"description": "A", "quantity": 1, "unit_price": "10.00", "discount": "11.00"}]

    dates = client.post(URL, body(customer.pk, due_date="2025-11-01")).json()
    discount = client.post(URL, body(customer.pk, items=items)).json()

    assert dates == {"due_date": ["A data de vencimento não pode ser anterior à data de emissão."]}
    assert discount == {"items": ["Item 1: o desconto é maior que o valor do item."]}


def test_another_workspaces_contact_is_no_customer_of_ours(admin_api, invoicing_b):
    theirs = invoicing_b.customer()

    response = admin_api.post(URL, body(theirs.pk))

    assert response.status_code == 400
    assert list(response.json()) == ["customer_id"]


# --- Read and list ---------------------------------------------------------------------------------


def test_it_reads_one_invoice(admin_api, invoicing_a):
    invoice = invoicing_a.invoice(items=[item("Audit", "2", "450.00")])

    response = admin_api.get(f"{URL}{invoice.pk}/")

    assert response.status_code == 200
    assert (response.json()["number"], response.json()["total"]) == (invoice.number, "900.00")


def test_the_list_filters_by_status_customer_dates_currency(admin_api, invoicing_a):
    today = invoicing_a.today()
    ana = invoicing_a.customer(name="Ana Souza")
    bruno = invoicing_a.customer(name="Bruno Lima")
    draft = invoicing_a.invoice(customer=ana, issue_date=today - timedelta(days=40),
                                due_date=today - timedelta(days=10))
    late = invoicing_a.issued(customer=ana, issue_date=today - timedelta(days=40), due_date=today - timedelta(days=1))
    due_today = invoicing_a.issued(customer=bruno, currency="BRL", due_date=today)
    paid = invoicing_a.paid(customer=bruno, due_date=today - timedelta(days=5), issue_date=today - timedelta(days=9))

    def ids(query: str) -> set[int]:
        response = admin_api.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("status=overdue") == {late.pk}  # issued, past due; not the draft, not the paid one
    assert ids("status=issued") == {due_today.pk}  # due today is not late yet
    assert ids("status=draft,paid") == {draft.pk, paid.pk}
    assert ids(f"customer_id={ana.pk}") == {draft.pk, late.pk}
    assert ids(f"issue_date_after={today - timedelta(days=9)}") == {due_today.pk, paid.pk}
    assert ids(f"issue_date_before={today - timedelta(days=9)}") == {draft.pk, late.pk, paid.pk}
    assert ids(f"due_before={today - timedelta(days=5)}") == {draft.pk, paid.pk}
    assert ids(f"due_after={today - timedelta(days=1)}") == {late.pk, due_today.pk}
    assert ids("currency=BRL") == {due_today.pk}
    statuses = {row["id"]: row["status"] for row in admin_api.get(URL).json()["results"]}
    assert statuses == {draft.pk: "draft", late.pk: "overdue", due_today.pk: "issued", paid.pk: "paid"}


def test_the_search_finds_a_number_or_a_customers_name_accents_aside(admin_api, invoicing_a):
    joao = invoicing_a.invoice(customer=invoicing_a.customer(name="João Conceição"))
    other = invoicing_a.invoice(customer=invoicing_a.customer(name="Hannah Kim"))

    def numbers(text: str) -> list[str]:
        return sorted(row["number"] for row in admin_api.get(URL, {"search": text}).json()["results"])

    assert numbers("joao conceicao") == [joao.number]
    assert numbers("CONCEIÇÃO") == [joao.number]
    assert numbers(other.number.lower()) == [other.number]
    assert numbers(other.number[-3:]) == [other.number]
    assert numbers("nobody") == []


@pytest.mark.parametrize("query", ["status=late", "customer_id=abc", "issue_date_after=2025-13-01", "currency=EUR"])
def test_a_bad_filter_is_a_400(admin_api, query):
    response = admin_api.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [query.split("=")[0]]


def test_the_list_query_count_does_not_grow_with_the_page_size(admin_api, invoicing_a):
    for index in range(12):
        invoicing_a.invoice(items=[item(f"Line {index}"), item("Another", "2", "5.00")])

    admin_api.get(URL)  # the first request of a session looks its user and workspace up

    def queries(page_size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = admin_api.get(URL, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(captured)

    assert queries(2) == queries(12)


# --- Change and delete a draft ---------------------------------------------------------------------


def test_a_patch_changes_a_draft_and_its_items_are_replaced_whole(admin_api, invoicing_a):
    invoice = invoicing_a.invoice(items=[item("Old line", "1", "10.00"), item("Another", "1", "5.00")])
    items = [{"description": "New line", "quantity": 2, "unit_price": "12.50", "tax_rate": 10}]

    response = admin_api.patch(f"{URL}{invoice.pk}/", {"items": items, "notes": "Thank you"})

    assert response.status_code == 200
    changed = response.json()
    assert [(line["description"], line["total"]) for line in changed["items"]] == [("New line", "25.00")]
    assert (changed["total"], changed["tax"], changed["notes"]) == ("27.50", "2.50", "Thank you")
    assert invoicing_a.query(lambda: InvoiceItem.objects.filter(invoice_id=invoice.pk).count()) == 1
    event = invoicing_a.events("invoice.updated")[-1]
    assert set(event.changes) == {"items", "notes", "subtotal", "tax", "total"}


def test_a_patch_without_items_keeps_them_and_retotals_them_in_a_new_currency(admin_api, invoicing_a):
    invoice = invoicing_a.invoice(items=[item("Consulting", "3", "333.50")])

    response = admin_api.patch(f"{URL}{invoice.pk}/", {"currency": "CLP"})

    assert response.status_code == 200
    assert [line["total"] for line in response.json()["items"]] == ["1001"]
    assert response.json()["items"][0]["id"] == invoicing_a.query(
        lambda: InvoiceItem.objects.get(invoice_id=invoice.pk).pk
    )


def test_a_patch_that_changes_nothing_records_nothing(admin_api, invoicing_a):
    invoice = invoicing_a.invoice(notes="Same")

    response = admin_api.patch(f"{URL}{invoice.pk}/", {"notes": "Same"})

    assert response.status_code == 200
    assert invoicing_a.events("invoice.updated") == []


def test_a_patchs_items_are_whole_items(admin_api, invoicing_a):
    invoice = invoicing_a.invoice()

    response = admin_api.patch(f"{URL}{invoice.pk}/", {"items": [{"description": "No price"}]})

    assert response.status_code == 400
    assert response.json() == {"items": {"0": {
        "quantity": ["This field is required."], "unit_price": ["This field is required."],
    }}}


def test_the_issue_date_keeps_the_numbers_year(admin_api, invoicing_a):
    invoice = invoicing_a.invoice(issue_date=invoicing_a.today().replace(month=6, day=1),
                                  due_date=invoicing_a.today().replace(month=6, day=30))
    year = invoice.issue_date.year

    moved = admin_api.patch(f"{URL}{invoice.pk}/", {"issue_date": f"{year}-06-15"})
    next_year = {"issue_date": f"{year + 1}-01-02", "due_date": f"{year + 1}-02-01"}
    refused = admin_api.patch(f"{URL}{invoice.pk}/", next_year)

    assert moved.status_code == 200
    assert refused.status_code == 400
    assert refused.json() == {"issue_date": [
        f"The issue date stays in {year}: the number {invoice.number} is that year's."
    ]}
    assert invoicing_a.fresh(invoice).issue_date.isoformat() == f"{year}-06-15"


def test_a_draft_is_deleted(admin_api, invoicing_a):
    invoice = invoicing_a.invoice()

    response = admin_api.delete(f"{URL}{invoice.pk}/")

    assert response.status_code == 204
    assert count(invoicing_a) == (0, 0)
    assert invoicing_a.events("invoice.deleted")[-1].payload["number"] == invoice.number


def test_an_issued_invoice_is_neither_changed_nor_deleted(admin_api, invoicing_a):
    invoice = invoicing_a.issued()

    patched = admin_api.patch(f"{URL}{invoice.pk}/", {"notes": "Late change"})
    deleted = admin_api.delete(f"{URL}{invoice.pk}/")

    assert (patched.status_code, deleted.status_code) == (400, 400)
    assert patched.json() == {"non_field_errors": ["Only a draft can be changed: this invoice was issued."]}
    assert deleted.json() == {"non_field_errors": ["Only a draft can be deleted: cancel an issued invoice instead."]}
    assert invoicing_a.fresh(invoice).notes == ""


def test_a_plain_member_deletes_only_the_drafts_they_created(api, team_a, invoicing_a):
    invoice = invoicing_a.invoice()  # the admin's
    member = api(host=team_a.host, user=team_a.user)

    response = member.delete(f"{URL}{invoice.pk}/")

    assert response.status_code == 403
    assert count(invoicing_a)[0] == 1


# --- Another workspace -----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "data"), [
    ("get", "", None),
    ("patch", "", {"notes": "Hijacked"}),
    ("delete", "", None),
    ("post", "issue/", {}),
    ("post", "cancel/", {"reason": "Hijacked"}),
    ("post", "mark_paid/", {"method": "cash"}),
    ("post", "send/", {"to": "thief@example.com"}),
    ("get", "pdf/", None),
])
def test_another_workspaces_invoice_is_not_found_and_stays_as_it_was(
    outsider_api, invoicing_a, method, path, data
):
    invoice = invoicing_a.issued() if path in ("cancel/", "mark_paid/", "send/") else invoicing_a.invoice()
    before = invoicing_a.query(lambda: Invoice.objects.filter(pk=invoice.pk).values().get())

    response = getattr(outsider_api, method)(f"{URL}{invoice.pk}/{path}", data)

    assert response.status_code == 404
    assert invoicing_a.query(lambda: Invoice.objects.filter(pk=invoice.pk).values().get()) == before


def test_another_workspaces_list_shows_none_of_ours(outsider_api, invoicing_a):
    invoicing_a.invoice()

    assert outsider_api.get(URL).json()["count"] == 0


def test_the_totals_are_decimals_never_floats(invoicing_a):
    invoice = invoicing_a.invoice(items=[item("Thirds", "3", "0.3333333333")])

    stored = invoicing_a.fresh(invoice)

    assert (stored.total, type(stored.total)) == (Decimal("1.00"), Decimal)


def test_a_customer_with_invoices_stays_in_the_crm(admin_api, invoicing_a):
    customer = invoicing_a.customer()
    invoicing_a.invoice(customer=customer)
    invoicing_a.invoice(customer=customer)

    response = admin_api.delete(f"/api/v1/crm/contacts/{customer.pk}/")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [
        "This contact is the customer of 2 invoices, which keep their customer."
    ]}
    assert invoicing_a.query(lambda: Contact.objects.filter(pk=customer.pk).exists())

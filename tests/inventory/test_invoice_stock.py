"""Invoices and stock: a line of an inventory product starts from the product; issuing the
invoice takes its stock out (a sale quoting the invoice), refused whole when the stock is short;
cancelling it brings the stock back."""

from decimal import Decimal

from modules.finance.models import Account
from modules.invoicing.models import Invoice, InvoiceItem
from tests.invoicing.conftest import Invoicing
from tests.invoicing.test_invoice_pages import editor_post

INVOICES = "/api/v1/invoicing/invoices/"


def draft(admin_api, invoicing, items) -> dict:
    customer = invoicing.customer()
    response = admin_api.post(INVOICES, {
        "customer_id": customer.pk, "issue_date": "2025-11-13", "due_date": "2025-12-13", "currency": "USD",
        "items": items,
    })
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_product_line_takes_its_name_and_price_from_the_product(admin_api, inventory_a, team_a):
    product = inventory_a.product(name="USB mouse", sale_price="14.99", ncm="84716053")

    invoice = draft(admin_api, Invoicing(team_a), [
        {"product_id": product.pk, "quantity": 2},
        {"product_id": product.pk, "quantity": 1, "description": "Mouse (gift wrap)", "unit_price": "16.00"},
    ])

    assert [(item["description"], item["unit_price"], item["product_id"]) for item in invoice["items"]] == [
        ("USB mouse", "14.99", product.pk), ("Mouse (gift wrap)", "16.00", product.pk),
    ]
    assert invoice["total"] == "45.98"


def test_a_product_line_carries_the_products_fiscal_codes_unless_the_line_gives_its_own(
    admin_api, inventory_a, team_a
):
    product = inventory_a.product(ncm="84716053", sat_product_code="43211708", sat_unit_code="H87")

    invoice = draft(admin_api, Invoicing(team_a), [
        {"product_id": product.pk, "quantity": 1},
        {"product_id": product.pk, "quantity": 1, "ncm": "85444200", "sat_product_code": ""},
    ])

    codes = [(item["ncm"], item["sat_product_code"], item["sat_unit_code"]) for item in invoice["items"]]
    assert codes == [("84716053", "43211708", "H87"), ("85444200", "43211708", "H87")]


def test_issuing_takes_the_stock_out_as_a_sale_quoting_the_invoice(admin_api, inventory_a, team_a):
    mouse, cable = inventory_a.stocked(10), inventory_a.stocked(5)
    invoice = draft(admin_api, Invoicing(team_a), [
        {"product_id": mouse.pk, "quantity": 2}, {"product_id": mouse.pk, "quantity": 1},
        {"product_id": cable.pk, "quantity": 5}, {"description": "Installation", "quantity": 1, "unit_price": "50.00"},
    ])

    response = admin_api.post(f"{INVOICES}{invoice['id']}/issue/")

    assert response.status_code == 200
    sales = [(movement.product_id, movement.type, movement.quantity, movement.reference, movement.invoice_id)
             for movement in inventory_a.movements(reason="sale")]
    assert sales == [(mouse.pk, "out", 3, invoice["number"], invoice["id"]),
                     (cable.pk, "out", 5, invoice["number"], invoice["id"])]
    assert (inventory_a.fresh(mouse).stock, inventory_a.fresh(cable).stock) == (7, 0)


def test_an_issue_with_too_little_stock_is_refused_and_writes_nothing(admin_api, inventory_a, team_a):
    mouse = inventory_a.stocked(10, sku="MOU", name="Mouse")
    cable = inventory_a.stocked(1, sku="CAB", name="Cable")
    invoice = draft(admin_api, Invoicing(team_a), [
        {"product_id": mouse.pk, "quantity": 2}, {"product_id": cable.pk, "quantity": 3},
    ])

    response = admin_api.post(f"{INVOICES}{invoice['id']}/issue/")

    assert response.status_code == 400
    assert response.json() == {"items": ["Not enough stock of CAB Cable: 1 in stock, 3 asked."]}
    assert inventory_a.movements(reason="sale") == []
    assert (inventory_a.fresh(mouse).stock, inventory_a.fresh(cable).stock) == (10, 1)
    stored = inventory_a.query(lambda: Invoice.objects.get(pk=invoice["id"]))
    assert (stored.status, stored.receivable_id) == ("draft", None)
    assert inventory_a.query(lambda: Account.objects.count()) == 0


def test_cancelling_an_issued_invoice_brings_the_stock_back_at_the_cost_it_left(admin_api, inventory_a, team_a):
    mouse = inventory_a.stocked(10, cost_price="4.00")
    invoice = draft(admin_api, Invoicing(team_a), [{"product_id": mouse.pk, "quantity": 4}])
    admin_api.post(f"{INVOICES}{invoice['id']}/issue/")

    response = admin_api.post(f"{INVOICES}{invoice['id']}/cancel/", {"reason": "The customer gave up."})

    assert response.status_code == 200
    [returned] = inventory_a.movements(reason="return")
    assert (returned.type, returned.quantity, returned.unit_cost, returned.reference) == (
        "in", 4, Decimal("4"), invoice["number"]
    )
    stored = inventory_a.fresh(mouse)
    assert (stored.stock, stored.average_cost) == (10, Decimal("4.0000000000"))


def test_cancelling_a_draft_moves_no_stock(admin_api, inventory_a, team_a):
    mouse = inventory_a.stocked(10)
    invoice = draft(admin_api, Invoicing(team_a), [{"product_id": mouse.pk, "quantity": 4}])

    admin_api.post(f"{INVOICES}{invoice['id']}/cancel/", {"reason": "Never sent."})

    assert inventory_a.fresh(mouse).stock == 10
    assert len(inventory_a.movements()) == 1


def test_a_product_of_another_workspace_is_not_found_for_a_line(outsider_api, inventory_a, professional_b):
    mouse = inventory_a.stocked(10)
    customer = Invoicing(professional_b).customer()

    response = outsider_api.post(INVOICES, {
        "customer_id": customer.pk, "issue_date": "2025-11-13", "due_date": "2025-12-13", "currency": "USD",
        "items": [{"product_id": mouse.pk, "quantity": 1}],
    })

    assert response.status_code == 400
    assert list(response.json()["items"]["0"]) == ["product_id"]


def test_a_line_without_a_product_still_needs_its_description_and_price(admin_api, inventory_a, team_a):
    customer = Invoicing(team_a).customer()

    response = admin_api.post(INVOICES, {
        "customer_id": customer.pk, "issue_date": "2025-11-13", "due_date": "2025-12-13", "currency": "USD",
        "items": [{"quantity": 1}],
    })

    assert response.status_code == 400
    assert set(response.json()["items"]["0"]) == {"description", "unit_price"}


def test_a_product_line_stays_the_products_when_the_draft_is_edited_on_its_page(
    admin_api, member, inventory_a, team_a
):
    mouse = inventory_a.stocked(10, name="USB mouse", sale_price="14.99", ncm="84716053")
    invoice = draft(admin_api, Invoicing(team_a), [{"product_id": mouse.pk, "quantity": 2}])

    editor = member.get(f"/invoicing/invoices/{invoice['id']}/edit/").content.decode()
    rows = [{"description": "USB mouse, black", "quantity": "3", "unit_price": "14.99", "discount": "",
             "tax_rate": "", "product": str(mouse.pk)}]
    saved = member.post(f"/invoicing/invoices/{invoice['id']}/edit/", editor_post(
        invoice["customer"]["id"], rows, issue_date=invoice["issue_date"], due_date=invoice["due_date"],
    ))
    admin_api.post(f"{INVOICES}{invoice['id']}/issue/")

    assert f'<input type="hidden" name="items-0-product" value="{mouse.pk}"' in editor
    assert saved.status_code == 302
    # The row's fiscal codes were left blank: the product's stay.
    assert inventory_a.query(lambda: list(InvoiceItem.objects.values_list("description", "product_id", "ncm"))) == [
        ("USB mouse, black", mouse.pk, mouse.ncm)
    ]
    assert inventory_a.fresh(mouse).stock == 7

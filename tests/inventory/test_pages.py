"""Inventory's workspace pages (/inventory/): products with their stock badges and the low-stock
filter, the product form (prices and quantities typed the local way), movements from a product's
page and from the ledger, and the count screen. The rules belong to the services; these tests
check that each page carries them out and shows refusals inline (422)."""

import re
from decimal import Decimal

import pytest

from modules.inventory.models import InventoryCount, Product
from tests.inventory.conftest import HTMX, ean13


def page_of(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_of(response)))


@pytest.mark.parametrize(("language", "title", "price"), [
    ("en", "Stock movements", "$1,250.00"),
    ("pt-br", "Movimentações de estoque", "US$ 1.250,00"),
    ("es", "Movimientos de stock", "$1,250.00"),
])
def test_it_renders_every_inventory_page_in_the_users_language(member, inventory_a, language, title, price):
    member.cookies["django_language"] = language
    product = inventory_a.stocked(3, sale_price="1250.00")
    count = inventory_a.run(lambda: InventoryCount.objects.create(date="2025-11-13"))
    paths = ["/inventory/", "/inventory/products/new/", f"/inventory/products/{product.pk}/", "/inventory/movements/",
             "/inventory/counts/", f"/inventory/counts/{count.pk}/"]

    responses = {path: member.get(path) for path in paths}

    assert {path: response.status_code for path, response in responses.items()} == dict.fromkeys(paths, 200)
    for response in responses.values():
        assert title in page_of(response)  # the inventory tabs
    assert price in page_of(responses["/inventory/"])
    assert price in page_of(responses[f"/inventory/products/{product.pk}/"])


def test_the_list_shows_each_products_stock_badge_and_filters_the_low_ones(member, inventory_a):
    inventory_a.stocked(20, name="Plenty", min_stock="5")
    inventory_a.stocked(2, name="Scarce", min_stock="5")
    inventory_a.product(name="Gone", min_stock="1")

    everything = page_of(member.get("/inventory/"))
    low = text_of(member.get("/inventory/", {"low_stock": "true"}, **HTMX))

    assert re.search(r'badge badge-ok" data-stock="20[^"]*">In stock · 20 un', everything)
    assert re.search(r'badge badge-warn" data-stock="2[^"]*">Low · 2 un', everything)
    assert re.search(r'badge badge-danger" data-stock="0[^"]*">Out of stock · 0 un', everything)
    assert "2 products to reorder" in everything
    assert "Scarce" in low and "Gone" in low and "Plenty" not in low


def test_the_product_form_reads_prices_and_quantities_the_local_way(member, inventory_a):
    member.cookies["django_language"] = "pt-br"
    barcode = ean13("789100000009")

    response = member.post("/inventory/products/new/", {
        "sku": "CAF-1", "name": "Café", "unit": "kg", "barcode": barcode, "cost_price": "1.234,50",
        "sale_price": "2.000,00", "min_stock": "2,5", "max_stock": "10", "is_active": "on",
    })

    product = inventory_a.query(lambda: Product.objects.get(sku="CAF-1"))
    assert response.status_code == 302
    assert response["Location"] == f"/inventory/products/{product.pk}/"
    assert (product.cost_price, product.sale_price, product.min_stock, product.max_stock) == (
        Decimal("1234.50"), Decimal("2000.00"), Decimal("2.5"), Decimal(10)
    )
    form = page_of(member.get(f"/inventory/products/{product.pk}/"))
    assert 'value="1.234,50"' in form and 'inputmode="decimal"' in form and 'type="number"' not in form


def test_the_product_form_shows_the_services_refusals_beside_their_fields(member, inventory_a):
    inventory_a.product(sku="TAKEN")

    response = member.post("/inventory/products/new/", {"sku": "taken", "name": "X", "unit": "un",
                                                        "barcode": "7891000000012"}, **HTMX)

    assert response.status_code == 422
    text = text_of(response)
    assert "Another product already has the SKU taken." in text
    assert "check digit is wrong: check the number." in text


def test_a_movement_from_the_products_page_moves_its_stock_or_says_why_not(member, inventory_a, team_a):
    product = inventory_a.stocked(4)

    taken = member.post(f"/inventory/products/{product.pk}/move/", {
        "product": product.pk, "type": "out", "reason": "sale", "quantity": "3", "reference": "PDV 1",
    })
    refused = member.post(f"/inventory/products/{product.pk}/move/", {
        "product": product.pk, "type": "out", "reason": "sale", "quantity": "2",
    }, **HTMX)

    assert taken.status_code == 302
    assert refused.status_code == 422
    assert f"Not enough stock of {product.sku} {product.name}: 1 in stock, 2 asked." in text_of(refused)
    assert inventory_a.fresh(product).stock == 1
    assert inventory_a.movements(reason="sale")[0].created_by_id == team_a.user.pk


def test_the_ledgers_movement_form_takes_a_unit_cost_typed_the_local_way(member, inventory_a):
    member.cookies["django_language"] = "pt-br"
    product = inventory_a.product(cost_price="1.00")

    response = member.post("/inventory/movements/new/", {
        "product": product.pk, "type": "in", "reason": "purchase", "quantity": "10", "unit_cost": "2,50",
    })

    assert response.status_code == 302
    assert inventory_a.fresh(product).average_cost == Decimal("2.5")
    assert "+10" in text_of(member.get("/inventory/movements/"))


def test_the_count_screen_finds_a_product_by_barcode_and_shows_the_difference(member, inventory_a):
    barcode = ean13("789100000023")
    product = inventory_a.stocked(10, sku="CAB-1", name="Cable", barcode=barcode)
    count = inventory_a.run(lambda: InventoryCount.objects.create(date="2025-11-13"))

    preview = text_of(member.get(f"/inventory/counts/{count.pk}/preview/",
                                 {"code": barcode, "actual_quantity": "7"}, **HTMX))
    saved = member.post(f"/inventory/counts/{count.pk}/items/", {"code": "cab-1", "actual_quantity": "7"}, **HTMX)
    unknown = member.post(f"/inventory/counts/{count.pk}/items/", {"code": "nope", "actual_quantity": "1"}, **HTMX)

    assert "CAB-1 · Cable Expected: 10 un Difference: -3" in preview
    assert saved.status_code == 200
    assert re.search(rf'id="count-item-{product.pk}".*?data-difference>-3<', page_of(saved), re.S)
    assert unknown.status_code == 422
    assert "No product has this barcode or SKU." in text_of(unknown)


def test_completing_a_count_from_its_screen_adjusts_the_stock(member, inventory_a):
    product = inventory_a.stocked(10)
    count = inventory_a.run(lambda: InventoryCount.objects.create(date="2025-11-13"))
    member.post(f"/inventory/counts/{count.pk}/items/", {"code": product.sku, "actual_quantity": "12"})

    response = member.post(f"/inventory/counts/{count.pk}/complete/")
    again = member.post(f"/inventory/counts/{count.pk}/items/", {"code": product.sku, "actual_quantity": "1"})

    assert response.status_code == 302
    assert inventory_a.fresh(product).stock == 12
    assert again.status_code == 422
    assert "This count was completed: it takes nothing more." in text_of(again)


def test_a_starter_workspace_gets_the_upgrade_page(client, team_b):
    client.force_login(team_b.admin)

    for path in ("/inventory/", "/inventory/movements/", "/inventory/counts/"):
        response = client.get(path, HTTP_HOST=team_b.host)
        assert response.status_code == 403
        assert "Upgrade to the Professional plan to use it." in page_of(response)


def test_another_workspace_finds_none_of_our_pages(outsider, inventory_a):
    product = inventory_a.stocked(3, name="Alpha secret")
    count = inventory_a.run(lambda: InventoryCount.objects.create(date="2025-11-13", notes="Alpha secret"))

    for path in (f"/inventory/products/{product.pk}/", f"/inventory/counts/{count.pk}/",
                 f"/inventory/counts/{count.pk}/preview/"):
        assert outsider.get(path).status_code == 404
    for path in (f"/inventory/products/{product.pk}/move/", f"/inventory/counts/{count.pk}/complete/",
                 f"/inventory/products/{product.pk}/delete/"):
        assert outsider.post(path, {"type": "out", "reason": "sale", "quantity": "3"}).status_code == 404
    assert "Alpha secret" not in page_of(outsider.get("/inventory/"))
    assert inventory_a.fresh(product).stock == 3


def test_the_dashboard_shows_the_stock_at_a_glance(member, inventory_a):
    inventory_a.stocked(4, cost_price="2.50", min_stock="10")
    inventory_a.stocked(20, cost_price="1.00", min_stock="5")
    inventory_a.product(is_active=False)

    text = text_of(member.get("/"))

    assert "Stock at a glance Active products 2 See the products Below their minimum 1 See what to reorder" in text
    assert "Stock value $30.00" in text


def test_the_products_page_edits_it_and_refuses_to_delete_one_with_movements(member, inventory_a):
    product = inventory_a.stocked(3, name="Old name", sale_price="5.00")

    edited = member.post(f"/inventory/products/{product.pk}/edit/", {
        "sku": product.sku, "name": "New name", "unit": "un", "sale_price": "7,50", "cost_price": "1.00",
        "min_stock": "1", "is_active": "on",
    })
    refused = member.post(f"/inventory/products/{product.pk}/delete/", **HTMX)

    assert edited.status_code == 422  # "7,50" is not how English writes 7.50
    assert "Enter a number such as 12,500.50." in text_of(edited)
    member.post(f"/inventory/products/{product.pk}/edit/", {
        "sku": product.sku, "name": "New name", "unit": "un", "sale_price": "7.50", "cost_price": "1.00",
        "min_stock": "1", "is_active": "on",
    })
    stored = inventory_a.fresh(product)
    assert (stored.name, stored.sale_price, stored.stock) == ("New name", Decimal("7.50"), 3)
    assert refused.status_code == 403  # a plain user deletes only what they created
    assert inventory_a.query(lambda: Product.objects.filter(pk=product.pk).exists())


def test_a_manager_is_told_why_a_product_with_movements_stays(manager_client, inventory_a):
    product = inventory_a.stocked(3)

    response = manager_client.post(f"/inventory/products/{product.pk}/delete/", **HTMX)

    assert response.status_code == 422
    assert "This product has stock movements, which stay in the ledger: deactivate it instead." in text_of(response)


def test_the_ledger_page_filters_by_reason(member, inventory_a):
    product = inventory_a.product(name="Widget")
    inventory_a.move(product, "in", 10, reference="NF 77")
    inventory_a.move(product, "out", 4, "sale", reference="PDV 12")

    sales = text_of(member.get("/inventory/movements/", {"reason": "sale"}, **HTMX))

    assert "PDV 12" in sales and "−4" in sales
    assert "NF 77" not in sales

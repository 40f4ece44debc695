"""/api/v1/inventory/products/: the catalogue. Its stock is the ledger's: read here, changed only
by movements."""

import pytest

from modules.inventory.models import Product
from tests.inventory.conftest import ean13

PRODUCTS = "/api/v1/inventory/products/"
EAN = ean13("789100000001")


def test_it_creates_the_specs_product_with_no_stock(admin_api, inventory_a):
    response = admin_api.post(PRODUCTS, {
        "sku": "CAF-500", "name": "Café torrado 500 g", "category": "Mercearia", "unit": "un", "cost_price": "14.90",
        "sale_price": "24.90", "barcode": EAN, "min_stock": 10, "max_stock": 50, "ncm": "0901.21.00",
    })

    assert response.status_code == 201
    product = response.json()
    assert {key: product[key] for key in (
        "sku", "name", "category", "unit", "cost_price", "sale_price", "average_cost", "barcode", "stock",
        "min_stock", "max_stock", "is_active", "ncm", "sat_product_code", "sat_unit_code", "is_low", "stock_value",
    )} == {
        "sku": "CAF-500", "name": "Café torrado 500 g", "category": "Mercearia", "unit": "un", "cost_price": "14.90",
        "sale_price": "24.90", "average_cost": "14.90", "barcode": EAN, "stock": 0, "min_stock": 10,
        "max_stock": 50, "is_active": True, "ncm": "09012100", "sat_product_code": "", "sat_unit_code": "",
        "is_low": True, "stock_value": "0.00",
    }
    assert product["formatted"] == {"cost_price": "$14.90", "sale_price": "$24.90"}
    assert [event.payload["sku"] for event in inventory_a.events("product.created")] == ["CAF-500"]


@pytest.mark.parametrize(("body", "field"), [
    ({"barcode": "7891000000012"}, "barcode"),  # wrong check digit
    ({"barcode": "12345"}, "barcode"),
    ({"barcode": "78910000000a1"}, "barcode"),
    ({"cost_price": "-1.00"}, "cost_price"),
    ({"sale_price": "-0.01"}, "sale_price"),
    ({"min_stock": -1}, "min_stock"),
    ({"min_stock": 10, "max_stock": 5}, "max_stock"),
    ({"unit": "box"}, "unit"),
    ({"ncm": "1234"}, "ncm"),
    ({"sat_product_code": "4321"}, "sat_product_code"),
    ({"sat_unit_code": "H-7"}, "sat_unit_code"),
    ({"sku": "  "}, "sku"),
    ({"stock": 100}, "stock"),
])
def test_it_refuses_what_a_product_cannot_be(admin_api, inventory_a, body, field):
    response = admin_api.post(PRODUCTS, {"sku": "A-1", "name": "Widget", **body})

    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert inventory_a.query(lambda: Product.objects.count()) == 0


def test_upc_a_ean_8_and_gtin_14_barcodes_are_taken(admin_api):
    for number, barcode in enumerate(("036000291452", "96385074", "10012345678902"), start=1):
        response = admin_api.post(PRODUCTS, {"sku": f"B-{number}", "name": "Barcoded", "barcode": barcode})
        assert response.status_code == 201, response.json()


def test_a_sku_is_unique_in_the_workspace_whatever_its_case(admin_api, inventory_a):
    inventory_a.product(sku="ABC-1", barcode=EAN)

    by_sku = admin_api.post(PRODUCTS, {"sku": "abc-1", "name": "Twin"})
    by_barcode = admin_api.post(PRODUCTS, {"sku": "ABC-2", "name": "Twin", "barcode": EAN})

    assert by_sku.status_code == 400
    assert by_sku.json() == {"sku": ["Another product already has the SKU abc-1."]}
    assert by_barcode.json() == {"barcode": ["Another product already has this barcode."]}


def test_another_workspace_may_use_the_same_sku(outsider_api, inventory_a):
    inventory_a.product(sku="ABC-1")

    assert outsider_api.post(PRODUCTS, {"sku": "ABC-1", "name": "Theirs"}).status_code == 201


def test_the_stock_is_read_only_a_patch_of_it_is_refused_and_nothing_changes(admin_api, inventory_a):
    product = inventory_a.stocked(5)

    response = admin_api.patch(f"{PRODUCTS}{product.pk}/", {"stock": 500, "name": "Renamed"})

    assert response.status_code == 400
    assert response.json() == {"stock": ["The stock changes only through stock movements."]}
    assert inventory_a.fresh(product).stock == 5
    assert inventory_a.fresh(product).name == product.name


def test_a_patch_changes_the_products_own_fields_with_its_event(admin_api, inventory_a):
    product = inventory_a.product(name="Old", sale_price="10.00")

    response = admin_api.patch(f"{PRODUCTS}{product.pk}/", {"name": "New", "sale_price": "12.50", "max_stock": None})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["sale_price"]) == ("New", "12.50")
    [event] = inventory_a.events("product.updated")
    assert event.changes == {"name": {"old": "Old", "new": "New"}, "sale_price": {"old": "10.00", "new": "12.50"}}


@pytest.mark.parametrize("search", ["cafe", "CAFÉ", "caf-5", "7891000000"])
def test_search_finds_by_sku_name_or_barcode_accents_aside(admin_api, inventory_a, search):
    inventory_a.product(sku="CAF-500", name="Café torrado", barcode=EAN)
    inventory_a.product(sku="ACU-1", name="Açúcar")

    found = admin_api.get(PRODUCTS, {"search": search}).json()["results"]

    assert [product["sku"] for product in found] == ["CAF-500"]


def test_filters_by_category_activity_and_low_stock(admin_api, inventory_a):
    inventory_a.stocked(20, sku="OK", category="Grocery", min_stock=5)
    inventory_a.stocked(2, sku="LOW", category="Grocery", min_stock=5)
    inventory_a.product(sku="OFF", category="Deli", min_stock=5, is_active=False)

    def skus(**params):
        return sorted(product["sku"] for product in admin_api.get(PRODUCTS, params).json()["results"])

    assert skus(category="grocery") == ["LOW", "OK"]
    assert skus(is_active="false") == ["OFF"]
    assert skus(low_stock="true") == ["LOW"]
    assert skus(low_stock="false") == ["OFF", "OK"]
    assert admin_api.get(PRODUCTS, {"low_stock": "maybe"}).status_code == 400


def test_low_stock_lists_what_to_reorder_up_to_the_maximum_or_twice_the_minimum(admin_api, inventory_a):
    with_max = inventory_a.stocked(5, sku="MAX", name="A", min_stock=10, max_stock=25)
    without_max = inventory_a.stocked(3, sku="NOMAX", name="B", min_stock=10)
    inventory_a.stocked(10, sku="AT-MIN", name="C", min_stock=10)  # at its minimum: not below it

    response = admin_api.get(f"{PRODUCTS}low_stock/")

    assert response.status_code == 200
    assert [(row["product"]["id"], row["current_stock"], row["min_stock"], row["suggested_order"])
            for row in response.json()] == [(with_max.pk, 5, 10, 20), (without_max.pk, 3, 10, 17)]


def test_a_product_with_movements_cannot_be_deleted_one_without_can(admin_api, inventory_a):
    moved = inventory_a.stocked(1)
    unused = inventory_a.product()

    refused = admin_api.delete(f"{PRODUCTS}{moved.pk}/")
    deleted = admin_api.delete(f"{PRODUCTS}{unused.pk}/")

    assert refused.status_code == 400
    assert refused.json() == {
        "non_field_errors": ["This product has stock movements, which stay in the ledger: deactivate it instead."]
    }
    assert deleted.status_code == 204
    assert inventory_a.query(lambda: list(Product.objects.values_list("pk", flat=True))) == [moved.pk]


def test_a_plain_user_cannot_delete_a_product_someone_else_created(user_api, inventory_a):
    product = inventory_a.product()

    assert user_api.delete(f"{PRODUCTS}{product.pk}/").status_code == 403
    assert inventory_a.query(lambda: Product.objects.filter(pk=product.pk).exists())


@pytest.mark.parametrize(("language", "message"), [
    ("en", "Your plan does not include Inventory and stock movements. Upgrade to the Professional plan to use it."),
    ("pt-BR", "Seu plano não inclui Estoque e movimentações de estoque. Faça upgrade para o plano Profissional para"
              " usá-lo."),
    ("es", "Su plan no incluye Inventario y movimientos de stock. Cambie al plan Profesional para usarlo."),
])
def test_a_starter_workspace_is_told_which_plan_has_inventory(api, team_b, language, message):
    starter = api(host=team_b.host, user=team_b.admin, language=language)

    for url in (PRODUCTS, "/api/v1/inventory/movements/", "/api/v1/inventory/inventories/", f"{PRODUCTS}low_stock/"):
        response = starter.get(url)
        assert response.status_code == 403
        assert response.json() == {"detail": message}
    assert starter.post(PRODUCTS, {"sku": "X", "name": "X"}).status_code == 403


def test_another_workspace_does_not_find_our_product_and_changes_nothing(outsider_api, inventory_a):
    product = inventory_a.product(name="Alpha secret")

    assert outsider_api.get(f"{PRODUCTS}{product.pk}/").status_code == 404
    assert outsider_api.patch(f"{PRODUCTS}{product.pk}/", {"name": "Hijacked"}).status_code == 404
    assert outsider_api.delete(f"{PRODUCTS}{product.pk}/").status_code == 404
    assert outsider_api.get(PRODUCTS).json()["results"] == []
    assert inventory_a.fresh(product).name == "Alpha secret"


@pytest.mark.parametrize(("language", "message"), [
    ("pt-BR", "Outro produto já tem o SKU ABC-1."),
    ("es", "Otro producto ya tiene el SKU ABC-1."),
])
def test_refusals_speak_the_readers_language(api, team_a, inventory_a, language, message):
    inventory_a.product(sku="ABC-1")

    response = api(host=team_a.host, user=team_a.admin, language=language).post(PRODUCTS, {"sku": "ABC-1", "name": "X"})

    assert response.json() == {"sku": [message]}


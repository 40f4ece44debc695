"""/api/v1/inventory/movements/: the stock ledger. Each movement is a row with who made it, and
the product's stock and average cost move with it, or nothing is written at all."""

from decimal import Decimal

import pytest

from modules.inventory.models import StockMovement

MOVEMENTS = "/api/v1/inventory/movements/"


def test_it_records_the_specs_purchase_and_moves_the_stock(admin_api, inventory_a, team_a):
    product = inventory_a.product(cost_price="10.00")

    response = admin_api.post(MOVEMENTS, {"product_id": product.pk, "type": "in", "quantity": 50, "reason": "purchase"})

    assert response.status_code == 201
    movement = response.json()
    assert {key: movement[key] for key in ("product_id", "type", "quantity", "reason", "reference", "unit_cost",
                                           "stock_after", "invoice_id")} == {
        "product_id": product.pk, "type": "in", "quantity": 50, "reason": "purchase", "reference": None,
        "unit_cost": "10.00", "stock_after": 50, "invoice_id": None,
    }
    assert movement["created_by"] == {"id": team_a.admin.pk, "name": team_a.admin.name, "email": team_a.admin.email}
    assert movement["product"]["stock"] == 50
    assert inventory_a.fresh(product).stock == 50
    [event] = inventory_a.events("stock.moved")
    assert (event.aggregate_id, event.payload["stock"], event.payload["movement"]["quantity"]) == (product.pk, 50, 50)


def test_the_average_cost_is_the_weighted_mean_of_what_came_in_and_outs_leave_it(admin_api, inventory_a):
    product = inventory_a.product(cost_price="10.00")
    for body in ({"type": "in", "quantity": 10, "reason": "purchase", "unit_cost": "10.00"},
                 {"type": "in", "quantity": 30, "reason": "purchase", "unit_cost": "14.00"},
                 {"type": "out", "quantity": 15, "reason": "sale", "reference": "PDV 12"}):
        assert admin_api.post(MOVEMENTS, {"product_id": product.pk, **body}).status_code == 201

    stored = inventory_a.fresh(product)

    assert (stored.stock, stored.average_cost) == (Decimal(25), Decimal("13.0000000000"))
    assert [(movement.unit_cost, movement.stock_after) for movement in inventory_a.movements(product=product)] == [
        (Decimal("10"), Decimal(10)), (Decimal("14"), Decimal(40)), (Decimal("13"), Decimal(25))
    ]
    assert admin_api.get(f"/api/v1/inventory/products/{product.pk}/").json()["stock_value"] == "325.00"


def test_an_out_beyond_the_stock_is_refused_and_writes_nothing(admin_api, inventory_a):
    product = inventory_a.stocked(5, sku="MOU-1", name="Mouse")
    events_before = len(inventory_a.events())

    response = admin_api.post(MOVEMENTS, {"product_id": product.pk, "type": "out", "quantity": 6, "reason": "sale"})

    assert response.status_code == 400
    assert response.json() == {"quantity": ["Not enough stock of MOU-1 Mouse: 5 in stock, 6 asked."]}
    assert inventory_a.fresh(product).stock == 5
    assert len(inventory_a.movements(product=product)) == 1
    assert len(inventory_a.events()) == events_before


@pytest.mark.parametrize(("body", "errors"), [
    ({"type": "out", "reason": "purchase"}, {"reason": ["A purchase brings stock in."]}),
    ({"type": "in", "reason": "sale"}, {"reason": ["A sale takes stock out."]}),
    ({"quantity": 1.5}, {"quantity": ["Product 1 is counted in whole units."]}),
    ({"quantity": 0}, {"quantity": ["Ensure this value is greater than or equal to 0.000001."]}),
    ({"reason": "theft"}, {"reason": ['"theft" is not a valid choice.']}),
    ({"type": "out", "reason": "adjustment", "unit_cost": "1.00"},
     {"unit_cost": ["Only stock coming in has a unit cost."]}),
    ({"product_id": 999999}, {"product_id": ['Invalid pk "999999" - object does not exist.']}),
])
def test_it_refuses_a_movement_that_makes_no_sense(admin_api, inventory_a, body, errors):
    product = inventory_a.product(name="Product 1")
    body = {"product_id": product.pk, "type": "in", "quantity": 1, "reason": "purchase", **body}

    response = admin_api.post(MOVEMENTS, body)

    assert response.status_code == 400
    assert response.json() == errors
    assert inventory_a.movements() == []


def test_kilograms_take_decimals(admin_api, inventory_a):
    product = inventory_a.product(unit="kg")

    body = {"product_id": product.pk, "type": "in", "quantity": 2.375, "reason": "purchase"}

    response = admin_api.post(MOVEMENTS, body)

    assert response.json()["stock_after"] == 2.375


def test_a_movement_that_crosses_below_the_minimum_records_stock_low_once(admin_api, inventory_a):
    product = inventory_a.stocked(12, min_stock="10")

    for quantity in (2, 1, 1):  # 10 (at the minimum), 9 (below it), 8 (still below)
        admin_api.post(MOVEMENTS, {"product_id": product.pk, "type": "out", "quantity": quantity, "reason": "sale"})

    [low] = inventory_a.events("stock.low")
    assert low.payload == {"id": product.pk, "sku": product.sku, "name": product.name, "stock": 9, "min_stock": 10}
    assert len(inventory_a.events("stock.moved")) == 4


def test_the_ledger_filters_by_product_type_reason_and_day(admin_api, inventory_a):
    first, second = inventory_a.product(), inventory_a.product()
    inventory_a.move(first, "in", 10)
    inventory_a.move(first, "out", 2, "sale")
    inventory_a.move(second, "in", 5, "return")

    def reasons(**params):
        return [row["reason"] for row in admin_api.get(MOVEMENTS, params).json()["results"]]

    assert reasons(product_id=first.pk) == ["sale", "purchase"]
    assert reasons(type="in") == ["return", "purchase"]
    assert reasons(reason="sale,return") == ["return", "sale"]
    today = inventory_a.query(lambda: StockMovement.objects.first().created_at.date().isoformat())
    assert len(reasons(created_after=today, created_before=today)) == 3
    assert reasons(created_before="2001-01-01") == []


def test_the_ledger_is_never_changed_or_deleted(admin_api, inventory_a):
    movement = inventory_a.move(inventory_a.product(), "in", 3)

    assert admin_api.get(f"{MOVEMENTS}{movement.pk}/").json()["quantity"] == 3
    assert admin_api.patch(f"{MOVEMENTS}{movement.pk}/", {"quantity": 300}).status_code == 405
    assert admin_api.delete(f"{MOVEMENTS}{movement.pk}/").status_code == 405
    assert inventory_a.movements()[0].quantity == 3


def test_another_workspace_cannot_read_or_move_our_stock(outsider_api, inventory_a):
    product = inventory_a.stocked(4)
    movement = inventory_a.movements()[0]

    assert outsider_api.get(f"{MOVEMENTS}{movement.pk}/").status_code == 404
    response = outsider_api.post(MOVEMENTS, {"product_id": product.pk, "type": "out", "quantity": 4, "reason": "sale"})
    assert response.status_code == 400
    assert set(response.json()) == {"product_id"}
    assert outsider_api.get(MOVEMENTS).json()["results"] == []
    assert inventory_a.fresh(product).stock == 4


def test_a_refusal_speaks_portuguese(api, team_a, inventory_a):
    product = inventory_a.stocked(1, sku="CAF", name="Café")
    portuguese = api(host=team_a.host, user=team_a.admin, language="pt-BR")

    response = portuguese.post(MOVEMENTS, {"product_id": product.pk, "type": "out", "quantity": 3, "reason": "sale"})

    assert response.json() == {"quantity": ["Estoque insuficiente de CAF Café: 1 em estoque, 3 pedidos."]}


def test_a_return_comes_back_at_what_the_stock_is_worth_a_purchase_at_the_cost_price(admin_api, inventory_a):
    product = inventory_a.product(cost_price="8.00")
    inventory_a.move(product, "in", 10, unit_cost=Decimal("5.00"))

    returned = admin_api.post(MOVEMENTS, {"product_id": product.pk, "type": "in", "quantity": 2, "reason": "return"})
    bought = admin_api.post(MOVEMENTS, {"product_id": product.pk, "type": "in", "quantity": 4, "reason": "purchase"})

    assert (returned.json()["unit_cost"], bought.json()["unit_cost"]) == ("5.00", "8.00")
    assert inventory_a.fresh(product).average_cost == Decimal("5.7500000000")  # (12 × 5 + 4 × 8) ÷ 16

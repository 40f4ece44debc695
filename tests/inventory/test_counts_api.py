"""/api/v1/inventory/inventories/: physical counts. The books' stock is kept when a product is
first counted; completing the count writes one adjustment per difference, all or none."""

import pytest

from modules.inventory.models import InventoryCount

COUNTS = "/api/v1/inventory/inventories/"


def started(admin_api) -> int:
    response = admin_api.post(COUNTS, {"date": "2025-11-13"})
    assert response.status_code == 201
    return response.json()["id"]


def test_it_starts_the_specs_count(admin_api, inventory_a):
    response = admin_api.post(COUNTS, {"date": "2025-11-13"})

    assert response.status_code == 201
    assert {key: response.json()[key] for key in ("date", "status", "items", "completed_at")} == {
        "date": "2025-11-13", "status": "in_progress", "items": [], "completed_at": None,
    }
    assert len(inventory_a.events("inventory_count.created")) == 1


def test_an_item_keeps_the_books_stock_of_when_it_was_first_counted(admin_api, inventory_a):
    product = inventory_a.stocked(50)
    count = started(admin_api)

    first = admin_api.post(f"{COUNTS}{count}/items/", {"product_id": product.pk, "actual_quantity": 47})
    inventory_a.move(product, "out", 5)  # a sale while the count goes on
    again = admin_api.post(f"{COUNTS}{count}/items/", {"product_id": product.pk, "actual_quantity": 46})

    assert first.status_code == 201
    assert {key: first.json()[key] for key in ("expected_quantity", "actual_quantity", "difference")} == {
        "expected_quantity": 50, "actual_quantity": 47, "difference": -3,
    }
    assert again.status_code == 200
    assert {key: again.json()[key] for key in ("expected_quantity", "actual_quantity", "difference")} == {
        "expected_quantity": 50, "actual_quantity": 46, "difference": -4,
    }
    assert len(admin_api.get(f"{COUNTS}{count}/").json()["items"]) == 1


def test_completing_writes_one_adjustment_per_difference(admin_api, inventory_a):
    short = inventory_a.stocked(50)
    over = inventory_a.stocked(10)
    right = inventory_a.stocked(7)
    count = started(admin_api)
    for product, found in ((short, 47), (over, 12), (right, 7)):
        admin_api.post(f"{COUNTS}{count}/items/", {"product_id": product.pk, "actual_quantity": found})

    response = admin_api.post(f"{COUNTS}{count}/complete/")

    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    adjustments = [(movement.product_id, movement.type, movement.quantity, movement.reference)
                   for movement in inventory_a.movements(reason="adjustment")]
    assert adjustments == [(short.pk, "out", 3, f"COUNT-{count}"), (over.pk, "in", 2, f"COUNT-{count}")]
    assert [inventory_a.fresh(product).stock for product in (short, over, right)] == [47, 12, 7]
    assert len(inventory_a.events("inventory_count.completed")) == 1


def test_a_completed_count_takes_nothing_more(admin_api, inventory_a):
    product = inventory_a.stocked(5)
    count = started(admin_api)
    admin_api.post(f"{COUNTS}{count}/items/", {"product_id": product.pk, "actual_quantity": 4})
    admin_api.post(f"{COUNTS}{count}/complete/")

    again = admin_api.post(f"{COUNTS}{count}/complete/")
    more = admin_api.post(f"{COUNTS}{count}/items/", {"product_id": product.pk, "actual_quantity": 1})
    deleted = admin_api.delete(f"{COUNTS}{count}/")

    refusal = {"non_field_errors": ["This count was completed: it takes nothing more."]}
    assert (again.status_code, again.json()) == (400, refusal)
    assert (more.status_code, more.json()) == (400, refusal)
    assert deleted.status_code == 400
    assert inventory_a.fresh(product).stock == 4
    assert len(inventory_a.movements(reason="adjustment")) == 1


def test_a_count_whose_adjustment_cannot_be_made_completes_nothing(admin_api, inventory_a):
    """Found 0 of 5 while 4 were sold since: taking 5 more out is refused, and the other
    product's adjustment is rolled back with it."""
    fine = inventory_a.stocked(10)
    sold_meanwhile = inventory_a.stocked(5)
    count = started(admin_api)
    admin_api.post(f"{COUNTS}{count}/items/", {"product_id": fine.pk, "actual_quantity": 12})
    admin_api.post(f"{COUNTS}{count}/items/", {"product_id": sold_meanwhile.pk, "actual_quantity": 0})
    inventory_a.move(sold_meanwhile, "out", 4)

    response = admin_api.post(f"{COUNTS}{count}/complete/")

    assert response.status_code == 400
    assert inventory_a.movements(reason="adjustment") == []
    assert inventory_a.fresh(fine).stock == 10
    assert inventory_a.query(lambda: InventoryCount.objects.get(pk=count).status) == "in_progress"


def test_an_empty_count_cannot_be_completed_and_one_in_progress_can_be_deleted(admin_api, inventory_a):
    count = started(admin_api)

    empty = admin_api.post(f"{COUNTS}{count}/complete/")
    deleted = admin_api.delete(f"{COUNTS}{count}/")

    assert empty.json() == {"non_field_errors": ["Count at least one product before completing the count."]}
    assert deleted.status_code == 204


@pytest.mark.parametrize("quantity", [-1, 1.5])
def test_a_quantity_found_is_zero_or_more_whole_for_units(admin_api, inventory_a, quantity):
    product = inventory_a.stocked(3)
    count = started(admin_api)

    response = admin_api.post(f"{COUNTS}{count}/items/", {"product_id": product.pk, "actual_quantity": quantity})

    assert response.status_code == 400
    assert set(response.json()) == {"actual_quantity"}


def test_another_workspace_cannot_read_add_to_or_complete_our_count(outsider_api, admin_api, inventory_a):
    product = inventory_a.stocked(3)
    count = started(admin_api)

    assert outsider_api.get(f"{COUNTS}{count}/").status_code == 404
    assert outsider_api.post(f"{COUNTS}{count}/items/", {"product_id": product.pk, "actual_quantity": 1}
                             ).status_code == 404
    assert outsider_api.post(f"{COUNTS}{count}/complete/").status_code == 404
    assert outsider_api.delete(f"{COUNTS}{count}/").status_code == 404
    assert admin_api.get(f"{COUNTS}{count}/").json()["status"] == "in_progress"


def test_the_counts_list_filters_by_status(admin_api, inventory_a):
    product = inventory_a.stocked(2)
    done, open_ = started(admin_api), started(admin_api)
    admin_api.post(f"{COUNTS}{done}/items/", {"product_id": product.pk, "actual_quantity": 2})
    admin_api.post(f"{COUNTS}{done}/complete/")

    def ids(**params):
        return [count["id"] for count in admin_api.get(COUNTS, params).json()["results"]]

    assert sorted(ids()) == sorted([done, open_])
    assert ids(status="completed") == [done]
    assert ids(status="in_progress") == [open_]
    assert admin_api.get(COUNTS, {"status": "lost"}).status_code == 400

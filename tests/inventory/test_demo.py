"""The demo workspace's inventory: a catalogue for the company's market, stock brought in and
taken out through the ledger (so every product's stock is the sum of its movements), some products
below their minimum, and a count in progress with differences to complete."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Q, Sum
from django_tenants.utils import tenant_context

from modules.demo.loader import demo_tenant_ensure
from modules.inventory import selectors, services
from modules.inventory.demo import inventory_demo_load
from modules.inventory.models import CountStatus, InventoryCount, Product, StockMovement
from modules.tenancy.scope import tenant_scope
from tests.finance.conftest import company_in


def ledger_totals() -> dict[int, Decimal]:
    sums = StockMovement.objects.values("product_id").annotate(
        came_in=Sum("quantity", filter=Q(type="in")), went_out=Sum("quantity", filter=Q(type="out"))
    )
    return {row["product_id"]: (row["came_in"] or 0) - (row["went_out"] or 0) for row in sums}


def test_the_demo_workspace_has_a_catalogue_a_ledger_that_adds_up_and_a_count_to_complete(db):
    tenant = demo_tenant_ensure()

    with tenant_context(tenant), tenant_scope(tenant):
        products = list(Product.objects.all())
        totals = ledger_totals()
        reasons = Counter(StockMovement.objects.values_list("reason", flat=True))
        low = list(selectors.low_stock_list())
        [count] = InventoryCount.objects.all()
        differences = [item.difference for item in count.items.all()]

    assert len(products) >= 7
    assert {product.pk: product.stock for product in products} == totals
    for product in products:
        services.barcode_check(product.barcode)
    assert set(reasons) == {"purchase", "sale", "return"}
    assert 1 <= len(low) < len(products)
    assert count.status == CountStatus.IN_PROGRESS
    assert sorted(differences) == [-2, 0, 1]


@pytest.mark.parametrize(("country", "name", "fiscal"), [
    ("BR", "Café torrado e moído 500 g", ("09012100", "", "")),
    ("MX", "Café de Chiapas molido 500 g", ("", "50201706", "H87")),
])
def test_a_brazilian_or_mexican_company_gets_its_markets_products_with_their_fiscal_codes(
    team_a, country, name, fiscal
):
    company_in(team_a, country=country)

    with tenant_context(team_a.tenant), tenant_scope(team_a.tenant):
        inventory_demo_load(actor=team_a.admin, team=[team_a.manager, team_a.user])
        coffee = Product.objects.get(sku="CAF-500")
        totals = ledger_totals()
        stocks = dict(Product.objects.values_list("pk", "stock"))

    assert coffee.name == name
    assert (coffee.ncm, coffee.sat_product_code, coffee.sat_unit_code) == fiscal
    assert stocks == totals

"""Fifty people taking the same product out at once: no update is lost and nothing is oversold.

Each request runs through the API in a thread of its own (its own connection, autocommit, as a
server's request does) and commits for real; the product is committed first and removed at the
end. That is what `django_db(transaction=True)` would give, without its flush, which would also
wipe the tenants the session committed (tests/conftest.py)."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from modules.accounts.tokens import tokens_for_user
from modules.events.models import AuditEntry, Event
from modules.inventory import services
from modules.inventory.models import Product, StockMovement
from tests.conftest import on_own_connection

MOVEMENTS = "/api/v1/inventory/movements/"
REQUESTS = 50
IN_STOCK = 40


@pytest.fixture
def committed_product(team_a):
    started = timezone.now()

    def make():
        with tenant_context(team_a.tenant):
            product = services.product_create(actor=team_a.admin, sku="RACE-1", name="Race", cost_price=Decimal(2))
            services.stock_move(actor=team_a.admin, product=product, type="in", quantity=Decimal(IN_STOCK),
                                reason="purchase")
            return product

    product = on_own_connection(make)
    yield product

    def clean():
        with tenant_context(team_a.tenant):
            StockMovement.objects.filter(product_id=product.pk).delete()
            Product.objects.filter(pk=product.pk).delete()
            Event.objects.filter(occurred_at__gte=started).delete()
            AuditEntry.objects.filter(occurred_at__gte=started).delete()

    on_own_connection(clean)


def test_fifty_parallel_outs_never_lose_an_update_nor_oversell(team_a, committed_product):
    token = tokens_for_user(team_a.user)["access"]

    def take_one(_):
        client = APIClient(HTTP_HOST=team_a.host)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        try:
            response = client.post(MOVEMENTS, {"product_id": committed_product.pk, "type": "out", "quantity": 1,
                                               "reason": "sale"}, format="json")
            return response.status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        statuses = list(pool.map(take_one, range(REQUESTS)))

    def ledger():
        with tenant_context(team_a.tenant):
            product = Product.objects.get(pk=committed_product.pk)
            outs = list(StockMovement.objects.filter(product=product, type="out").order_by("id"))
            return product.stock, outs

    stock, outs = on_own_connection(ledger)
    assert sorted(statuses) == [201] * IN_STOCK + [400] * (REQUESTS - IN_STOCK)
    assert stock == 0
    assert len(outs) == IN_STOCK
    # Each out saw the stock the one before it left: the ledger counts down 39, 38, … 0 with no repeat.
    assert [movement.stock_after for movement in outs] == [Decimal(IN_STOCK - n) for n in range(1, IN_STOCK + 1)]

"""A real Chromium on the count screen: a scanner types a barcode (and presses Enter, as scanners
do), the person types the quantity found, sees the product, what the books expected and the
difference before saving, saves, and the counted row shows the difference; axe finds nothing
serious or critical on the inventory pages, wide and narrow.

The server (tests/e2e/conftest.py) commits what the browser does, so what this module makes is
committed too, and removed when it ends."""

import json
import time
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.events.models import AuditEntry, Event
from modules.inventory import services
from modules.inventory.models import InventoryCount, InventoryCountItem, Product, StockMovement
from tests.e2e.axe import axe_violations_of_pages
from tests.e2e.conftest import (
    chromium,
    server,  # noqa: F401  (the server process, a module fixture)
    sign_in,
    user_who_signs_in,
)
from tests.inventory.conftest import ean13

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shelves(django_db_setup, django_db_blocker):
    """Alpha's workspace with a member who signs in through the form, a cable with 10 in stock and
    a count in progress."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:6]
    barcode = ean13(f"7891{int(tag, 16) % 10**8:08d}")
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        member = user_who_signs_in(f"caio.{tag}@alpha.example.com", name="Caio", tenant=team.tenant, role=Role.USER)
        with tenant_context(team.tenant):
            product = services.product_create(actor=team.admin, sku=f"CAB-{tag}", name="HDMI cable",
                                              barcode=barcode, sale_price=Decimal("9.99"))
            services.stock_move(actor=team.admin, product=product, type="in", quantity=Decimal(10), reason="purchase")
            count = services.count_create(actor=team.admin, date=date(2025, 11, 13))
        connection.set_schema_to_public()
    yield {"host": team.host, "tenant": team.tenant, "member": member, "product": product, "count": count,
           "barcode": barcode}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            Event.objects.filter(aggregate_type__in=["product", "stock", "inventory_count"],
                                 aggregate_id__in=[product.pk, count.pk]).delete()
            AuditEntry.objects.filter(aggregate_id__in=[product.pk, count.pk]).delete()
            InventoryCount.objects.filter(pk=count.pk).delete()
            StockMovement.objects.filter(product_id=product.pk).delete()
            Product.objects.filter(pk=product.pk).delete()
        connection.set_schema_to_public()
        member.delete()


def poll(page, script: str, expected, timeout: float = 10.0):
    """What `script` evaluates to, once it is `expected` (the pages' CSP forbids wait_for_function)."""
    deadline = time.monotonic() + timeout
    value = page.evaluate(script)
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.1)
        value = page.evaluate(script)
    return value


@pytest.mark.django_db
def test_scanning_a_barcode_and_typing_the_quantity_shows_the_difference_then_saves_it(server, shelves):  # noqa: F811
    base = f"http://{shelves['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, base, shelves["member"])
        page.goto(f"{base}/inventory/counts/{shelves['count'].pk}/")

        code = page.get_by_label("Barcode or SKU")
        assert page.evaluate("document.activeElement.name") == "code"  # ready for the scanner
        code.type(shelves["barcode"])
        page.get_by_label("Quantity found").fill("7")
        difference = poll(page, "document.querySelector('#count-preview [data-difference]')?.textContent", "-3")
        preview = page.locator("#count-preview").inner_text()

        page.get_by_label("Quantity found").press("Enter")
        saved = poll(page, f"document.querySelector('#count-item-{shelves['product'].pk} [data-difference]')"
                           "?.textContent", "-3")
        emptied = page.evaluate("document.querySelector('#id_code').value")

        page.get_by_label("Barcode or SKU").fill(shelves["product"].sku.lower())
        page.get_by_label("Quantity found").fill("12")
        second = poll(page, "document.querySelector('#count-preview [data-difference]')?.textContent", "+2")
        expected_kept = page.locator("#count-preview [data-expected]").inner_text()
    with tenant_context(shelves["tenant"]):
        items = list(InventoryCountItem.objects.filter(count=shelves["count"]).values_list(
            "product_id", "expected_quantity", "actual_quantity"))

    assert difference == "-3"
    assert "HDMI cable" in preview and "Expected: 10" in preview
    assert saved == "-3"
    assert emptied == ""
    assert (second, expected_kept) == ("+2", "10")  # counted before: the expected stock stays the first one
    assert items == [(shelves["product"].pk, Decimal(10), Decimal(7))]


@pytest.mark.django_db
def test_no_inventory_page_has_a_serious_or_critical_accessibility_violation(server, shelves):  # noqa: F811
    base = f"http://{shelves['host']}:{server}"
    pages = {
        "products": "/inventory/", "new product": "/inventory/products/new/",
        "product": f"/inventory/products/{shelves['product'].pk}/", "movements": "/inventory/movements/",
        "counts": "/inventory/counts/", "count": f"/inventory/counts/{shelves['count'].pk}/",
    }
    found = axe_violations_of_pages(base, shelves["member"], pages)

    assert found == {}, json.dumps(found, indent=2)

"""The demo workspace's inventory: a catalogue for the company's market (a Brazilian company's
products carry their NCM, a Mexican one's their SAT codes), stock brought in by purchases, sales
and a return over the last weeks, a few products left below their minimum, and a count in
progress with a difference to complete.

Everything goes through the services, so stock, average costs and events are those of a real
workspace. Runs inside the demo tenant's schema.
"""

import random
from decimal import Decimal

from django.utils import timezone

from modules.accounts.models import User

from . import services
from .events import company_currency
from .models import MovementReason, MovementType, Product

# (sku, name, category, unit, cost, price, min, max, ncm or SAT product code, SAT unit code)
_CATALOG = {
    "BRL": [
        ("CAF-500", "Café torrado e moído 500 g", "Mercearia", "un", "14.90", "24.90", 30, 120, "09012100", ""),
        ("ACU-1KG", "Açúcar cristal 1 kg", "Mercearia", "un", "3.80", "5.99", 40, 200, "17019900", ""),
        ("ARR-5KG", "Arroz tipo 1 5 kg", "Mercearia", "un", "21.50", "32.90", 25, 100, "10063021", ""),
        ("AZE-GRN", "Azeitona verde a granel", "Frios", "kg", "28.00", "49.90", 5, 20, "20057000", ""),
        ("DET-500", "Detergente líquido 500 ml", "Limpeza", "un", "1.90", "3.49", 48, 240, "34022000", ""),
        ("MOU-USB", "Mouse óptico USB", "Informática", "un", "18.00", "39.90", 10, 40, "84716053", ""),
        ("CAB-HDM", "Cabo HDMI 2 m", "Informática", "un", "9.50", "29.90", 8, 30, "85444200", ""),
        ("FIO-COB", "Fio de cobre 2,5 mm", "Elétrica", "m", "2.10", "4.20", 100, 500, "85444900", ""),
    ],
    "MXN": [
        ("CAF-500", "Café de Chiapas molido 500 g", "Abarrotes", "un", "95.00", "169.00", 30, 120, "50201706", "H87"),
        ("AZU-1KG", "Azúcar estándar 1 kg", "Abarrotes", "un", "24.00", "38.50", 40, 200, "50161509", "H87"),
        ("FRI-900", "Frijol negro 900 g", "Abarrotes", "un", "28.00", "44.90", 25, 100, "50221300", "H87"),
        ("QUE-OAX", "Queso Oaxaca a granel", "Lácteos", "kg", "110.00", "189.00", 5, 20, "50131800", "KGM"),
        ("JAB-LIQ", "Jabón líquido 1 l", "Limpieza", "l", "32.00", "59.00", 20, 80, "53131608", "LTR"),
        ("MOU-USB", "Mouse óptico USB", "Cómputo", "un", "120.00", "249.00", 10, 40, "43211708", "H87"),
        ("CAB-HDM", "Cable HDMI 2 m", "Cómputo", "un", "60.00", "159.00", 8, 30, "26121609", "H87"),
        ("CAB-CU", "Cable de cobre calibre 12", "Eléctrico", "m", "11.00", "22.00", 100, 500, "26121600", "MTR"),
    ],
    "USD": [
        ("COF-1LB", "Ground coffee, 1 lb bag", "Grocery", "un", "6.20", "11.99", 30, 120, "", ""),
        ("SUG-4LB", "Granulated sugar, 4 lb", "Grocery", "un", "2.40", "3.99", 40, 200, "", ""),
        ("OLV-BLK", "Green olives, bulk", "Deli", "kg", "9.00", "17.50", 5, 20, "", ""),
        ("DSH-16", "Dish soap, 16 oz", "Cleaning", "un", "1.10", "2.79", 48, 240, "", ""),
        ("MOU-USB", "USB optical mouse", "Computers", "un", "5.50", "14.99", 10, 40, "", ""),
        ("CBL-HDMI", "HDMI cable, 6 ft", "Computers", "un", "2.80", "9.99", 8, 30, "", ""),
        ("WIR-12", "Copper wire, 12 AWG", "Electrical", "m", "0.45", "0.99", 100, 500, "", ""),
    ],
}
# The demo's barcodes: a GS1 prefix of the market (789 Brazil, 750 Mexico, 0 the United States).
_PREFIX = {"BRL": "789100", "MXN": "750100", "USD": "0036000"}


def inventory_demo_load(*, actor: User, team: list[User]) -> None:
    rng = random.Random(14)  # the same demo every time
    currency = company_currency()
    catalog = _CATALOG.get(currency, _CATALOG["USD"])
    people = [actor, *team]
    products = [_product_make(actor, currency, index, row) for index, row in enumerate(catalog)]
    for index, product in enumerate(products):
        _history_make(product, people, rng, low=index % 4 == 3)
    _count_make(actor, products[:3])


def _product_make(actor: User, currency: str, index: int, row: tuple) -> Product:
    sku, name, category, unit, cost, price, min_stock, max_stock, code, unit_code = row
    body = (_PREFIX.get(currency, _PREFIX["USD"]) + f"{index + 1:05d}").ljust(12, "0")[:12]
    fiscal = {"ncm": code} if currency == "BRL" else {"sat_product_code": code, "sat_unit_code": unit_code}
    return services.product_create(
        actor=actor, sku=sku, name=name, category=category, unit=unit, cost_price=Decimal(cost),
        sale_price=Decimal(price), min_stock=Decimal(min_stock), max_stock=Decimal(max_stock),
        barcode=body + services.gtin_check_digit(body), **fiscal,
    )


def _history_make(product: Product, people: list[User], rng: random.Random, *, low: bool) -> None:
    """Two purchases at slightly different costs, sales in between, a customer's return; a low
    product sells down below its minimum."""
    top = product.max_stock
    for round_ in range(2):
        cost = (product.cost_price * Decimal(rng.choice(["0.95", "1.00", "1.04"]))).quantize(Decimal("0.01"))
        services.stock_move(
            actor=rng.choice(people), product=product, type=MovementType.IN,
            quantity=(top * Decimal("0.6")).quantize(Decimal(1)),
            reason=MovementReason.PURCHASE, reference=f"NF {rng.randint(1000, 9999)}", unit_cost=cost,
        )
        product.refresh_from_db()
        if round_ == 0:
            sold = (product.stock * Decimal("0.4")).quantize(Decimal(1))
        else:  # down to just above the minimum, or just below it for a low product
            sold = max(product.stock - (product.min_stock + (-1 if low else 2)), Decimal(1))
        services.stock_move(
            actor=rng.choice(people), product=product, type=MovementType.OUT, quantity=sold,
            reason=MovementReason.SALE, reference=f"PDV {rng.randint(100, 999)}",
        )
        product.refresh_from_db()
    if not low:
        services.stock_move(
            actor=rng.choice(people), product=product, type=MovementType.IN, quantity=Decimal(1),
            reason=MovementReason.RETURN, reference="RMA 12",
        )


def _count_make(actor: User, products: list[Product]) -> None:
    """A count in progress: the first product counted right, the next two off by a few."""
    count = services.count_create(actor=actor, date=timezone.localdate(), notes="")
    for offset, product in zip((0, -2, 1), products, strict=False):
        product.refresh_from_db()
        services.count_item_set(
            actor=actor, count=count, product=product, actual_quantity=max(product.stock + offset, Decimal(0)),
        )

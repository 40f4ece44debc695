"""Every write of inventory: products, the stock ledger and counts. The API, the workspace pages,
the counts and invoicing's issue and cancel all come through here.

Each service runs in one transaction, records its domain event there and raises ValidationError
(a field's problem, named as the API names it: `product_id`) or DomainError (a rule). A product's
stock changes only in `stock_move`, which locks the product's row, checks, writes the ledger row
and the new stock together: two movements at once wait for each other, and an `out` beyond the
stock writes nothing.
"""

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.accounts.models import User
from modules.core.exceptions import DomainError
from modules.core.money import number_in_locale
from modules.events.services import event_record, payload_changes
from modules.invoicing.models import InvoiceItem

from . import events
from .models import (
    STOCK_MAX,
    CountStatus,
    InventoryCount,
    InventoryCountItem,
    MovementReason,
    MovementType,
    Product,
    StockMovement,
    Unit,
)

# The average cost is kept to the digits of its column (UnitPriceField).
COST_PLACES = Decimal("0.0000000001")
# Reasons that only go one way; the others (adjustment, return, transfer) go either way.
REASON_TYPES = {MovementReason.PURCHASE: MovementType.IN, MovementReason.SALE: MovementType.OUT}
PRODUCT_FIELDS = (
    "sku", "name", "description", "category", "unit", "cost_price", "sale_price", "barcode", "min_stock",
    "max_stock", "is_active", "ncm", "sat_product_code", "sat_unit_code",
)
_DIGITS = re.compile(r"^[0-9]+$")
_SAT_UNIT = re.compile(r"^[A-Z0-9]{2,3}$")


def quantity_text(value: Decimal) -> str:
    """A quantity in the reader's locale, with the digits it has: 12,5 or 1.250."""
    return number_in_locale(value.normalize(), None)


# --- Products -------------------------------------------------------------------------------------


def gtin_check_digit(body: str) -> str:
    """GS1's mod-10 check digit of a barcode's other digits: weights 3, 1, 3, 1… from the right."""
    total = sum(int(digit) * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def barcode_check(barcode: str) -> None:
    """EAN-8, UPC-A (12 digits), EAN-13 or GTIN-14, with its check digit (GS1's mod 10)."""
    if not _DIGITS.match(barcode) or len(barcode) not in (8, 12, 13, 14):
        raise ValidationError({"barcode": [_("A barcode has 8, 12, 13 or 14 digits (EAN-13, UPC-A, EAN-8).")]})
    if gtin_check_digit(barcode[:-1]) != barcode[-1]:
        raise ValidationError({"barcode": [_("This barcode's check digit is wrong: check the number.")]})


def _product_clean(product: Product) -> None:
    """The rules of one product's fields, as the create and the update leave them."""
    product.sku = product.sku.strip()
    product.name = " ".join(product.name.split())
    product.category = " ".join(product.category.split())
    product.barcode = product.barcode.strip()
    product.ncm = product.ncm.strip().replace(".", "")
    product.sat_product_code = product.sat_product_code.strip()
    product.sat_unit_code = product.sat_unit_code.strip().upper()
    errors: dict[str, list[str]] = {}
    if not product.sku:
        errors["sku"] = [_("Give the product a SKU.")]
    elif Product.objects.annotate(lower_sku=Lower("sku")).filter(lower_sku=product.sku.lower()).exclude(
        pk=product.pk
    ).exists():
        errors["sku"] = [_("Another product already has the SKU %(sku)s.") % {"sku": product.sku}]
    if not product.name:
        errors["name"] = [_("Give the product a name.")]
    if product.barcode:
        try:
            barcode_check(product.barcode)
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            if Product.objects.filter(barcode=product.barcode).exclude(pk=product.pk).exists():
                errors["barcode"] = [_("Another product already has this barcode.")]
    for field in ("cost_price", "sale_price", "min_stock"):
        if getattr(product, field) < 0:
            errors[field] = [_("Enter zero or more.")]
    if product.max_stock is not None and product.max_stock < product.min_stock:
        errors["max_stock"] = [_("The maximum stock cannot be below the minimum stock.")]
    if product.ncm and not (_DIGITS.match(product.ncm) and len(product.ncm) == 8):
        errors["ncm"] = [_("An NCM has 8 digits, such as 8471.30.12.")]
    sat_code = product.sat_product_code
    if sat_code and not (_DIGITS.match(sat_code) and len(sat_code) == 8):
        errors["sat_product_code"] = [_("A SAT product code (ClaveProdServ) has 8 digits, such as 43211503.")]
    if product.sat_unit_code and not _SAT_UNIT.match(product.sat_unit_code):
        errors["sat_unit_code"] = [_("A SAT unit code (ClaveUnidad) has 2 or 3 letters or digits, such as H87.")]
    if errors:
        raise ValidationError(errors)


def _product_save(product: Product) -> None:
    """Two requests with one new SKU pass the check together; the unique index refuses the second."""
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as error:
        if "sku" in str(error):
            message = _("Another product already has the SKU %(sku)s.") % {"sku": product.sku}
            raise ValidationError({"sku": [message]}) from None
        if "barcode" in str(error):
            raise ValidationError({"barcode": [_("Another product already has this barcode.")]}) from None
        raise


@transaction.atomic
def product_create(
    *,
    actor: User | None,
    sku: str,
    name: str,
    unit: str = Unit.UNIT,
    description: str = "",
    category: str = "",
    cost_price: Decimal = Decimal(0),
    sale_price: Decimal = Decimal(0),
    barcode: str = "",
    min_stock: Decimal = Decimal(0),
    max_stock: Decimal | None = None,
    is_active: bool = True,
    ncm: str = "",
    sat_product_code: str = "",
    sat_unit_code: str = "",
) -> Product:
    """A product with no stock: its stock comes in by movements (a purchase, a count)."""
    product = Product(
        sku=sku, name=name, unit=unit, description=description.strip(), category=category, cost_price=cost_price,
        sale_price=sale_price, barcode=barcode, min_stock=min_stock, max_stock=max_stock, is_active=is_active,
        ncm=ncm, sat_product_code=sat_product_code, sat_unit_code=sat_unit_code, created_by=actor,
        stock=Decimal(0), average_cost=cost_price,
    )
    _product_clean(product)
    _product_save(product)
    event_record(name=events.PRODUCT_CREATED, payload=events.product_json(product), actor=actor)
    return product


@transaction.atomic
def product_update(*, actor: User | None, product: Product, changes: dict) -> Product:
    """PATCH semantics on the product's own fields; its stock and average cost are the ledger's."""
    before = events.product_json(product)
    for field, value in changes.items():
        if field in PRODUCT_FIELDS:
            setattr(product, field, value.strip() if field == "description" else value)
    if "unit" in changes and product.unit == Unit.UNIT and not _whole(product.stock):
        message = _("The stock is not a whole number: this product cannot be counted in units.")
        raise ValidationError({"unit": [message]})
    _product_clean(product)
    changed = payload_changes(before, events.product_json(product))
    if not changed:
        return product
    _product_save(product)
    event_record(name=events.PRODUCT_UPDATED, payload=events.product_json(product), actor=actor, changes=changed)
    return product


def product_delete_refusal(product: Product) -> str:
    """Why the product cannot be deleted ("" when it can): its page says so instead of the button."""
    if product.movements.exists():
        return _("This product has stock movements, which stay in the ledger: deactivate it instead.")
    if InvoiceItem.objects.filter(product=product).exists():
        return _("This product is on invoices: deactivate it instead.")
    if InventoryCountItem.objects.filter(product=product).exists():
        return _("This product was counted in an inventory count: deactivate it instead.")
    return ""


@transaction.atomic
def product_delete(*, actor: User | None, product: Product) -> None:
    refusal = product_delete_refusal(product)
    if refusal:
        raise DomainError(refusal, code="in_use")
    payload = events.product_json(product)
    product.delete()
    event_record(name=events.PRODUCT_DELETED, payload=payload, actor=actor)


# --- Stock movements ------------------------------------------------------------------------------


def _whole(quantity: Decimal) -> bool:
    return quantity == quantity.to_integral_value()


def _movement_check(product: Product, *, type: str, quantity: Decimal, reason: str) -> None:
    if quantity <= 0:
        raise ValidationError({"quantity": [_("Enter a quantity greater than zero.")]})
    if product.unit == Unit.UNIT and not _whole(quantity):
        raise ValidationError({"quantity": [_("%(product)s is counted in whole units.") % {"product": product.name}]})
    expected = REASON_TYPES.get(reason)
    if expected is not None and expected != type:
        message = _("A purchase brings stock in.") if expected == MovementType.IN else _("A sale takes stock out.")
        raise ValidationError({"reason": [message]})
    if type == MovementType.OUT and quantity > product.stock:
        raise ValidationError({"quantity": [_shortage_message(product, quantity)]})
    if type == MovementType.IN and product.stock + quantity > STOCK_MAX:
        raise ValidationError({"quantity": [
            _("A product holds at most %(max)s in stock.") % {"max": quantity_text(Decimal(STOCK_MAX))}
        ]})


def _shortage_message(product: Product, quantity: Decimal) -> str:
    return _("Not enough stock of %(product)s: %(stock)s in stock, %(quantity)s asked.") % {
        "product": f"{product.sku} {product.name}", "stock": quantity_text(product.stock),
        "quantity": quantity_text(quantity),
    }


def _locked(products: list[Product]) -> dict[int, Product]:
    """The products' rows, locked in id order (two writers of the same products never deadlock)."""
    ids = sorted({product.pk for product in products})
    return {product.pk: product for product in Product.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


@transaction.atomic
def stock_move(
    *,
    actor: User | None,
    product: Product,
    type: str,
    quantity: Decimal,
    reason: str,
    reference: str = "",
    unit_cost: Decimal | None = None,
    invoice=None,
) -> StockMovement:
    """One line of the ledger and the product's new stock, under the product's row lock.

    An `in` brings units at `unit_cost` (by default the product's cost price for a purchase,
    its average cost otherwise) and moves the average cost to the weighted mean of what was in
    stock and what came in; an `out` takes units at the average cost, which it leaves as it was.
    A movement that takes the stock below the product's minimum records `stock.low`.
    """
    product = _locked([product])[product.pk]
    _movement_check(product, type=type, quantity=quantity, reason=reason)
    before = product.stock
    if type == MovementType.IN:
        if unit_cost is None:
            # A purchase costs what the product costs; a return or a unit found, what the stock is worth.
            worth_the_average = reason != MovementReason.PURCHASE and product.average_cost
            unit_cost = product.average_cost if worth_the_average else product.cost_price
        if unit_cost < 0:
            raise ValidationError({"unit_cost": [_("Enter zero or more.")]})
        product.stock = before + quantity
        product.average_cost = ((before * product.average_cost + quantity * unit_cost) / product.stock).quantize(
            COST_PLACES
        )
    else:
        unit_cost = product.average_cost
        product.stock = before - quantity
    product.save(update_fields=["stock", "average_cost", "updated_at"])
    movement = StockMovement.objects.create(
        product=product, type=type, quantity=quantity, reason=reason, reference=reference.strip(),
        unit_cost=unit_cost, stock_after=product.stock, invoice=invoice, created_by=actor,
    )
    event_record(name=events.STOCK_MOVED, payload=events.stock_moved_json(movement, product), actor=actor)
    if before >= product.min_stock > product.stock:
        event_record(name=events.STOCK_LOW, payload=events.stock_low_json(product), actor=actor, audit=False)
    return movement


# --- Invoices: issuing takes the stock out, cancelling brings it back ----------------------------


@transaction.atomic
def invoice_stock_take(*, actor: User | None, invoice) -> list[StockMovement]:
    """An invoice being issued: an `out` (sale) per product on its lines, quoting its number.
    Every product is checked before anything is written, so a shortage of one refuses the issue
    with every shortage named, and writes nothing."""
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    products = []
    for item in invoice.items.select_related("product"):
        if item.product_id is not None:
            wanted[item.product_id] += item.quantity
            products.append(item.product)
    if not wanted:
        return []
    locked = _locked(products)
    shortages = [
        _shortage_message(locked[pk], quantity) for pk, quantity in wanted.items() if quantity > locked[pk].stock
    ]
    if shortages:
        raise ValidationError({"items": shortages})
    return [
        stock_move(actor=actor, product=locked[pk], type=MovementType.OUT, quantity=quantity,
                   reason=MovementReason.SALE, reference=invoice.number, invoice=invoice)
        for pk, quantity in sorted(wanted.items())
    ]


@transaction.atomic
def invoice_stock_return(*, actor: User | None, invoice) -> list[StockMovement]:
    """A cancelled invoice: what its issue took out comes back (`in`, reason return), at the cost it left at."""
    taken = list(invoice.stock_movements.filter(type=MovementType.OUT, reason=MovementReason.SALE).order_by("pk"))
    return [
        stock_move(actor=actor, product=movement.product, type=MovementType.IN, quantity=movement.quantity,
                   reason=MovementReason.RETURN, reference=invoice.number, unit_cost=movement.unit_cost,
                   invoice=invoice)
        for movement in taken
    ]


def product_line_defaults(product: Product) -> dict:
    """What an invoice line of this product starts from: its name and sale price, and the fiscal
    codes NF-e and CFDI ask of what was sold."""
    return {
        "description": product.name,
        "unit_price": product.sale_price,
        "ncm": product.ncm,
        "sat_product_code": product.sat_product_code,
        "sat_unit_code": product.sat_unit_code,
    }


# --- Counts ---------------------------------------------------------------------------------------


def _in_progress_check(count: InventoryCount) -> None:
    if count.status != CountStatus.IN_PROGRESS:
        raise DomainError(_("This count was completed: it takes nothing more."), code="completed")


@transaction.atomic
def count_create(*, actor: User | None, date: date, notes: str = "") -> InventoryCount:
    count = InventoryCount.objects.create(date=date, notes=notes.strip(), created_by=actor)
    event_record(name=events.COUNT_CREATED, payload=events.count_json(count), actor=actor)
    return count


@transaction.atomic
def count_item_set(
    *, actor: User | None, count: InventoryCount, product: Product, actual_quantity: Decimal
) -> InventoryCountItem:
    """What was found of a product. The first time a product is counted, the books' stock is kept
    as its `expected_quantity`; counting it again changes only what was found."""
    _in_progress_check(count)
    if actual_quantity < 0:
        raise ValidationError({"actual_quantity": [_("Enter zero or more.")]})
    if product.unit == Unit.UNIT and not _whole(actual_quantity):
        raise ValidationError({
            "actual_quantity": [_("%(product)s is counted in whole units.") % {"product": product.name}]
        })
    item, created = InventoryCountItem.objects.get_or_create(
        count=count, product=product,
        defaults={"expected_quantity": product.stock, "actual_quantity": actual_quantity, "counted_by": actor},
    )
    if not created:
        item.actual_quantity, item.counted_by = actual_quantity, actor
        item.save(update_fields=["actual_quantity", "counted_by", "updated_at"])
    count.save(update_fields=["updated_at"])
    return item


@transaction.atomic
def count_complete(*, actor: User | None, count: InventoryCount) -> InventoryCount:
    """One `adjustment` movement per counted product whose quantity differs from what the books
    expected when it was counted, all in this transaction: a refusal of one (more missing than is
    now in stock) completes nothing."""
    _in_progress_check(count)
    items = list(count.items.select_related("product").order_by("product_id"))
    if not items:
        raise DomainError(_("Count at least one product before completing the count."), code="empty")
    reference = f"COUNT-{count.pk}"  # the same in every language, as an invoice's number
    for item in items:
        difference = item.difference
        if difference:
            stock_move(
                actor=actor, product=item.product, type=MovementType.IN if difference > 0 else MovementType.OUT,
                quantity=abs(difference), reason=MovementReason.ADJUSTMENT, reference=reference,
            )
    count.status, count.completed_at, count.completed_by = CountStatus.COMPLETED, timezone.now(), actor
    count.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
    event_record(name=events.COUNT_COMPLETED, payload=events.count_json(count, items), actor=actor)
    return count


@transaction.atomic
def count_delete(*, actor: User | None, count: InventoryCount) -> None:
    """A count in progress only: a completed one wrote the ledger's adjustments."""
    _in_progress_check(count)
    payload = events.count_json(count)
    count.delete()
    event_record(name=events.COUNT_DELETED, payload=payload, actor=actor)

"""Plain JSON values for hand-written representations (the API's fast paths and event payloads)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from .money import minor_units, quantize


def iso_datetime(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a `Z`, as DRF writes it."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def user_json(user) -> dict | None:
    """A teammate as another record refers to them (`assigned_to`)."""
    if user is None:
        return None
    return {"id": user.pk, "name": user.name, "email": user.email}


def amount_json(amount: Decimal, currency: str) -> str:
    """An amount as text with its currency's own digits: "5000.00" USD, "5000" CLP. No locale:
    the same for every reader, whoever made the change."""
    return str(quantize(amount, currency))


def number_json(value: Decimal) -> int | float:
    """A quantity, a rate or hours as the spec's JSON number: 40, 1.5, 18.25. The API takes at most
    15 significant digits of any, which a float holds exactly."""
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def unit_price_json(price: Decimal, currency: str) -> str:
    """The currency's digits at least, more where the price has them: "150.00", "0.125" USD,
    "1500" CLP."""
    digits = max(minor_units(currency), -price.normalize().as_tuple().exponent)
    return str(price.quantize(Decimal(1).scaleb(-digits)))

"""A CFDI's amounts: computed once with SAT's rounding, then checked as SAT checks them.

Computing (Anexo 20, Guía de llenado del CFDI 4.0, "Redondeo"): each line's Importe is Cantidad ×
ValorUnitario rounded half up to the currency's decimals (c_Moneda: 2 for MXN); its Base for taxes
is Importe − Descuento; each tax's Importe is Base × TasaOCuota rounded the same way. The document's
amounts are plain sums of those rounded figures: SubTotal, Descuento, each Traslado (per Impuesto,
TipoFactor and TasaOCuota) and Retencion (per Impuesto), the two totals of taxes, and Total =
SubTotal − Descuento + TotalImpuestosTrasladados − TotalImpuestosRetenidos. Sums of values already
rounded to the currency need no further rounding, so every total adds up to the cent.

Checking (`amounts_problems`) reads a finished document and applies the PAC's validations (the
matrix of errors CFDI40xxx): each line's Importe and each tax Importe must lie between the lower
and upper limits that the guide derives from the precision of the numbers written, (a − ½·10⁻ⁿ)
× (b − ½·10⁻ᵐ) truncated and (a + ½·10⁻ⁿ) × (b + ½·10⁻ᵐ) rounded up; every total must equal its sum
exactly and carry no more decimals than the currency allows.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

from lxml import etree

from .inputs import Iva, Line

CFDI = "{http://www.sat.gob.mx/cfd/4}"
TAX_CODES = {"ISR": "001", "IVA": "002", "IEPS": "003"}


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TaxAmount:
    tax: str  # c_Impuesto: 001, 002, 003
    factor: str  # Tasa, Cuota or Exento
    rate: Decimal | None
    base: Decimal
    amount: Decimal | None


@dataclass(frozen=True)
class LineAmounts:
    amount: Decimal  # Importe
    base: Decimal  # Importe − Descuento
    transfers: tuple[TaxAmount, ...]
    withholdings: tuple[TaxAmount, ...]


def line_amounts(line: Line, decimals: int) -> LineAmounts:
    amount = round_half_up(line.quantity * line.unit_price, decimals)
    discount = round_half_up(line.discount, decimals)
    base = amount - discount
    transfers = ()
    if line.iva == Iva.EXEMPT:
        transfers = (TaxAmount("002", "Exento", None, base, None),)
    elif line.iva is not None:
        rate = Decimal(line.iva.value)
        transfers = (TaxAmount("002", "Tasa", rate, base, round_half_up(base * rate, decimals)),)
    withholdings = tuple(
        TaxAmount(TAX_CODES[held.tax], "Tasa", held.rate, base, round_half_up(base * held.rate, decimals))
        for held in line.withholdings
    )
    return LineAmounts(amount, base, transfers, withholdings)


# --- Checking a finished document ------------------------------------------------------------


def _number(element, attribute: str) -> Decimal | None:
    value = element.get(attribute)
    return Decimal(value) if value is not None else None


def _decimals(value: str) -> int:
    return len(value.split(".")[1]) if "." in value else 0


def _half_unit(value: str) -> Decimal:
    return Decimal(5).scaleb(-_decimals(value) - 1)


def _limits(a: str, b: str, result_decimals: int) -> tuple[Decimal, Decimal]:
    """The guide's lower and upper limits of a × b, both factors as written."""
    unit = Decimal(1).scaleb(-result_decimals)
    lower = (Decimal(a) - _half_unit(a)) * (Decimal(b) - _half_unit(b))
    upper = (Decimal(a) + _half_unit(a)) * (Decimal(b) + _half_unit(b))
    return lower.quantize(unit, rounding=ROUND_DOWN), upper.quantize(unit, rounding=ROUND_CEILING)


def _within(element, a: str, b: str, what: str, problems: list[str]) -> None:
    written = element.get("Importe")
    lower, upper = _limits(a, b, _decimals(written))
    if not lower <= Decimal(written) <= upper:
        problems.append(f"{what}: Importe {written} is outside [{lower}, {upper}]")


def _equal(name: str, written: Decimal | None, expected: Decimal, problems: list[str]) -> None:
    if (written or Decimal(0)) != expected:
        problems.append(f"{name} {written} is not {expected}")


def amounts_problems(root: etree._Element, decimals: int) -> list[str]:
    """Where the amounts of the CFDI `root` break SAT's rules (empty when they add up)."""
    problems = []
    subtotal = discount = Decimal(0)
    transfers = defaultdict(lambda: [Decimal(0), Decimal(0)])
    withholdings = defaultdict(Decimal)
    for index, concept in enumerate(root.iter(f"{CFDI}Concepto")):
        what = f"Concepto {index + 1}"
        _within(concept, concept.get("Cantidad"), concept.get("ValorUnitario"), what, problems)
        subtotal += _number(concept, "Importe")
        discount += _number(concept, "Descuento") or Decimal(0)
        for tax in concept.iterfind(f"{CFDI}Impuestos/{CFDI}Traslados/{CFDI}Traslado"):
            key = (tax.get("Impuesto"), tax.get("TipoFactor"), tax.get("TasaOCuota"))
            transfers[key][0] += _number(tax, "Base")
            if tax.get("TipoFactor") != "Exento":
                _within(tax, tax.get("Base"), tax.get("TasaOCuota"), f"{what} Traslado", problems)
                transfers[key][1] += _number(tax, "Importe")
        for tax in concept.iterfind(f"{CFDI}Impuestos/{CFDI}Retenciones/{CFDI}Retencion"):
            _within(tax, tax.get("Base"), tax.get("TasaOCuota"), f"{what} Retencion", problems)
            withholdings[tax.get("Impuesto")] += _number(tax, "Importe")

    _equal("SubTotal", _number(root, "SubTotal"), subtotal, problems)
    _equal("Descuento", _number(root, "Descuento"), discount, problems)
    taxes = root.find(f"{CFDI}Impuestos")
    written_transfers = {} if taxes is None else {
        (tax.get("Impuesto"), tax.get("TipoFactor"), tax.get("TasaOCuota")): tax
        for tax in taxes.iterfind(f"{CFDI}Traslados/{CFDI}Traslado")
    }
    written_withholdings = {} if taxes is None else {
        tax.get("Impuesto"): tax for tax in taxes.iterfind(f"{CFDI}Retenciones/{CFDI}Retencion")
    }
    if set(written_transfers) != set(transfers) or set(written_withholdings) != set(withholdings):
        problems.append("Impuestos does not list exactly the taxes of the Conceptos")
    for key, (base, amount) in transfers.items():
        if key in written_transfers:
            _equal(f"Traslado {key} Base", _number(written_transfers[key], "Base"), base, problems)
            if key[1] != "Exento":
                _equal(f"Traslado {key} Importe", _number(written_transfers[key], "Importe"), amount, problems)
    for tax, amount in withholdings.items():
        if tax in written_withholdings:
            _equal(f"Retencion {tax} Importe", _number(written_withholdings[tax], "Importe"), amount, problems)
    transferred = sum((amount for (_, factor, _), (_, amount) in transfers.items() if factor != "Exento"),
                      Decimal(0))
    withheld = sum(withholdings.values(), Decimal(0))
    if taxes is not None:
        _equal("TotalImpuestosTrasladados", _number(taxes, "TotalImpuestosTrasladados"), transferred, problems)
        _equal("TotalImpuestosRetenidos", _number(taxes, "TotalImpuestosRetenidos"), withheld, problems)
    _equal("Total", _number(root, "Total"), subtotal - discount + transferred - withheld, problems)

    for element, attribute in [(root, "SubTotal"), (root, "Descuento"), (root, "Total"),
                               (taxes, "TotalImpuestosTrasladados"), (taxes, "TotalImpuestosRetenidos")]:
        value = element.get(attribute) if element is not None else None
        if value is not None and _decimals(value) > decimals:
            problems.append(f"{attribute} {value} has more decimals than the currency's {decimals}")
    return problems

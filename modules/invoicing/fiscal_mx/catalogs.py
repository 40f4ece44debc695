"""SAT's catalogs (Anexo 20, catCFDI) as the pre-flight reads them.

Most catalogs are looked up in the one satcfdi ships (SAT's own tables, a SQLite file): postal
codes, product and unit keys, currencies, payment forms. Two rules of c_RegimenFiscal and c_UsoCFDI
are not in it and are written here from SAT's catalog for CFDI 4.0 (catCFDI_V_4, columns
"Física"/"Moral" and "Régimen Fiscal Receptor"): which regimes a persona física or moral may have,
and which uses of the CFDI each receiver regime allows.
"""

from functools import cache

from satcfdi.catalogs import select

# c_RegimenFiscal: code -> (persona física, persona moral)
REGIMES = {
    "601": (False, True), "603": (False, True), "605": (True, False), "606": (True, False),
    "607": (True, False), "608": (True, False), "610": (True, True), "611": (True, False),
    "612": (True, False), "614": (True, False), "615": (True, False), "616": (True, False),
    "620": (False, True), "621": (True, False), "622": (False, True), "623": (False, True),
    "624": (False, True), "625": (True, False), "626": (True, True),
}

_BUSINESS = frozenset({"601", "603", "606", "612", "620", "621", "622", "623", "624", "625", "626"})
_PERSONAL_DEDUCTIONS = frozenset({"605", "606", "608", "611", "612", "614", "607", "615", "625"})
_ANY = frozenset({"601", "603", "605", "606", "608", "610", "611", "612", "614", "616", "620", "621",
                  "622", "623", "624", "607", "615", "625", "626"})

# c_UsoCFDI: code -> (persona física, persona moral, receiver regimes it is valid with)
USES = {
    **{code: (True, True, _BUSINESS) for code in ("G01", "G03", "I01", "I02", "I03", "I04", "I05",
                                                  "I06", "I07", "I08")},
    "G02": (True, True, _BUSINESS | {"616"}),
    **{code: (True, False, _PERSONAL_DEDUCTIONS) for code in ("D01", "D02", "D03", "D04", "D05", "D06",
                                                              "D07", "D08", "D09", "D10")},
    "S01": (True, True, _ANY),
    "CP01": (True, True, _ANY),
    "CN01": (True, False, frozenset({"605"})),
}

# Cancellation reasons (Anexo 20, "Motivos de cancelación", since 2022).
CANCEL_REASONS = {
    "01": "Comprobante emitido con errores con relación",
    "02": "Comprobante emitido con errores sin relación",
    "03": "No se llevó a cabo la operación",
    "04": "Operación nominativa relacionada en una factura global",
}


@cache
def in_catalog(catalog: str, key: str) -> bool:
    """Whether `key` is in SAT's catalog `catalog` ("c_CodigoPostal", "c_ClaveProdServ", ...)."""
    return select(f"C756_{catalog}", key) is not None


def currency_decimals(currency: str) -> int | None:
    """How many decimals SAT's c_Moneda allows for `currency`; None if it is not in the catalog."""
    row = select("C756_c_Moneda", currency)
    return row[1] if row else None

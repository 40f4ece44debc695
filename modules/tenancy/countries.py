"""What a company's country decides: its currency, time zone, tax regimes and payment keys.

Phones follow the country too (modules.core.phones reads it as the region of national numbers).
"""

from dataclasses import dataclass

from .models import Country

# Official names, as the tax authorities publish them and documents print them: not translated.
# The NF-e's CRT decides between them: 1 Simples Nacional, 2 over its sublimit, 3 regime normal
# (lucro presumido or real: how PIS and COFINS are paid is a fiscal setting), 4 MEI.
BRAZILIAN_TAX_REGIMES = [
    ("simples_nacional", "Simples Nacional"),
    ("simples_nacional_excess", "Simples Nacional - excesso de sublimite"),
    ("normal", "Regime Normal (Lucro Presumido / Lucro Real)"),
    ("mei", "MEI (Microempreendedor Individual)"),
]
# The SAT's c_RegimenFiscal catalogue (CFDI 4.0): a CFDI carries the code.
MEXICAN_TAX_REGIMES = [
    (code, f"{code} · {name}")
    for code, name in [
        ("601", "General de Ley Personas Morales"),
        ("603", "Personas Morales con Fines no Lucrativos"),
        ("605", "Sueldos y Salarios e Ingresos Asimilados a Salarios"),
        ("606", "Arrendamiento"),
        ("607", "Régimen de Enajenación o Adquisición de Bienes"),
        ("608", "Demás ingresos"),
        ("610", "Residentes en el Extranjero sin Establecimiento Permanente en México"),
        ("611", "Ingresos por Dividendos (socios y accionistas)"),
        ("612", "Personas Físicas con Actividades Empresariales y Profesionales"),
        ("614", "Ingresos por intereses"),
        ("615", "Régimen de los ingresos por obtención de premios"),
        ("616", "Sin obligaciones fiscales"),
        ("620", "Sociedades Cooperativas de Producción que optan por diferir sus ingresos"),
        ("621", "Incorporación Fiscal"),
        ("622", "Actividades Agrícolas, Ganaderas, Silvícolas y Pesqueras"),
        ("623", "Opcional para Grupos de Sociedades"),
        ("624", "Coordinados"),
        ("625", "Régimen de las Actividades Empresariales con ingresos a través de Plataformas Tecnológicas"),
        ("626", "Régimen Simplificado de Confianza"),
    ]
]

# SAT's c_UsoCFDI (CFDI 4.0): what the customer uses the invoice for.
CFDI_USES = [
    (code, f"{code} · {name}")
    for code, name in [
        ("G01", "Adquisición de mercancías"), ("G02", "Devoluciones, descuentos o bonificaciones"),
        ("G03", "Gastos en general"), ("I01", "Construcciones"),
        ("I02", "Mobiliario y equipo de oficina por inversiones"),
        ("I03", "Equipo de transporte"), ("I04", "Equipo de computo y accesorios"),
        ("I05", "Dados, troqueles, moldes, matrices y herramental"), ("I06", "Comunicaciones telefónicas"),
        ("I07", "Comunicaciones satelitales"), ("I08", "Otra maquinaria y equipo"),
        ("D01", "Honorarios médicos, dentales y gastos hospitalarios"),
        ("D02", "Gastos médicos por incapacidad o discapacidad"), ("D03", "Gastos funerales"), ("D04", "Donativos"),
        ("D05", "Intereses reales efectivamente pagados por créditos hipotecarios (casa habitación)"),
        ("D06", "Aportaciones voluntarias al SAR"), ("D07", "Primas por seguros de gastos médicos"),
        ("D08", "Gastos de transportación escolar obligatoria"),
        ("D09", "Depósitos en cuentas para el ahorro, primas que tengan como base planes de pensiones"),
        ("D10", "Pagos por servicios educativos (colegiaturas)"), ("S01", "Sin efectos fiscales"),
        ("CP01", "Pagos"), ("CN01", "Nómina"),
    ]
]


@dataclass(frozen=True)
class CountryDefaults:
    currency: str
    timezone: str
    tax_regimes: list[tuple[str, str]]  # (stored code, label); empty: free text (the US has no catalogue)
    pix: bool  # Brazil's instant payments: a PIX key is asked for


COUNTRIES: dict[str, CountryDefaults] = {
    Country.US: CountryDefaults(currency="USD", timezone="America/New_York", tax_regimes=[], pix=False),
    Country.BR: CountryDefaults(
        currency="BRL", timezone="America/Sao_Paulo", tax_regimes=BRAZILIAN_TAX_REGIMES, pix=True
    ),
    Country.MX: CountryDefaults(
        currency="MXN", timezone="America/Mexico_City", tax_regimes=MEXICAN_TAX_REGIMES, pix=False
    ),
}


def country_for_language(language: str) -> str:
    """The country a signup in this language most likely is: pt-BR → BR, es → MX, else US."""
    prefix = (language or "").lower().split("-")[0].split("_")[0]
    return {"pt": Country.BR, "es": Country.MX}.get(prefix, Country.US).value


def tax_regime_codes(country: str) -> set[str] | None:
    """The codes a company of `country` may choose from; None where the regime is free text."""
    regimes = COUNTRIES[country].tax_regimes
    return {code for code, _label in regimes} if regimes else None


def tax_regime_allowed(country: str, regime: str) -> bool:
    codes = tax_regime_codes(country)
    return codes is None or regime in codes

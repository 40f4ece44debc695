"""Boletos: the 44-digit barcode, the 47-digit digitable line, and the bars that draw them.

What each part follows:

- The barcode's layout (bank, currency 9, general check digit, due-date factor, amount in
  centavos, 25-digit free field), its general check digit (modulo 11, weights 2 to 9 from the
  right; 0, 10 and 11 become 1) and the digitable line (three fields closed by a modulo 10
  check digit, the general check digit, factor and amount) are FEBRABAN's, as every bank's
  manual repeats them: Banco do Brasil, "Especificações Técnicas para Confecção de Boleto de
  Cobrança do Banco do Brasil" (January 2016), sections 2.3.3-2.3.4 and annexes IV-VI; Itaú,
  "Cobrança CNAB 400" (September 2012), section 8.3-8.4 and annexes 2-3; Bradesco, "Layout da
  Cobrança Bradesco" 4008_0008 v05, "Montagem dos Dados do Código de Barras"; Sicredi, "Manual
  do Beneficiário - Cobrança" (June 2014), sections 10.7-10.8.
- The due-date factor counts days from 7 October 1997; FEBRABAN restarted it at 1000 on
  22 February 2025, the day after it reached 9999 (BB's specification, annex IV), so factors
  repeat every 9,000 days. A factor is read back as the date within 3,000 days before and 5,500
  days after the reading day, the window in which FEBRABAN lets banks accept a boleto.
- Each bank's free field ("campo livre") and nosso número are its own manual's: see the
  `_free_field_*` functions.
- The bars are Interleaved 2 of 5 (the manuals' "2 de 5 intercalado"): narrow 1, wide 3,
  start narrow bar-space-bar-space, stop wide bar, narrow space, narrow bar, 103 mm by 13 mm.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .common import PaymentDataError, digits

BANK_CODES = {"bb": "001", "itau": "341", "bradesco": "237", "sicredi": "748"}
BANKS_BY_CODE = {code: bank for bank, code in BANK_CODES.items()}
CURRENCY_REAL = "9"
MAX_AMOUNT = Decimal("99999999.99")

FACTOR_1000_DATE = date(2000, 7, 3)  # 7 October 1997 + 1,000 days: the first factor in use
FACTOR_CYCLE_DAYS = 9000  # factors run from 1000 to 9999, then start again at 1000
PAYABLE_DAYS_BEFORE = 3000
PAYABLE_DAYS_AFTER = 5500

# Itaú's wallets whose nosso número DAC covers only wallet and number (Itaú, annex 4), and its
# wallets with a 15-digit nosso número and another free field (annex 5), which we do not issue.
ITAU_WALLET_ONLY_DAC = {"126", "131", "146", "150", "168"}
ITAU_FIFTEEN_DIGIT_WALLETS = {"106", "107", "122", "142", "143", "195", "196", "198"}

# What a field with too many digits, or not only digits, is told (translated when raised).
WALLET_DIGITS = gettext_lazy("The wallet must be a number of %(count)d digits.")
SEQUENCE_DIGITS = gettext_lazy("The nosso número must be a number of up to %(count)d digits.")
AGENCY_DIGITS = gettext_lazy("The agency must be a number of up to %(count)d digits.")
ACCOUNT_DIGITS = gettext_lazy("The account must be a number of up to %(count)d digits.")
BENEFICIARY_DIGITS = gettext_lazy("The beneficiary code must be a number of %(count)d digits.")


@dataclass(frozen=True)
class CollectionAccount:
    """The beneficiary's collection contract at a bank, as the bank's manager hands it over.

    bank: "bb", "itau", "bradesco" or "sicredi".
    agency: the agency without its check digit (Sicredi: cooperative and post, "0165.02").
    account: the account without its check digit (unused by Sicredi).
    wallet: the carteira (Sicredi: kind of collection and wallet, "11").
    agreement: BB's convênio (4, 6 or 7 digits), Sicredi's código do beneficiário (5 digits).
    variation: BB's variação of the wallet (3 digits), which its CNAB 240 files name.
    """

    bank: str
    agency: str
    account: str = ""
    wallet: str = ""
    agreement: str = ""
    variation: str = ""


@dataclass(frozen=True)
class Boleto:
    """A boleto ready to print: barcode, digitable line and nosso número as the bank prints it."""

    bank: str
    barcode: str
    digitable_line: str
    nosso_numero: str
    due_date: date
    amount: Decimal

    @property
    def bank_code(self) -> str:
        return self.barcode[:3]


@dataclass(frozen=True)
class ReadBoleto:
    """What a typed or scanned boleto says. `due_date` is None when the code carries no factor."""

    barcode: str
    digitable_line: str
    due_date: date | None
    amount: Decimal

    @property
    def bank_code(self) -> str:
        return self.barcode[:3]

    @property
    def bank(self) -> str | None:
        return BANKS_BY_CODE.get(self.bank_code)

    @property
    def free_field(self) -> str:
        return self.barcode[19:]


# --- Check digits ---------------------------------------------------------------------------


def modulo10(number: str) -> int:
    """FEBRABAN's modulo 10: weights 2, 1, 2, ... from the right, the digits of each product
    added, the check digit is what takes the sum to the next multiple of ten."""
    total = 0
    for position, digit in enumerate(reversed(number)):
        product = int(digit) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _modulo11_sum(number: str, *, top_weight: int = 9) -> int:
    """Each digit times weights 2, 3, ... top_weight, 2, ... from the right, added."""
    cycle = top_weight - 1
    return sum(int(digit) * (2 + position % cycle) for position, digit in enumerate(reversed(number)))


def barcode_check_digit(number: str) -> str:
    """The general check digit of the 43 other digits of the barcode (modulo 11, weights 2 to
    9; a result of 0, 10 or 11 is written 1, so the digit is never 0)."""
    result = 11 - _modulo11_sum(number) % 11
    return "1" if result in (0, 10, 11) else str(result)


def _bb_nosso_numero_digit(number: str) -> str:
    """BB's nosso número check digit (annex XI): weights 9 down to 2 from the right, the
    remainder of the sum by 11 is the digit, 10 written X."""
    total = sum(int(digit) * (9 - position % 8) for position, digit in enumerate(reversed(number)))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def _bradesco_nosso_numero_digit(wallet_and_number: str) -> str:
    """Bradesco's nosso número digit (layout 4008_0008, "Dígito de auto-conferência"): modulo 11
    with weights 2 to 7 over wallet and number; remainder 0 gives 0, remainder 1 gives P."""
    remainder = _modulo11_sum(wallet_and_number, top_weight=7) % 11
    return {0: "0", 1: "P"}.get(remainder, str(11 - remainder))


def _sicredi_digit(number: str) -> str:
    """Sicredi's modulo 11 (manual 5.4 and 10.7.1): weights 2 to 9, 11 minus the remainder, and
    0 when that is 10 or 11."""
    result = 11 - _modulo11_sum(number) % 11
    return "0" if result >= 10 else str(result)


# --- Inputs ---------------------------------------------------------------------------------


def _number(value: str, width: int, message: Promise, field: str, *, exact: bool = False) -> str:
    """`value`'s digits, zero-filled to `width`; PaymentDataError(message) if it has more digits,
    fewer than `width` when `exact`, or anything that is not a digit."""
    plain = digits(str(value))
    if plain is None or len(plain) > width or (exact and len(plain) != width):
        raise PaymentDataError(str(message) % {"count": width}, field=field)
    return plain.zfill(width)


def _amount_in_centavos(amount: Decimal) -> str:
    if not isinstance(amount, Decimal):
        raise TypeError("A boleto's amount is a Decimal, never a float")
    try:
        centavos = amount * 100
        exact = centavos == centavos.to_integral_value()
    except InvalidOperation:
        exact = False
    if not exact or not amount.is_finite():
        raise PaymentDataError(_("The amount must be in reais with at most two decimal places."), field="amount")
    if amount < 0:
        raise PaymentDataError(_("The amount cannot be negative."), field="amount")
    if amount > MAX_AMOUNT:
        raise PaymentDataError(_("A boleto's amount cannot be over R$ 99,999,999.99."), field="amount")
    return str(int(centavos)).zfill(10)


def due_date_factor(due_date: date) -> str:
    """The 4-digit due-date factor: 1000 on 3 July 2000 and one more each day, back to 1000
    after 9999 (9999 on 21 February 2025, 1000 again on 22 February 2025)."""
    if not isinstance(due_date, date):
        raise TypeError("A boleto's due date is a date")
    days = (due_date - FACTOR_1000_DATE).days
    if days < 0:
        raise PaymentDataError(_("The due date cannot be before 3 July 2000."), field="due_date")
    return str(1000 + days % FACTOR_CYCLE_DAYS)


def due_date_of_factor(factor: str, *, today: date) -> date:
    """The date a factor stands for, seen from `today`: the one between 3,000 days before and
    5,500 days after it. PaymentDataError when the factor's dates all fall outside."""
    offset = int(factor) - 1000
    start = today - timedelta(days=PAYABLE_DAYS_BEFORE)
    cycles = -(-((start - FACTOR_1000_DATE).days - offset) // FACTOR_CYCLE_DAYS)  # ceiling division
    candidate = FACTOR_1000_DATE + timedelta(days=offset + max(cycles, 0) * FACTOR_CYCLE_DAYS)
    if offset < 0 or not start <= candidate <= today + timedelta(days=PAYABLE_DAYS_AFTER):
        raise PaymentDataError(_("This boleto's due date is too far from today for it to be paid."), field="code")
    return candidate


# --- Each bank's free field -----------------------------------------------------------------
# Each returns the 25-digit free field and the nosso número as the bank prints it.


def _free_field_bb(account: CollectionAccount, sequence: str, amount: Decimal) -> tuple[str, str]:
    """Banco do Brasil, specification of January 2016, annexes VII (agreement of 4 digits),
    VIII (6 digits) and IX (7 digits, the layout of every agreement since 1,000,000).

    4 and 6 digits: nosso número = agreement + sequence (11 digits, printed with its check
    digit), then agency (4), account (8) and wallet (2). 7 digits: six zeros, nosso número =
    agreement + sequence (17 digits, no check digit), wallet (2).
    """
    agreement = digits(account.agreement) or ""
    if len(agreement) not in (4, 6, 7):
        raise PaymentDataError(_("A Banco do Brasil agreement (convênio) has 4, 6 or 7 digits."), field="agreement")
    wallet = _number(account.wallet, 2, WALLET_DIGITS, "wallet", exact=True)
    sequence_width = {4: 7, 6: 5, 7: 10}[len(agreement)]
    number = agreement + _number(
        sequence, sequence_width, SEQUENCE_DIGITS, "sequence"
    )
    if len(agreement) == 7:
        return "000000" + number + wallet, number
    agency = _number(account.agency, 4, AGENCY_DIGITS, "agency")
    account_number = _number(
        account.account, 8, ACCOUNT_DIGITS, "account"
    )
    return number + agency + account_number + wallet, f"{number}-{_bb_nosso_numero_digit(number)}"


def _free_field_itau(account: CollectionAccount, sequence: str, amount: Decimal) -> tuple[str, str]:
    """Itaú, "Cobrança CNAB 400" (September 2012), section 8.3.2: wallet (3), nosso número (8),
    its DAC (annex 4: modulo 10 of agency, account, wallet and number; of wallet and number alone
    for wallets 126, 131, 146, 150 and 168), agency (4), account (5), the agency/account DAC
    (modulo 10 of agency and account), 000. Printed as "109/12345678-9" (note 23)."""
    wallet = _number(account.wallet, 3, WALLET_DIGITS, "wallet", exact=True)
    if wallet in ITAU_FIFTEEN_DIGIT_WALLETS:
        raise PaymentDataError(
            _("Itaú wallet %(wallet)s uses a 15-digit nosso número, which is not supported.") % {"wallet": wallet},
            field="wallet",
        )
    agency = _number(account.agency, 4, AGENCY_DIGITS, "agency")
    account_number = _number(
        account.account, 5, ACCOUNT_DIGITS, "account"
    )
    number = _number(sequence, 8, SEQUENCE_DIGITS, "sequence")
    covered = wallet + number if wallet in ITAU_WALLET_ONLY_DAC else agency + account_number + wallet + number
    number_dac = str(modulo10(covered))
    account_dac = str(modulo10(agency + account_number))
    free_field = wallet + number + number_dac + agency + account_number + account_dac + "000"
    return free_field, f"{wallet}/{number}-{number_dac}"


def _free_field_bradesco(account: CollectionAccount, sequence: str, amount: Decimal) -> tuple[str, str]:
    """Bradesco, layout 4008_0008 v05, "Montagem dos Dados do Código de Barras": agency (4),
    wallet (2), nosso número (11), account (7), 0. Printed as "09/00000000002-8" with the
    nosso número's own digit."""
    agency = _number(account.agency, 4, AGENCY_DIGITS, "agency")
    wallet = _number(account.wallet, 2, WALLET_DIGITS, "wallet", exact=True)
    number = _number(sequence, 11, SEQUENCE_DIGITS, "sequence")
    account_number = _number(
        account.account, 7, ACCOUNT_DIGITS, "account"
    )
    digit = _bradesco_nosso_numero_digit(wallet + number)
    return agency + wallet + number + account_number + "0", f"{wallet}/{number}-{digit}"


def _free_field_sicredi(account: CollectionAccount, sequence: str, amount: Decimal) -> tuple[str, str]:
    """Sicredi, "Manual do Beneficiário" (June 2014), 5.3-5.4 and 10.7.1: kind of collection
    (1 registered, 3 unregistered) and wallet (1 simple), nosso número (year, generation byte 2-9,
    5 digits and its digit), cooperative (4), post (2), beneficiary (5), 1 when the boleto states
    an amount, 0, and the free field's own modulo 11 digit. Printed as "07/200003-1"."""
    wallet = digits(account.wallet) or ""
    if len(wallet) != 2 or wallet[0] not in "13" or wallet[1] != "1":
        raise PaymentDataError(
            _("Sicredi's wallet is the kind of collection (1 registered, 3 unregistered) and the wallet (1 simple), "
              "such as 11."),
            field="wallet",
        )
    agency = digits(account.agency) or ""
    if len(agency) != 6:
        raise PaymentDataError(
            _("Sicredi's agency is the cooperative's 4 digits and the post's 2, such as 0165.02."), field="agency"
        )
    beneficiary = _number(
        account.agreement, 5, BENEFICIARY_DIGITS, "agreement",
        exact=True,
    )
    number = digits(str(sequence)) or ""
    if len(number) != 8 or number[2] not in "23456789":
        raise PaymentDataError(
            _("Sicredi's nosso número is the year's 2 digits, a generation byte from 2 to 9 and 5 digits, "
              "such as 07200003."),
            field="sequence",
        )
    number += _sicredi_digit(agency + beneficiary + number)
    body = wallet + number + agency + beneficiary + ("1" if amount > 0 else "0") + "0"
    return body + _sicredi_digit(body), f"{number[:2]}/{number[2:8]}-{number[8]}"


_FREE_FIELDS: dict[str, Callable[[CollectionAccount, str, Decimal], tuple[str, str]]] = {
    "bb": _free_field_bb,
    "itau": _free_field_itau,
    "bradesco": _free_field_bradesco,
    "sicredi": _free_field_sicredi,
}


# --- The barcode and its digitable line -----------------------------------------------------


def boleto_build(account: CollectionAccount, *, sequence: str | int, due_date: date, amount: Decimal) -> Boleto:
    """The boleto of `amount` due on `due_date` with nosso número `sequence` (the beneficiary's
    own count, without check digit) on `account`. PaymentDataError names the input at fault."""
    if account.bank not in _FREE_FIELDS:
        raise PaymentDataError(_("Boletos are issued for Banco do Brasil, Itaú, Bradesco or Sicredi."), field="bank")
    factor = due_date_factor(due_date)
    centavos = _amount_in_centavos(amount)
    free_field, nosso_numero = _FREE_FIELDS[account.bank](account, str(sequence), amount)
    head = BANK_CODES[account.bank] + CURRENCY_REAL
    tail = factor + centavos + free_field
    barcode = head + barcode_check_digit(head + tail) + tail
    return Boleto(
        bank=account.bank, barcode=barcode, digitable_line=digitable_line(barcode),
        nosso_numero=nosso_numero, due_date=due_date, amount=amount,
    )


def _line_fields(barcode: str) -> tuple[str, str, str]:
    """The digitable line's first three fields with their check digits: bank, currency and free
    field 1-5; free field 6-15; free field 16-25."""
    return tuple(part + str(modulo10(part)) for part in (barcode[:4] + barcode[19:24], barcode[24:34], barcode[34:44]))


def digitable_line(barcode: str) -> str:
    """The 47-digit line typed when the bars cannot be read, in its printed shape:
    "AAABC.CCCCX DDDDD.DDDDDY EEEEE.EEEEEZ K UUUUVVVVVVVVVV"."""
    first, second, third = _line_fields(barcode)
    return f"{first[:5]}.{first[5:]} {second[:5]}.{second[5:]} {third[:5]}.{third[5:]} {barcode[4]} {barcode[5:19]}"


def _barcode_of_line(line: str) -> str:
    """The barcode a 47-digit line stands for; PaymentDataError if a field's digit is wrong."""
    fields = (line[0:10], line[10:21], line[21:32])
    for number, field in enumerate(fields, start=1):
        if str(modulo10(field[:-1])) != field[-1]:
            raise PaymentDataError(
                _("Field %(number)d of the digitable line has a wrong check digit: it was mistyped.")
                % {"number": number},
                field="code",
            )
    return line[0:4] + line[32] + line[33:47] + line[4:9] + fields[1][:-1] + fields[2][:-1]


def boleto_read(code: str, *, today: date) -> ReadBoleto:
    """Check and read a typed digitable line (47 digits) or a scanned barcode (44 digits); spaces
    and dots between digits are allowed. `today` places the due-date factor in its cycle."""
    plain = digits(code, separators=" .\t\n")
    if plain is None:
        raise PaymentDataError(_("A boleto's code holds only digits, with spaces or dots between them."), field="code")
    if len(plain) == 47:
        barcode = _barcode_of_line(plain)
    elif len(plain) == 44:
        barcode = plain
    else:
        raise PaymentDataError(
            _("A boleto's barcode has 44 digits and its digitable line 47; this code has %(count)d.")
            % {"count": len(plain)},
            field="code",
        )
    if barcode[3] != CURRENCY_REAL:
        raise PaymentDataError(_("Only boletos in reais can be read."), field="code")
    if barcode_check_digit(barcode[:4] + barcode[5:]) != barcode[4]:
        raise PaymentDataError(_("The boleto's check digit does not match: the code was mistyped."), field="code")
    if barcode[5] == "0":  # no factor: the amount may take all 14 digits (FEBRABAN, over 99,999,999.99)
        due_date, centavos = None, barcode[5:19]
    else:
        due_date, centavos = due_date_of_factor(barcode[5:9], today=today), barcode[9:19]
    return ReadBoleto(
        barcode=barcode, digitable_line=digitable_line(barcode), due_date=due_date,
        amount=Decimal(int(centavos)).scaleb(-2),
    )


# --- The bars -------------------------------------------------------------------------------

# Each digit's five elements, 1 for wide: 0 = narrow-narrow-wide-wide-narrow, and so on.
I2OF5_PATTERNS = ("00110", "10001", "01001", "11000", "00101", "10100", "01100", "00011", "10010", "01010")
NARROW, WIDE = 1, 3
START = "0000"  # bar, space, bar, space, all narrow
STOP = "100"  # wide bar, narrow space, narrow bar
BARCODE_MODULES = 405  # start 4 + 44 digits of 9 + stop 5: 103 mm makes the narrow 0.254 mm


def i2of5_elements(number: str) -> list[int]:
    """The widths (1 narrow, 3 wide) of the bars and spaces, alternating and starting with a bar,
    that draw `number` (an even count of digits) in Interleaved 2 of 5 with start and stop."""
    if len(number) % 2 or digits(number, separators="") is None:
        raise ValueError("Interleaved 2 of 5 draws an even number of digits")
    pattern = START
    for pair in range(0, len(number), 2):
        bars, spaces = I2OF5_PATTERNS[int(number[pair])], I2OF5_PATTERNS[int(number[pair + 1])]
        pattern += "".join(bar + space for bar, space in zip(bars, spaces, strict=True))
    return [WIDE if element == "1" else NARROW for element in pattern + STOP]


def barcode_svg(barcode: str, *, width_mm: float = 103, height_mm: float = 13) -> str:
    """The barcode as an SVG image of `width_mm` by `height_mm` (FEBRABAN's 103 by 13 mm), in
    units of one narrow element; leave the 5 mm quiet zone on its left to the page."""
    elements = i2of5_elements(barcode)
    modules = sum(elements)
    height = round(height_mm * modules / width_mm, 3)
    x, bars = 0, []
    for index, width in enumerate(elements):
        if index % 2 == 0:
            bars.append(f"M{x} 0h{width}v{height}h-{width}z")
        x += width
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm}mm" height="{height_mm}mm" '
        f'viewBox="0 0 {modules} {height}" shape-rendering="crispEdges" role="img" aria-label="{barcode}">'
        f'<rect width="{modules}" height="{height}" fill="#fff"/><path fill="#000" d="{"".join(bars)}"/></svg>'
    )

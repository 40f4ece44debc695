"""CNAB 240: the files a beneficiary and its bank exchange about boletos.

The remittance (remessa) registers boletos with the bank; the return (retorno) tells what became
of them: registered, rejected, paid, written off, fees charged.

Both follow FEBRABAN's "Layout Padrão de Arquivos - 240 posições", cobrança service, version
08.4, as the banks publish it for their beneficiaries: Bradesco, "Layout de Arquivos - Padrão
FEBRABAN 240 posições" (4008-524-0339, the FEBRABAN tables with their field notes G001..G079,
C004..C073), and Sicredi, "Manual do Beneficiário - Cobrança CNAB 240" (May 2014, sections 8.1
to 8.14). One file holds a file header (record 0), one batch (lote) of service 01 with its
header (1), its details (3: segments P, Q and, when there is a fine, R; segments T and U in a
return) and its trailer (5), then the file trailer (9). Every line has 240 characters and ends
in CR LF; numbers are right-aligned and zero-filled, text left-aligned, blank-filled, in
uppercase ASCII without accents.

Remittances are written, and returns read, for the four banks boletos are made for, each as its
manual fills FEBRABAN's open fields (`_Bank`):
- Bradesco and Sicredi, as above;
- Banco do Brasil, "Leiaute de Arquivo - Padrão CNAB 240 - Cobrança" (the convênio, "0014", the
  carteira and its variação in 033-052; the nosso número of 17 digits for a 7-digit convênio,
  11 and its digit for a 4- or 6-digit one; C006's carteira code; no write-off instruction,
  the convênio's own applies);
- Itaú, "Cobrança FEBRABAN 240" (May 2014): the agency and account as 0 + agency (4), zeros,
  account (5) and their DAC, no agreement; the carteira, nosso número (8) and its DAC in
  038-049; the seu número of 10 characters; its own species codes (note 13); the payer's and the
  guarantor's names of 30; the batch trailer with the remittance's count and total.
Segments T and U of the four banks' returns keep FEBRABAN's positions for everything read here.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .boleto import BANK_CODES, BANKS_BY_CODE, Boleto, CollectionAccount, boleto_build, modulo10
from .common import PaymentDataError, ascii_text, digits

LINE_LENGTH = 240
NUMBER, TEXT = "9", "X"

# C044, the return's movement codes a beneficiary acts on (Bradesco 4008-524-0339, note C044).
OCCURRENCES = {
    "02": gettext_lazy("Entry confirmed"),
    "03": gettext_lazy("Entry rejected"),
    "06": gettext_lazy("Settled"),
    "09": gettext_lazy("Written off"),
    "12": gettext_lazy("Rebate granted"),
    "14": gettext_lazy("Due date changed"),
    "17": gettext_lazy("Paid after write-off"),
    "19": gettext_lazy("Protest instruction received"),
    "23": gettext_lazy("Sent to the notary"),
    "25": gettext_lazy("Protested and written off"),
    "26": gettext_lazy("Instruction rejected"),
    "28": gettext_lazy("Fees charged"),
    "30": gettext_lazy("Change rejected"),
}
PAID = {"06", "17"}


@dataclass(frozen=True)
class Beneficiary:
    """Who issues the boletos: the company (its CPF or CNPJ) and its collection account, with
    the check digits the bank prints on the contract (blank where the bank has none)."""

    name: str
    document: str
    account: CollectionAccount
    agency_digit: str = ""
    account_digit: str = ""


@dataclass(frozen=True)
class Payer:
    """Who pays the boleto (segment Q)."""

    name: str
    document: str
    address: str
    district: str
    zip_code: str
    city: str
    state: str


@dataclass(frozen=True)
class Charge:
    """One boleto to register. `sequence` is its nosso número (as for boleto_build);
    `document_number` the invoice's number printed on it (15 characters); `reference` what the
    return echoes back to find it (25 characters); `species` FEBRABAN's code (C015: "02"
    duplicata mercantil, "04" duplicata de serviço, "17" recibo, "99" other). Interest runs per
    day from the day after the due date; the fine (a percentage) applies from that day too."""

    sequence: str | int
    due_date: date
    amount: Decimal
    issue_date: date
    document_number: str
    payer: Payer
    reference: str = ""
    species: str = "02"
    interest_per_day: Decimal = Decimal(0)
    fine_percent: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)
    discount_until: date | None = None


@dataclass(frozen=True)
class ReturnItem:
    """What the bank reports about one boleto (segments T and U). Amounts are Decimal reais;
    dates are None where the bank left them empty."""

    nosso_numero: str
    occurrence: str
    reasons: tuple[str, ...]
    document_number: str
    reference: str
    due_date: date | None
    amount: Decimal
    amount_paid: Decimal
    net_credit: Decimal
    interest: Decimal
    discount: Decimal
    rebate: Decimal
    iof: Decimal
    fees: Decimal
    other_expenses: Decimal
    occurred_on: date | None
    credited_on: date | None

    @property
    def paid(self) -> bool:
        return self.occurrence in PAID

    @property
    def occurrence_label(self) -> str:
        return str(OCCURRENCES.get(self.occurrence, self.occurrence))


@dataclass(frozen=True)
class ReturnFile:
    bank: str
    file_number: int
    created_on: date | None
    items: tuple[ReturnItem, ...]


# --- Each bank's choices ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Bank:
    """Where a bank's manual fills FEBRABAN's open fields its own way."""

    name: str  # G014
    file_layout: str  # G019
    batch_layout: str  # G030
    density: str  # G020
    agreement: Callable[[CollectionAccount], str]  # G007, 20 characters
    title_id: Callable[[Boleto, CollectionAccount], str]  # G069, 20 characters
    nosso_numero: Callable[[str], str]  # G069 read back, as the bank prints the nosso número
    # Agency, account and their digits (G008-G012): 20 characters of headers and segment P.
    account_fields: Callable[["Beneficiary"], tuple] = lambda beneficiary: _febraban_account(beneficiary)
    # 058-062: the wallet's code (C006), registered, traditional, printed and delivered by the beneficiary.
    title_kind: Callable[[CollectionAccount], tuple] = lambda account: _title_kind("1")
    document_width: int = 15  # C011, text; the rest of 063-077 blank
    species: dict[str, str] | None = None  # C015: FEBRABAN's code → the bank's
    write_off: Callable[[int], tuple] = lambda days: ((1, NUMBER, 1), (3, NUMBER, days), (2, NUMBER, 9),
                                                      (10, NUMBER, 0), (1, TEXT, ""))  # 224-240
    name_width: int = 40  # G013 of the payer and the guarantor in segment Q
    batch_reserved: str = ""  # 012-013 of the batch header
    # 172-240 of the file header: reserved to the bank (20) and the company (20), blanks.
    file_reserved: tuple = ((20, TEXT, ""), (20, TEXT, ""), (29, TEXT, ""))
    trailer_totals: bool = False  # C070-C071 in the remittance's batch trailer


def _febraban_account(beneficiary: "Beneficiary") -> tuple:
    account = beneficiary.account
    agency = digits(account.agency) or ""
    if account.bank == "sicredi":
        agency = agency[:4]  # the cooperative, without its post
    account_number = digits(account.account) or ""
    if not account_number or len(account_number) > 12:
        raise PaymentDataError(_("The account must be a number of up to %(count)d digits.") % {"count": 12},
                               field="account")
    return (
        (5, NUMBER, agency), (1, TEXT, beneficiary.agency_digit), (12, NUMBER, account_number),
        (1, TEXT, beneficiary.account_digit), (1, TEXT, ""),
    )


def _bradesco_title_id(boleto: Boleto, account: CollectionAccount) -> str:
    """Bradesco 13.3P: product (the wallet, 3 digits), 5 zeros, nosso número (11) and its digit."""
    wallet, rest = boleto.nosso_numero.split("/")
    number, digit = rest.split("-")
    return wallet.zfill(3) + "00000" + number + digit


def _bradesco_nosso_numero(title_id: str) -> str:
    return f"{title_id[1:3]}/{title_id[8:19]}-{title_id[19]}"


def _sicredi_title_id(boleto: Boleto, account: CollectionAccount) -> str:
    """Sicredi 13.3P: the nosso número's 9 digits (year, byte, sequence, digit), left-aligned."""
    return boleto.nosso_numero.replace("/", "").replace("-", "").ljust(20)


def _sicredi_nosso_numero(title_id: str) -> str:
    number = title_id.strip()
    return f"{number[:2]}/{number[2:8]}-{number[8:]}"


def _itau_account(beneficiary: "Beneficiary") -> tuple:
    """Itaú: "0", agency (4), blank, seven zeros, account (5), blank, the agency/account DAC
    (modulo 10 of agency and account, as the boleto's free field has it)."""
    account = beneficiary.account
    agency, number = digits(account.agency) or "", digits(account.account) or ""
    if len(agency) != 4 or not 1 <= len(number) <= 5:
        raise PaymentDataError(_("An Itaú agency has 4 digits and its account 5."), field="account")
    number = number.zfill(5)
    return (
        (1, NUMBER, 0), (4, NUMBER, agency), (1, TEXT, ""), (7, NUMBER, 0), (5, NUMBER, number), (1, TEXT, ""),
        (1, NUMBER, modulo10(agency + number)),
    )


def _itau_title_id(boleto: Boleto, account: CollectionAccount) -> str:
    """Itaú 038-057: wallet (3), nosso número (8), its DAC, then blanks."""
    wallet, rest = boleto.nosso_numero.split("/")
    number, digit = rest.split("-")
    return (wallet + number + digit).ljust(20)


def _itau_nosso_numero(title_id: str) -> str:
    """Itaú 13.3T: wallet (3), nosso número (8), its DAC."""
    return f"{title_id[:3]}/{title_id[3:11]}-{title_id[11]}"


def _bb_agreement(account: CollectionAccount) -> str:
    """BB 033-052: convênio (9), "0014" (cobrança cedente), carteira (2), its variação (3), blanks."""
    agreement = digits(account.agreement) or ""
    if not agreement or len(agreement) > 9:
        raise PaymentDataError(_("A Banco do Brasil agreement (convênio) has 4, 6 or 7 digits."), field="agreement")
    if len(account.variation) != 3:
        raise PaymentDataError(
            _("Banco do Brasil registers boletos under the wallet's variation: write the wallet with it, "
              "17 and 019 as 17019."),
            field="wallet",
        )
    return agreement.zfill(9) + "0014" + account.wallet.zfill(2) + account.variation + "  "


def _bb_title_id(boleto: Boleto, account: CollectionAccount) -> str:
    """BB 038-057: the nosso número as printed, left-aligned: 17 digits (a 7-digit convênio), or
    11 and its check digit."""
    return boleto.nosso_numero.replace("-", "").ljust(20)


def _bb_nosso_numero(title_id: str) -> str:
    number = title_id.strip()
    return number if len(number) == 17 else f"{number[:-1]}-{number[-1]}"


# BB C006: 1 for wallets 11 and 12 (simple), 7 for wallet 17 (simple), 3 for 31, 4 for 51.
BB_WALLET_CODES = {"11": "1", "12": "1", "17": "7", "31": "3", "51": "4"}


def _title_kind(wallet_code: str) -> tuple:
    return (1, NUMBER, wallet_code), (1, NUMBER, 1), (1, TEXT, "1"), (1, NUMBER, 2), (1, TEXT, "2")


def _bb_title_kind(account: CollectionAccount) -> tuple:
    code = BB_WALLET_CODES.get(account.wallet.zfill(2))
    if code is None:
        raise PaymentDataError(
            _("Banco do Brasil remittances are written for wallets %(wallets)s.")
            % {"wallets": ", ".join(BB_WALLET_CODES)},
            field="wallet",
        )
    return _title_kind(code)


# Itaú's species (note 13) for FEBRABAN's (C015): duplicata mercantil 01, de serviço 08, recibo 05.
ITAU_SPECIES = {"02": "01", "04": "08", "17": "05", "99": "99"}

_BANKS = {
    "bradesco": _Bank("BRADESCO", "084", "042", "06250", lambda account: (digits(account.agreement) or "").zfill(20),
                      _bradesco_title_id, _bradesco_nosso_numero),
    "sicredi": _Bank("SICREDI", "081", "040", "01600", lambda account: "", _sicredi_title_id, _sicredi_nosso_numero),
    "bb": _Bank(
        "BANCO DO BRASIL S.A.", "084", "042", "01600", _bb_agreement, _bb_title_id, _bb_nosso_numero,
        title_kind=_bb_title_kind,
        # 224-227: not read by BB (the convênio's write-off applies), zeros.
        write_off=lambda days: ((1, NUMBER, 0), (3, NUMBER, 0), (2, NUMBER, 9), (10, NUMBER, 0), (1, TEXT, "")),
    ),
    "itau": _Bank(
        "BANCO ITAU SA", "040", "030", "00000", lambda account: "", _itau_title_id, _itau_nosso_numero,
        account_fields=_itau_account, title_kind=lambda account: ((5, NUMBER, 0),), document_width=10,
        species=ITAU_SPECIES, file_reserved=((54, TEXT, ""), (3, NUMBER, 0), (12, TEXT, "")),
        # 224-240: no write-off instruction (Itaú's own term), zeros to 239.
        write_off=lambda days: ((1, NUMBER, 0), (2, NUMBER, 0), (13, NUMBER, 0), (1, TEXT, "")),
        name_width=30, batch_reserved="00", trailer_totals=True,
    ),
}


# --- Writing records ------------------------------------------------------------------------


def _record(*fields: tuple[int, str, object]) -> str:
    """One 240-character line from (width, kind, value) in order: numbers right-aligned and
    zero-filled, text folded to uppercase ASCII, left-aligned and blank-filled (cut to fit)."""
    parts = []
    for width, kind, value in fields:
        if kind == NUMBER:
            text = str(value).zfill(width)
            if len(text) != width or not text.isdigit():
                raise ValueError(f"{value!r} does not fit a {width}-digit CNAB field")
        else:
            text = ascii_text(str(value)).upper()[:width].ljust(width)
        parts.append(text)
    line = "".join(parts)
    if len(line) != LINE_LENGTH:
        raise ValueError(f"A CNAB 240 record has 240 characters, not {len(line)}")
    return line


def _date(day: date | None) -> str:
    return day.strftime("%d%m%Y") if day else "0" * 8


def _centavos(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def _document(document: str, field: str) -> tuple[str, str]:
    """(G005 kind, G006 number): "1" for a CPF's 11 digits, "2" for a CNPJ's 14."""
    number = digits(document) or ""
    if len(number) not in (11, 14):
        raise PaymentDataError(_("A CPF has 11 digits and a CNPJ 14."), field=field)
    return ("1" if len(number) == 11 else "2"), number


def _company(beneficiary: Beneficiary, bank: _Bank) -> tuple[tuple[int, str, object], ...]:
    """Agreement, agency, account and their digits, as the headers write them (07.0-12.0)."""
    return ((20, TEXT, bank.agreement(beneficiary.account)), *bank.account_fields(beneficiary))


def _file_header(code: str, bank: _Bank, beneficiary: Beneficiary, file_number: int, created_at: datetime) -> str:
    kind, number = _document(beneficiary.document, "document")
    return _record(
        (3, NUMBER, code), (4, NUMBER, 0), (1, NUMBER, 0), (9, TEXT, ""),  # 001-017
        (1, NUMBER, kind), (14, NUMBER, number),  # 018-032
        *_company(beneficiary, bank),  # 033-072
        (30, TEXT, beneficiary.name), (30, TEXT, bank.name), (10, TEXT, ""),  # 073-142
        (1, NUMBER, 1), (8, NUMBER, created_at.strftime("%d%m%Y")), (6, NUMBER, created_at.strftime("%H%M%S")),
        (6, NUMBER, file_number), (3, NUMBER, bank.file_layout), (5, NUMBER, bank.density),  # 143-171
        *bank.file_reserved,  # 172-240
    )


def _batch_header(code: str, bank: _Bank, beneficiary: Beneficiary, file_number: int, created_at: datetime) -> str:
    kind, number = _document(beneficiary.document, "document")
    return _record(
        (3, NUMBER, code), (4, NUMBER, 1), (1, NUMBER, 1), (1, TEXT, "R"), (2, NUMBER, 1),
        (2, TEXT, bank.batch_reserved),  # 001-013
        (3, NUMBER, bank.batch_layout), (1, TEXT, ""), (1, NUMBER, kind), (15, NUMBER, number),  # 014-033
        *_company(beneficiary, bank),  # 034-073
        (30, TEXT, beneficiary.name), (40, TEXT, ""), (40, TEXT, ""),  # 074-183
        (8, NUMBER, file_number), (8, NUMBER, created_at.strftime("%d%m%Y")), (8, NUMBER, 0), (33, TEXT, ""),
    )


def _detail_start(code: str, sequence: int, segment: str) -> tuple[tuple[int, str, object], ...]:
    """001-017 of every detail: bank, batch 1, record 3, its number, segment, movement 01 (entry)."""
    return (
        (3, NUMBER, code), (4, NUMBER, 1), (1, NUMBER, 3), (5, NUMBER, sequence), (1, TEXT, segment), (1, TEXT, ""),
        (2, NUMBER, 1),
    )


def _segment_p(code: str, bank: _Bank, beneficiary: Beneficiary, charge: Charge, boleto: Boleto, sequence: int,
               write_off_days: int) -> str:
    interest = charge.interest_per_day > 0
    discount = charge.discount > 0
    return _record(
        *_detail_start(code, sequence, "P"),
        *bank.account_fields(beneficiary),  # 018-037
        (20, TEXT, bank.title_id(boleto, beneficiary.account)),  # 038-057
        *bank.title_kind(beneficiary.account),  # 058-062
        (bank.document_width, TEXT, charge.document_number[-bank.document_width:]),
        (15 - bank.document_width, TEXT, ""), (8, NUMBER, _date(charge.due_date)),  # 063-085
        (15, NUMBER, _centavos(charge.amount)), (5, NUMBER, 0), (1, TEXT, ""),  # 086-106
        (2, NUMBER, (bank.species or {}).get(charge.species, charge.species)), (1, TEXT, "N"),
        (8, NUMBER, _date(charge.issue_date)),  # 107-117
        (1, NUMBER, 1 if interest else 3), (8, NUMBER, _date(charge.due_date + timedelta(days=1)) if interest else 0),
        (15, NUMBER, _centavos(charge.interest_per_day)),  # 118-141
        (1, NUMBER, 1 if discount else 0), (8, NUMBER, _date(charge.discount_until) if discount else 0),
        (15, NUMBER, _centavos(charge.discount)),  # 142-165
        (15, NUMBER, 0), (15, NUMBER, 0), (25, TEXT, charge.reference),  # 166-220: IOF, rebate, reference
        (1, NUMBER, 3), (2, NUMBER, 0),  # 221-223: no protest
        # 224-240: written off and returned `write_off_days` after the due date, reais, no credit
        # contract (FEBRABAN's; BB's and Itaú's their own)
        *bank.write_off(write_off_days),
    )


def _segment_q(code: str, bank: _Bank, charge: Charge, sequence: int) -> str:
    payer = charge.payer
    kind, number = _document(payer.document, "payer_document")
    zip_code = digits(payer.zip_code) or ""
    if len(zip_code) != 8:
        raise PaymentDataError(_("A CEP has 8 digits."), field="payer_zip_code")
    return _record(
        *_detail_start(code, sequence, "Q"),
        (1, NUMBER, kind), (15, NUMBER, number),  # 018-033
        (bank.name_width, TEXT, payer.name), (40 - bank.name_width, TEXT, ""), (40, TEXT, payer.address),  # 034-113
        (15, TEXT, payer.district), (5, NUMBER, zip_code[:5]), (3, NUMBER, zip_code[5:]),  # 114-136
        (15, TEXT, payer.city), (2, TEXT, payer.state),  # 137-153
        (1, NUMBER, 0), (15, NUMBER, 0), (40, TEXT, ""),  # 154-209: no guarantor (sacador/avalista)
        (3, NUMBER, 0), (20, TEXT, ""), (8, TEXT, ""),  # 210-240: no correspondent bank
    )


def _segment_r(code: str, charge: Charge, sequence: int) -> str:
    """The fine (G073 "2", a percentage) from the day after the due date; no further discounts."""
    return _record(
        *_detail_start(code, sequence, "R"),
        (1, NUMBER, 0), (8, NUMBER, 0), (15, NUMBER, 0), (1, NUMBER, 0), (8, NUMBER, 0), (15, NUMBER, 0),  # 018-065
        (1, TEXT, "2"), (8, NUMBER, _date(charge.due_date + timedelta(days=1))),
        (15, NUMBER, _centavos(charge.fine_percent)),  # 066-089
        (10, TEXT, ""), (40, TEXT, ""), (40, TEXT, ""), (20, TEXT, ""),  # 090-199
        (8, NUMBER, 0), (3, NUMBER, 0), (5, NUMBER, 0), (1, TEXT, ""), (12, NUMBER, 0), (1, TEXT, ""),
        (1, TEXT, ""), (1, NUMBER, 0), (9, TEXT, ""),  # 200-240: no automatic debit
    )


def remittance_build(beneficiary: Beneficiary, charges: list[Charge], *, file_number: int, created_at: datetime,
                     write_off_days: int = 60) -> bytes:
    """The remittance registering `charges`: one batch, segments P and Q for each boleto, R when
    it has a fine. `file_number` is the file's sequence (NSA, G018), one more for every file sent
    to the bank; `write_off_days` after the due date an unpaid boleto is written off."""
    account = beneficiary.account
    if account.bank not in _BANKS:
        raise PaymentDataError(_("Remittance files are written for Banco do Brasil, Itaú, Bradesco and Sicredi."),
                               field="bank")
    if not charges:
        raise PaymentDataError(_("A remittance file needs at least one boleto."), field="charges")
    bank, code = _BANKS[account.bank], BANK_CODES[account.bank]
    lines = [_file_header(code, bank, beneficiary, file_number, created_at),
             _batch_header(code, bank, beneficiary, file_number, created_at)]
    for charge in charges:
        boleto = boleto_build(account, sequence=charge.sequence, due_date=charge.due_date, amount=charge.amount)
        lines.append(_segment_p(code, bank, beneficiary, charge, boleto, len(lines) - 1, write_off_days))
        lines.append(_segment_q(code, bank, charge, len(lines) - 1))
        if charge.fine_percent > 0:
            lines.append(_segment_r(code, charge, len(lines) - 1))
    # C070-C071: the return's totals; Itaú's remittance states its own count and total (24-46).
    total = sum(_centavos(charge.amount) for charge in charges) if bank.trailer_totals else 0
    lines.append(_record((3, NUMBER, code), (4, NUMBER, 1), (1, NUMBER, 5), (9, TEXT, ""), (6, NUMBER, len(lines)),
                         (6, NUMBER, len(charges) if bank.trailer_totals else 0), (17, NUMBER, total),
                         (69, NUMBER, 0), (8, TEXT, ""), (117, TEXT, "")))
    lines.append(_record((3, NUMBER, code), (4, NUMBER, 9999), (1, NUMBER, 9), (9, TEXT, ""), (6, NUMBER, 1),
                         (6, NUMBER, len(lines) + 1), (6, NUMBER, 0), (205, TEXT, "")))
    return "".join(line + "\r\n" for line in lines).encode("ascii")


# --- Reading a return -----------------------------------------------------------------------


def _field(line: str, start: int, end: int) -> str:
    """Positions `start` to `end` of a line, counted from 1 as the manuals count them."""
    return line[start - 1:end]


class _Reader:
    """The return's lines with their numbers, and the number readers that name the line at fault."""

    def __init__(self, content: bytes | str):
        text = content.decode("latin-1") if isinstance(content, bytes) else content
        self.lines = [line.rstrip("\r") for line in text.rstrip("\r\n\x1a").split("\n")]
        for number, line in enumerate(self.lines, start=1):
            if len(line) != LINE_LENGTH:
                raise PaymentDataError(
                    _("Line %(line)d has %(length)d characters; a CNAB 240 file has 240 on every line.")
                    % {"line": number, "length": len(line)},
                    field="file",
                )

    def records(self) -> Iterator[tuple[int, str]]:
        return enumerate(self.lines, start=1)

    @staticmethod
    def integer(number: int, line: str, start: int, end: int) -> int:
        text = _field(line, start, end)
        if text.strip() == "":
            return 0
        if not text.isdigit():
            raise PaymentDataError(
                _("Line %(line)d holds “%(text)s” at positions %(start)d-%(end)d, where a number belongs.")
                % {"line": number, "text": text, "start": start, "end": end},
                field="file",
            )
        return int(text)

    def amount(self, number: int, line: str, start: int, end: int) -> Decimal:
        return Decimal(self.integer(number, line, start, end)).scaleb(-2)

    def day(self, number: int, line: str, start: int, end: int) -> date | None:
        value = self.integer(number, line, start, end)
        if value == 0:
            return None
        text = f"{value:08d}"
        try:
            return date(int(text[4:]), int(text[2:4]), int(text[:2]))
        except ValueError:
            raise PaymentDataError(
                _("Line %(line)d holds %(text)s at positions %(start)d-%(end)d, which is not a date.")
                % {"line": number, "text": text, "start": start, "end": end},
                field="file",
            ) from None


def _malformed(number: int, message: str) -> PaymentDataError:
    return PaymentDataError(message % {"line": number}, field="file")


def _return_item(reader: _Reader, bank: _Bank, t: tuple[int, str], u: tuple[int, str]) -> ReturnItem:
    (t_number, t_line), (u_number, u_line) = t, u
    amount = reader.amount
    reasons = _field(t_line, 214, 223)
    return ReturnItem(
        nosso_numero=bank.nosso_numero(_field(t_line, 38, 57)),
        occurrence=_field(t_line, 16, 17),
        reasons=tuple(code for code in (reasons[i:i + 2] for i in range(0, 10, 2)) if code.strip("0 ")),
        document_number=_field(t_line, 59, 73).strip(),
        reference=_field(t_line, 106, 130).strip(),
        due_date=reader.day(t_number, t_line, 74, 81),
        amount=amount(t_number, t_line, 82, 96),
        fees=amount(t_number, t_line, 199, 213),
        interest=amount(u_number, u_line, 18, 32),
        discount=amount(u_number, u_line, 33, 47),
        rebate=amount(u_number, u_line, 48, 62),
        iof=amount(u_number, u_line, 63, 77),
        amount_paid=amount(u_number, u_line, 78, 92),
        net_credit=amount(u_number, u_line, 93, 107),
        other_expenses=amount(u_number, u_line, 108, 122),
        occurred_on=reader.day(u_number, u_line, 138, 145),
        credited_on=reader.day(u_number, u_line, 146, 153),
    )


def return_parse(content: bytes | str) -> ReturnFile:
    """Read a bank's return file: for each boleto, its nosso número (as the bank prints it), the
    movement code (C044: "06" paid, "02" entry confirmed, ...), rejection reasons, amounts and
    dates. Segments other than T and U are skipped. PaymentDataError names the line at fault."""
    reader = _Reader(content)
    lines = reader.lines
    header = lines[0]
    if _field(header, 8, 8) != "0" or _field(header, 143, 143) != "2":
        raise _malformed(1, _("Line %(line)d is not the header of a return file."))
    bank_slug = BANKS_BY_CODE.get(_field(header, 1, 3))
    if bank_slug not in _BANKS:
        raise PaymentDataError(_("Return files are read from Banco do Brasil, Itaú, Bradesco and Sicredi only."),
                               field="file")
    bank = _BANKS[bank_slug]
    items, batch_start, pending_t = [], None, None
    for number, line in reader.records():
        kind = _field(line, 8, 8)
        if kind == "1":
            batch_start = number
        elif kind == "3" and batch_start:
            segment = _field(line, 14, 14)
            if pending_t and segment != "U":
                raise _malformed(number, _("Line %(line)d should be the segment U of the segment T before it."))
            if segment == "T":
                pending_t = (number, line)
            elif segment == "U":
                if not pending_t:
                    raise _malformed(number, _("Line %(line)d is a segment U without its segment T."))
                items.append(_return_item(reader, bank, pending_t, (number, line)))
                pending_t = None
        elif kind == "5" and batch_start:
            if pending_t:
                raise _malformed(number, _("Line %(line)d should be the segment U of the segment T before it."))
            if reader.integer(number, line, 18, 23) != number - batch_start + 1:
                raise _malformed(number, _("Line %(line)d, a batch trailer, counts other records than its batch has."))
            batch_start = None
        elif kind == "9":
            if number != len(lines) or reader.integer(number, line, 24, 29) != len(lines):
                raise _malformed(number, _("Line %(line)d, the file trailer, counts other records than the file has."))
        elif number != 1:
            raise _malformed(number, _("Line %(line)d is not a record of a CNAB 240 return file."))
    if _field(lines[-1], 8, 8) != "9":
        raise _malformed(len(lines), _("The file ends at line %(line)d without its trailer."))
    return ReturnFile(
        bank=bank_slug, file_number=reader.integer(1, header, 158, 163), created_on=reader.day(1, header, 144, 151),
        items=tuple(items),
    )

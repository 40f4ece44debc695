"""Boletos against the banks' own manuals: their published barcodes, digitable lines, check-digit
examples and due-date factor tables, reproduced digit for digit."""

import random
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from modules.invoicing.brazil.boleto import (
    CollectionAccount,
    barcode_check_digit,
    barcode_svg,
    boleto_build,
    boleto_read,
    digitable_line,
    due_date_factor,
    due_date_of_factor,
    modulo10,
)
from modules.invoicing.brazil.common import PaymentDataError


def factor_date(factor: int) -> date:
    """The date of a pre-2025 factor, as the manuals count it: days since 7 October 1997."""
    return date(1997, 10, 7) + timedelta(days=factor)


# --- Published samples ----------------------------------------------------------------------

PUBLISHED = [
    pytest.param(  # Banco do Brasil, "Especificações Técnicas para Confecção de Bloqueto de Cobrança" (2011),
        # annexes 7 and 10: agreement 050094 (6 digits), nosso número 05009401448-1 (annex 9's example).
        CollectionAccount("bb", agency="1606", account="06809350", wallet="31", agreement="050094"),
        "01448", factor_date(3737), Decimal("1.00"),
        "00193373700000001000500940144816060680935031", "00190.50095 40144.816069 06809.350314 3 37370000000100",
        "05009401448-1", id="bb-annex-10",
    ),
    pytest.param(  # Itaú, "Cobrança CNAB 400" (2012), annexes 2 and 3: 01/05/2002, R$ 123,45, 110/12345678-8,
        # agency/account 0057/12345-7.
        CollectionAccount("itau", agency="0057", account="12345", wallet="110"),
        "12345678", date(2002, 5, 1), Decimal("123.45"),
        "34196166700000123451101234567880057123457000", "34191.10121 34567.880058 71234.570001 6 16670000012345",
        "110/12345678-8", id="itau-annex-2",
    ),
    pytest.param(  # Bradesco, "Layout da Cobrança Bradesco" 4008_0008 v05, "Montagem dos Dados para Composição da
        # Linha Digitável": agency 0031, wallet 04, factor 1001, no amount.
        CollectionAccount("bradesco", agency="0031", account="0095279", wallet="04"),
        "00317720028", factor_date(1001), Decimal("0"),
        "23797100100000000000031040031772002800952790", "23790.03102 40031.772003 28009.527905 7 10010000000000",
        "04/00317720028-3", id="bradesco-layout",
    ),
    pytest.param(  # Sicredi, "Manual do Beneficiário" (2014), 10.7.2 and 10.8.3: cooperative 0165, post 02,
        # beneficiary 00623, unregistered wallet, nosso número 07/200003-1, factor 3726, R$ 150,35.
        CollectionAccount("sicredi", agency="0165.02", wallet="31", agreement="00623"),
        "07200003", factor_date(3726), Decimal("150.35"),
        "74891372600000150353107200003101650200623101", "74893.10727 00003.101656 02006.231019 1 37260000015035",
        "07/200003-1", id="sicredi-10.7.2",
    ),
]


@pytest.mark.parametrize("account, sequence, due, amount, barcode, line, nosso_numero", PUBLISHED)
def test_the_manuals_boletos_are_reproduced(account, sequence, due, amount, barcode, line, nosso_numero):
    boleto = boleto_build(account, sequence=sequence, due_date=due, amount=amount)

    assert boleto.barcode == barcode
    assert boleto.digitable_line == line
    assert boleto.nosso_numero == nosso_numero


@pytest.mark.parametrize("account, sequence, due, amount, barcode, line, nosso_numero", PUBLISHED)
def test_the_manuals_lines_read_back(account, sequence, due, amount, barcode, line, nosso_numero):
    read = boleto_read(line, today=due)

    assert (read.barcode, read.amount, read.due_date, read.bank) == (barcode, amount, due, account.bank)


def test_a_seven_digit_bb_agreement_follows_annex_ix():
    """BB's "Bloqueto de Cobrança" layout, item 12-III, shows the fields of a 7-digit agreement's
    barcode: factor 2409, R$ 0,10, six zeros, agreement 1000004, complement 0000026780, wallet 17."""
    account = CollectionAccount("bb", agency="1234", account="99999", wallet="17", agreement="1000004")

    boleto = boleto_build(account, sequence="26780", due_date=factor_date(2409), amount=Decimal("0.10"))

    assert boleto.barcode[:4] + boleto.barcode[5:] == "0019" + "2409" + "0000000010" + "000000" + "1000004" \
        + "0000026780" + "17"
    assert boleto.nosso_numero == "10000040000026780"  # 17 digits, no check digit
    assert boleto.barcode[4] == barcode_check_digit(boleto.barcode[:4] + boleto.barcode[5:])


def test_a_seven_digit_bb_agreement_matches_an_independent_implementation():
    """brcobranca's fixture for agreement 1238798, nosso número 7777700168, R$ 135,00 on 03/02/2008."""
    account = CollectionAccount("bb", agency="4042", account="61900", wallet="18", agreement="1238798")

    boleto = boleto_build(account, sequence="7777700168", due_date=date(2008, 2, 3), amount=Decimal("135.00"))

    assert boleto.barcode == "00193377100000135000000001238798777770016818"
    assert boleto.digitable_line == "00190.00009 01238.798779 77700.168188 3 37710000013500"


@pytest.mark.parametrize("without_digit, digit", [
    ("0019" + "3737" + "0000000100" + "05009401448" + "1606" + "06809350" + "31", "3"),  # BB annex 10: 712, rest 8
    ("3419" + "1667" + "0000012345" + "110123456788" + "0057123457" + "000", "6"),  # Itaú annex 2: 742, rest 5
    ("9999" + "1012" + "0000035000" + "7772130530150081897500000", "1"),  # Bradesco 1.4.1: 692, rest 10
])
def test_the_general_check_digit_follows_the_manuals_examples(without_digit, digit):
    assert barcode_check_digit(without_digit) == digit


@pytest.mark.parametrize("number, digit", [
    ("29004590", 5),  # BB item 10: sum 25, digit 5
    ("341911012", 1), ("3456788005", 8), ("7123457000", 1),  # Itaú annex 3
    ("237900310", 2), ("4003177200", 3), ("2800952790", 5),  # Bradesco, "Cálculo dos DAC"
    ("999977721", 3),  # Bradesco 2.3
    ("00577219219898712345", 1),  # Itaú note 23: 0057/72192, wallet 198, 98712345 → DAC 1
])
def test_modulo_10_follows_the_manuals_examples(number, digit):
    assert modulo10(number) == digit


@pytest.mark.parametrize("agreement, sequence, printed", [
    ("011290", "04590", "01129004590-3"),  # BB, "Cálculo D.V. Módulo 11": 179, rest 3
    ("050094", "01448", "05009401448-1"),  # BB annex 9: 221, rest 1
])
def test_bb_nosso_numero_digits_follow_the_manual(agreement, sequence, printed):
    account = CollectionAccount("bb", agency="1606", account="1", wallet="18", agreement=agreement)

    boleto = boleto_build(account, sequence=sequence, due_date=date(2026, 1, 5), amount=Decimal(1))

    assert boleto.nosso_numero == printed


@pytest.mark.parametrize("sequence, printed", [
    ("2", "19/00000000002-8"), ("1", "19/00000000001-P"), ("6", "19/00000000006-0"),
])
def test_bradesco_nosso_numero_digits_follow_the_manual(sequence, printed):
    """Layout 4008_0008, "Dígito de auto-conferência do Nosso Número": remainders 3, 1 (P) and 0."""
    account = CollectionAccount("bradesco", agency="1234", account="1234567", wallet="19")

    boleto = boleto_build(account, sequence=sequence, due_date=date(2026, 1, 5), amount=Decimal(1))

    assert boleto.nosso_numero == printed


# --- The due-date factor --------------------------------------------------------------------

FACTORS = [  # BB's specification (January 2016), annex IV, and Bradesco's 1.4.2.1
    (date(2000, 7, 3), "1000"), (date(2000, 7, 4), "1001"), (date(2000, 7, 5), "1002"), (date(2002, 5, 1), "1667"),
    (date(2010, 11, 17), "4789"), (date(2025, 2, 21), "9999"), (date(2025, 2, 22), "1000"), (date(2025, 2, 23), "1001"),
]


@pytest.mark.parametrize("due, factor", FACTORS)
def test_the_factor_table_of_the_manuals(due, factor):
    assert due_date_factor(due) == factor
    assert due_date_of_factor(factor, today=due) == due


def test_the_factor_restarts_on_22_february_2025_and_again_in_2049():
    assert [due_date_factor(date(2025, 2, 21) + timedelta(days=n)) for n in range(3)] == ["9999", "1000", "1001"]
    assert due_date_factor(date(2049, 10, 13)) == "9999"
    assert due_date_factor(date(2049, 10, 14)) == "1000"


def test_a_factor_reads_as_the_date_in_the_payable_window():
    """1000 was 3 July 2000 and is 22 February 2025 again: read today, it is the 2025 date; read in
    2001 it was the 2000 one. A factor whose dates all lie outside the window cannot be paid."""
    assert due_date_of_factor("1000", today=date(2025, 2, 20)) == date(2025, 2, 22)
    assert due_date_of_factor("1000", today=date(2001, 1, 1)) == date(2000, 7, 3)
    assert due_date_of_factor("9999", today=date(2025, 3, 1)) == date(2025, 2, 21)
    with pytest.raises(PaymentDataError):
        due_date_of_factor("1000", today=date(2010, 1, 1))  # 3,469 days after one, 5,531 before the other


@pytest.mark.parametrize("due", [date(2025, 2, 21), date(2025, 2, 22)])
def test_boletos_due_on_either_side_of_the_reset_read_back(due):
    account = CollectionAccount("itau", agency="0057", account="12345", wallet="109")
    boleto = boleto_build(account, sequence="1", due_date=due, amount=Decimal("10.00"))

    assert boleto_read(boleto.barcode, today=date(2025, 2, 1)).due_date == due


def test_a_due_date_before_factors_began_is_refused():
    with pytest.raises(PaymentDataError) as refused:
        due_date_factor(date(2000, 7, 2))

    assert refused.value.field == "due_date"


# --- Round trips and mistakes ---------------------------------------------------------------

ACCOUNTS = [
    CollectionAccount("bb", agency="1234", account="5678", wallet="17", agreement="1234567"),
    CollectionAccount("bb", agency="1234", account="5678", wallet="17", agreement="123456"),
    CollectionAccount("itau", agency="0057", account="12345", wallet="109"),
    CollectionAccount("itau", agency="0057", account="12345", wallet="126"),
    CollectionAccount("bradesco", agency="3381", account="1234567", wallet="09"),
    CollectionAccount("sicredi", agency="0165.02", wallet="11", agreement="00623"),
]


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda account: f"{account.bank}-{account.wallet}")
def test_boletos_read_back_as_they_were_built(account):
    rng = random.Random(account.bank + account.wallet)
    for _ in range(200):
        due = date(2024, 1, 1) + timedelta(days=rng.randint(0, 2000))
        amount = Decimal(rng.randint(1, 9_999_999_999)).scaleb(-2)
        sequence = "25" + str(rng.randint(2, 9)) + str(rng.randint(0, 99999)).zfill(5) if account.bank == "sicredi" \
            else str(rng.randint(1, 99999))
        boleto = boleto_build(account, sequence=sequence, due_date=due, amount=amount)

        assert re.fullmatch(r"\d{5}\.\d{5} \d{5}\.\d{6} \d{5}\.\d{6} \d \d{14}", boleto.digitable_line)
        for code in (boleto.barcode, boleto.digitable_line, boleto.digitable_line.replace(" ", "").replace(".", "")):
            read = boleto_read(code, today=date(2025, 6, 1))
            assert (read.barcode, read.due_date, read.amount) == (boleto.barcode, due, amount)


def test_a_wrong_field_check_digit_is_named():
    line = PUBLISHED[1].values[5]  # Itaú's 34191.10121 34567.880058 71234.570001 6 16670000012345
    for field, position in ((1, 10), (2, 23), (3, 36)):
        wrong = line[:position] + str((int(line[position]) + 1) % 10) + line[position + 1:]

        with pytest.raises(PaymentDataError, match=f"Field {field} of the digitable line"):
            boleto_read(wrong, today=date(2002, 5, 1))


def test_a_mistyped_digit_breaks_the_general_check_digit():
    barcode = "34196166700000123451101234567880057123457000"
    for position in (0, 6, 15, 30, 43):
        wrong = barcode[:position] + str((int(barcode[position]) + 3) % 10) + barcode[position + 1:]

        with pytest.raises(PaymentDataError):
            boleto_read(wrong, today=date(2002, 5, 1))


@pytest.mark.parametrize("code", ["3419116670000012345", "34191.10121 34567.88005X", "", "8" * 48])
def test_codes_that_are_not_boletos_are_refused(code):
    with pytest.raises(PaymentDataError) as refused:
        boleto_read(code, today=date(2002, 5, 1))

    assert refused.value.field == "code"


def test_a_boleto_without_factor_reads_its_14_digit_amount():
    body = "0019" + "00000123456789" + "0" * 25
    barcode = body[:4] + barcode_check_digit(body) + body[4:]

    read = boleto_read(barcode, today=date(2025, 1, 1))

    assert (read.due_date, read.amount) == (None, Decimal("1234567.89"))
    assert digitable_line(barcode).endswith(" 00000123456789")


# --- Validation -----------------------------------------------------------------------------

ITAU = CollectionAccount("itau", agency="0057", account="12345", wallet="109")


@pytest.mark.parametrize("amount", [Decimal("100000000.00"), Decimal("-1"), Decimal("1.005"), Decimal("NaN")])
def test_amounts_a_boleto_cannot_carry_are_refused(amount):
    with pytest.raises(PaymentDataError) as refused:
        boleto_build(ITAU, sequence="1", due_date=date(2026, 1, 5), amount=amount)

    assert refused.value.field == "amount"


def test_the_largest_amount_fits():
    boleto = boleto_build(ITAU, sequence="1", due_date=date(2026, 1, 5), amount=Decimal("99999999.99"))

    assert boleto.barcode[9:19] == "9999999999"


def test_a_float_amount_is_a_programming_error():
    with pytest.raises(TypeError):
        boleto_build(ITAU, sequence="1", due_date=date(2026, 1, 5), amount=10.5)


@pytest.mark.parametrize("account, sequence, field", [
    (CollectionAccount("caixa", agency="1"), "1", "bank"),
    (CollectionAccount("bb", agency="1234", account="1", wallet="17", agreement="12345"), "1", "agreement"),
    (CollectionAccount("bb", agency="1234", account="1", wallet="17", agreement="1234567"), "12345678901", "sequence"),
    (CollectionAccount("itau", agency="12345", account="12345", wallet="109"), "1", "agency"),
    (CollectionAccount("itau", agency="0057", account="12345", wallet="198"), "1", "wallet"),
    (CollectionAccount("bradesco", agency="1234", account="12345678", wallet="09"), "1", "account"),
    (CollectionAccount("sicredi", agency="0165", wallet="11", agreement="00623"), "07200003", "agency"),
    (CollectionAccount("sicredi", agency="0165.02", wallet="21", agreement="00623"), "07200003", "wallet"),
    (CollectionAccount("sicredi", agency="0165.02", wallet="11", agreement="00623"), "07100003", "sequence"),
    (CollectionAccount("bradesco", agency="12a4", account="1", wallet="09"), "1", "agency"),
])
def test_bad_account_data_names_the_field(account, sequence, field):
    with pytest.raises(PaymentDataError) as refused:
        boleto_build(account, sequence=sequence, due_date=date(2026, 1, 5), amount=Decimal(1))

    assert refused.value.field == field


@pytest.mark.parametrize("language, message", [
    ("pt-br", "O valor de um boleto não pode passar de R$ 99.999.999,99."),
    ("es", "El importe de un boleto no puede superar R$ 99.999.999,99."),
])
def test_messages_speak_the_users_language(language, message):
    with translation.override(language), pytest.raises(PaymentDataError) as refused:
        boleto_build(ITAU, sequence="1", due_date=date(2026, 1, 5), amount=Decimal("100000000"))

    assert refused.value.message == message


# --- The bars -------------------------------------------------------------------------------

PATTERNS = {"00110": 0, "10001": 1, "01001": 2, "11000": 3, "00101": 4,
            "10100": 5, "01100": 6, "00011": 7, "10010": 8, "01010": 9}


def decode_interleaved_2_of_5(svg: str) -> str:
    """Read the drawn bars back: widths of bars and of the gaps between them, start and stop
    checked, each pair of digits taken from five bars and the five spaces between them."""
    bars = [(int(x), int(width)) for x, width in re.findall(r"M(\d+) 0h(\d+)v", svg)]
    widths = []
    for index, (x, width) in enumerate(bars):
        if index:
            previous_x, previous_width = bars[index - 1]
            widths.append(x - previous_x - previous_width)
        widths.append(width)
    assert widths[:4] == [1, 1, 1, 1] and widths[-3:] == [3, 1, 1]
    body = ["1" if width == 3 else "0" for width in widths[4:-3]]
    number = ""
    for start in range(0, len(body), 10):
        chunk = body[start:start + 10]
        number += str(PATTERNS["".join(chunk[0::2])]) + str(PATTERNS["".join(chunk[1::2])])
    return number


def test_the_bars_draw_the_barcode_at_febrabans_size():
    barcode = PUBLISHED[1].values[4]

    svg = barcode_svg(barcode)

    assert decode_interleaved_2_of_5(svg) == barcode
    assert 'width="103mm" height="13mm"' in svg
    assert 'viewBox="0 0 405 ' in svg  # 405 narrow modules in 103 mm: 0.254 mm each

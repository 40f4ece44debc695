"""CNAB 240 remittance and return files, field by field against FEBRABAN's layout as Bradesco
(4008-524-0339) and Sicredi (Manual CNAB 240, 2014) publish it; positions counted from 1. Banco do
Brasil's and Itaú's are test_cnab240_banks.py's."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from modules.invoicing.brazil.boleto import CollectionAccount, boleto_build
from modules.invoicing.brazil.cnab240 import Beneficiary, Charge, Payer, remittance_build, return_parse
from modules.invoicing.brazil.common import PaymentDataError

BRADESCO = CollectionAccount("bradesco", agency="3381", account="1234567", wallet="09", agreement="4567890")
SICREDI = CollectionAccount("sicredi", agency="0165.02", account="12345", wallet="11", agreement="00623")
PAYER = Payer("José da Conceição", "529.982.247-25", "Rua das Flores, 123", "Centro", "01001-000", "São Paulo", "SP")
CREATED = datetime(2025, 11, 13, 10, 30, 5)


def at(line: str, start: int, end: int) -> str:
    return line[start - 1:end]


def charge(**overrides) -> Charge:
    values = dict(sequence="123", due_date=date(2025, 12, 15), amount=Decimal("5999.00"), issue_date=date(2025, 11, 13),
                  document_number="NF-456", payer=PAYER, reference="INV-456")
    return Charge(**(values | overrides))


def bradesco_remittance() -> list[str]:
    beneficiary = Beneficiary("Padaria São José Ltda", "11.222.333/0001-81", BRADESCO, agency_digit="0",
                              account_digit="2")
    charges = [charge(interest_per_day=Decimal("1.97"), fine_percent=Decimal("2.00")),
               charge(sequence="124", amount=Decimal("10.50"), document_number="NF-457", reference="INV-457",
                      species="04", discount=Decimal("0.50"), discount_until=date(2025, 12, 10))]
    content = remittance_build(beneficiary, charges, file_number=7, created_at=CREATED)
    assert content.endswith(b"\r\n")
    return content.decode("ascii").split("\r\n")[:-1]


def test_every_line_has_240_characters_and_the_records_come_in_order():
    lines = bradesco_remittance()

    assert all(len(line) == 240 for line in lines)
    assert [at(line, 8, 8) + (at(line, 14, 14) if at(line, 8, 8) == "3" else "") for line in lines] == [
        "0", "1", "3P", "3Q", "3R", "3P", "3Q", "5", "9"]


def test_the_file_header():
    header = bradesco_remittance()[0]

    assert at(header, 1, 3) == "237"  # G001
    assert at(header, 4, 7) == "0000" and at(header, 9, 17) == " " * 9
    assert at(header, 18, 18) == "2" and at(header, 19, 32) == "11222333000181"  # G005, G006: a CNPJ
    assert at(header, 33, 52) == "00000000000004567890"  # G007: Bradesco's agreement code
    assert at(header, 53, 57) == "03381" and at(header, 58, 58) == "0"  # G008, G009
    assert at(header, 59, 70) == "000001234567" and at(header, 71, 71) == "2" and at(header, 72, 72) == " "
    assert at(header, 73, 102) == "PADARIA SAO JOSE LTDA".ljust(30)  # G013: uppercase, no accents
    assert at(header, 103, 132) == "BRADESCO".ljust(30)
    assert at(header, 133, 142) == " " * 10
    assert at(header, 143, 143) == "1"  # G015: remittance
    assert at(header, 144, 151) == "13112025" and at(header, 152, 157) == "103005"  # G016, G017
    assert at(header, 158, 163) == "000007"  # G018: the file's sequence
    assert at(header, 164, 166) == "084" and at(header, 167, 171) == "06250"  # G019, G020
    assert at(header, 172, 240) == " " * 69


def test_the_batch_header():
    batch = bradesco_remittance()[1]

    assert at(batch, 1, 8) == "23700011"
    assert at(batch, 9, 9) == "R" and at(batch, 10, 11) == "01"  # G028 remittance, G025 cobrança
    assert at(batch, 12, 13) == "  " and at(batch, 14, 16) == "042" and at(batch, 17, 17) == " "  # G030
    assert at(batch, 18, 18) == "2" and at(batch, 19, 33) == "011222333000181"
    assert at(batch, 34, 53) == "00000000000004567890"
    assert at(batch, 54, 58) == "03381" and at(batch, 59, 59) == "0"
    assert at(batch, 60, 71) == "000001234567" and at(batch, 72, 72) == "2" and at(batch, 73, 73) == " "
    assert at(batch, 74, 103) == "PADARIA SAO JOSE LTDA".ljust(30)
    assert at(batch, 104, 183) == " " * 80  # messages 1 and 2
    assert at(batch, 184, 191) == "00000007" and at(batch, 192, 199) == "13112025" and at(batch, 200, 207) == "0" * 8
    assert at(batch, 208, 240) == " " * 33


def test_segment_p():
    p = bradesco_remittance()[2]
    boleto = boleto_build(BRADESCO, sequence="123", due_date=date(2025, 12, 15), amount=Decimal("5999.00"))

    assert at(p, 1, 13) == "2370001300001" and at(p, 14, 14) == "P" and at(p, 15, 15) == " "
    assert at(p, 16, 17) == "01"  # C004: entry
    assert at(p, 18, 22) == "03381" and at(p, 23, 23) == "0" and at(p, 24, 35) == "000001234567"
    assert at(p, 36, 36) == "2" and at(p, 37, 37) == " "
    assert at(p, 38, 57) == "009" + "00000" + "00000000123" + boleto.nosso_numero[-1]  # Bradesco's 13.3P
    assert at(p, 58, 62) == "11122"  # C006 simple, C007 registered, C008 traditional, C009/C010 beneficiary
    assert at(p, 63, 77) == "NF-456".ljust(15)  # C011
    assert at(p, 78, 85) == "15122025" and at(p, 86, 100) == "000000000599900"  # C012, G070
    assert at(p, 101, 105) == "00000" and at(p, 106, 106) == " "
    assert at(p, 107, 108) == "02" and at(p, 109, 109) == "N" and at(p, 110, 117) == "13112025"  # C015, C016, G071
    assert at(p, 118, 118) == "1" and at(p, 119, 126) == "16122025" and at(p, 127, 141) == "000000000000197"  # C018-20
    assert at(p, 142, 142) == "0" and at(p, 143, 165) == "0" * 23  # no discount
    assert at(p, 166, 195) == "0" * 30  # IOF, rebate
    assert at(p, 196, 220) == "INV-456".ljust(25)  # G072
    assert at(p, 221, 223) == "300"  # C026 no protest
    assert at(p, 224, 227) == "1060"  # C028, C029: written off 60 days after the due date
    assert at(p, 228, 229) == "09" and at(p, 230, 239) == "0" * 10 and at(p, 240, 240) == " "


def test_segment_p_with_a_discount_and_no_interest():
    p = bradesco_remittance()[5]

    assert at(p, 9, 13) == "00004" and at(p, 107, 108) == "04"
    assert at(p, 118, 141) == "3" + "0" * 23  # C018 exempt
    assert at(p, 142, 142) == "1" and at(p, 143, 150) == "10122025" and at(p, 151, 165) == "000000000000050"


def test_segment_q():
    q = bradesco_remittance()[3]

    assert at(q, 1, 17) == "2370001300002Q 01"
    assert at(q, 18, 18) == "1" and at(q, 19, 33) == "000052998224725"  # a CPF
    assert at(q, 34, 73) == "JOSE DA CONCEICAO".ljust(40)
    assert at(q, 74, 113) == "RUA DAS FLORES, 123".ljust(40)
    assert at(q, 114, 128) == "CENTRO".ljust(15)
    assert at(q, 129, 133) == "01001" and at(q, 134, 136) == "000"  # G034, G035
    assert at(q, 137, 151) == "SAO PAULO".ljust(15) and at(q, 152, 153) == "SP"
    assert at(q, 154, 169) == "0" * 16 and at(q, 170, 209) == " " * 40  # no guarantor
    assert at(q, 210, 212) == "000" and at(q, 213, 240) == " " * 28


def test_segment_r_carries_the_fine():
    r = bradesco_remittance()[4]

    assert at(r, 1, 17) == "2370001300003R 01"
    assert at(r, 18, 65) == "0" * 48  # discounts 2 and 3
    assert at(r, 66, 66) == "2" and at(r, 67, 74) == "16122025" and at(r, 75, 89) == "000000000000200"  # G073-G075
    assert at(r, 90, 199) == " " * 110


def test_the_trailers_count_the_records():
    lines = bradesco_remittance()
    batch_trailer, file_trailer = lines[-2], lines[-1]

    assert at(batch_trailer, 1, 17) == "23700015" + " " * 9
    assert at(batch_trailer, 18, 23) == "000007"  # header, 5 details, trailer
    assert at(batch_trailer, 24, 115) == "0" * 92  # C070, C071: the return's totals
    assert at(batch_trailer, 116, 240) == " " * 125
    assert at(file_trailer, 1, 17) == "23799999" + " " * 9
    assert at(file_trailer, 18, 23) == "000001" and at(file_trailer, 24, 29) == "000009"  # G049, G056
    assert at(file_trailer, 30, 35) == "000000" and at(file_trailer, 36, 240) == " " * 205


def test_a_sicredi_remittance_follows_sicredis_manual():
    beneficiary = Beneficiary("Cooperado", "529.982.247-25", SICREDI, account_digit="6")

    lines = remittance_build(beneficiary, [charge(sequence="25200001")], file_number=1,
                             created_at=CREATED).decode().split("\r\n")
    header, batch, p = lines[0], lines[1], lines[2]
    boleto = boleto_build(SICREDI, sequence="25200001", due_date=date(2025, 12, 15), amount=Decimal("5999.00"))

    assert at(header, 1, 3) == "748" and at(header, 18, 32) == "100052998224725"
    assert at(header, 33, 52) == " " * 20 and at(header, 53, 57) == "00165"  # the cooperative, without its post
    assert at(header, 103, 132) == "SICREDI".ljust(30)
    assert at(header, 164, 171) == "08101600" and at(batch, 14, 16) == "040"
    assert at(p, 38, 57) == boleto.nosso_numero.replace("/", "").replace("-", "").ljust(20)  # 13.3P: 9 digits
    assert at(p, 38, 46) == "25200001" + boleto.nosso_numero[-1]
    assert len(lines) == 7 and lines[-1] == ""


def test_remittances_refuse_what_the_bank_would_refuse():
    beneficiary = Beneficiary("Padaria", "11.222.333/0001-81", BRADESCO)
    with pytest.raises(PaymentDataError) as no_charges:
        remittance_build(beneficiary, [], file_number=1, created_at=CREATED)
    with pytest.raises(PaymentDataError) as bad_zip:
        remittance_build(beneficiary, [charge(payer=Payer("A", "52998224725", "R", "B", "123", "C", "SP"))],
                         file_number=1, created_at=CREATED)
    with pytest.raises(PaymentDataError) as bad_payer:
        remittance_build(beneficiary, [charge(payer=Payer("A", "1234", "R", "B", "01001000", "C", "SP"))],
                         file_number=1, created_at=CREATED)
    with pytest.raises(PaymentDataError) as other_bank:
        remittance_build(Beneficiary("A", "11222333000181", CollectionAccount("caixa", "1234", "1", "14", "123456")),
                         [charge()], file_number=1, created_at=CREATED)

    assert [error.value.field for error in (no_charges, bad_zip, bad_payer, other_bank)] == [
        "charges", "payer_zip_code", "payer_document", "bank"]
    assert str(other_bank.value) == "Remittance files are written for Banco do Brasil, Itaú, Bradesco and Sicredi."


# --- Returns --------------------------------------------------------------------------------


def record(*fields: tuple[int, str]) -> str:
    """A 240-character line with each value written from its position on, the rest blank."""
    line = [" "] * 240
    for start, value in fields:
        line[start - 1:start - 1 + len(value)] = value
    return "".join(line)


def return_file(bank: str, items: list[tuple[str, str]], *, batch_count: int | None = None,
                file_count: int | None = None) -> str:
    details = [line for pair in items for line in pair]
    lines = [record((1, bank + "00000"), (18, "2"), (19, "11222333000181"), (143, "2"), (144, "14122025"),
                    (152, "050000"), (158, "000042")),
             record((1, bank + "00011T01"), (14, "042"))]
    lines += details
    lines.append(record((1, bank + "00015"), (18, f"{batch_count or len(details) + 2:06d}")))
    lines.append(record((1, bank + "99999"), (18, "000001"), (24, f"{file_count or len(lines) + 1:06d}")))
    return "\r\n".join(lines) + "\r\n"


def t_u(bank: str, title_id: str, occurrence: str, *, paid: str = "0", reasons: str = "") -> tuple[str, str]:
    t = record((1, bank + "00013"), (9, "00001T"), (16, occurrence), (18, "03381"), (24, "000001234567"),
               (38, title_id), (58, "1"), (59, "NF-456"), (74, "15122025"), (82, "000000000599900"),
               (106, "INV-456"), (131, "09"), (199, "000000000000290"), (214, reasons))
    u = record((1, bank + "00013"), (9, "00002U"), (16, occurrence), (18, "000000000001200"),
               (33, "0" * 45), (78, f"{int(paid):015d}"), (93, f"{max(int(paid) - 290, 0):015d}"),
               (108, "0" * 30), (138, "12122025"), (146, "15122025" if paid != "0" else "00000000"))
    return t, u


def test_a_bradesco_return_reads_payments_and_rejections():
    content = return_file("237", [
        t_u("237", "009" + "00000" + "00000000123" + "P", "06", paid="601100"),
        t_u("237", "009" + "00000" + "00000000124" + "5", "03", reasons="0809"),
    ])

    returned = return_parse(content.encode("latin-1"))

    assert (returned.bank, returned.file_number, returned.created_on) == ("bradesco", 42, date(2025, 12, 14))
    paid, rejected = returned.items
    assert paid.nosso_numero == "09/00000000123-P" and paid.paid and paid.occurrence_label == "Settled"
    assert (paid.amount, paid.amount_paid, paid.net_credit, paid.interest, paid.fees) == (
        Decimal("5999.00"), Decimal("6011.00"), Decimal("6008.10"), Decimal("12.00"), Decimal("2.90"))
    assert (paid.due_date, paid.occurred_on, paid.credited_on) == (date(2025, 12, 15), date(2025, 12, 12),
                                                                   date(2025, 12, 15))
    assert (paid.document_number, paid.reference) == ("NF-456", "INV-456")
    assert rejected.occurrence == "03" and not rejected.paid and rejected.reasons == ("08", "09")
    assert rejected.credited_on is None and rejected.amount_paid == Decimal("0.00")


def test_itau_and_sicredi_returns_give_the_nosso_numero_as_printed():
    itau = return_parse(return_file("341", [t_u("341", "109" + "12345678" + "9", "06", paid="100")]))
    sicredi = return_parse(return_file("748", [t_u("748", "252000013", "02")]))

    assert itau.items[0].nosso_numero == "109/12345678-9"
    assert sicredi.items[0].nosso_numero == "25/200001-3"


def test_a_return_with_line_feeds_only_is_read():
    content = return_file("748", [t_u("748", "252000013", "02")]).replace("\r\n", "\n")

    assert len(return_parse(content).items) == 1


@pytest.mark.parametrize("breakage, line, message", [
    (lambda text: text.replace("NF-456", "NF-4567", 1), 3, "240"),
    (lambda text: text.replace("00002U", "00002P", 1), 4, "segment U"),
    (lambda text: text.replace("000000000001200", "0000000000012X0", 1), 4, "a number belongs"),
    (lambda text: text.replace("12122025", "32132025", 1), 4, "not a date"),
])
def test_a_malformed_return_names_the_line(breakage, line, message):
    content = breakage(return_file("237", [t_u("237", "009" + "0" * 5 + "0" * 10 + "1" + "1", "06", paid="1000")]))

    with pytest.raises(PaymentDataError, match=message) as refused:
        return_parse(content)

    assert f"Line {line}" in refused.value.message and refused.value.field == "file"


def test_trailers_that_miscount_are_refused():
    items = [t_u("237", "0" * 20, "02")]
    with pytest.raises(PaymentDataError, match="Line 5, a batch trailer"):
        return_parse(return_file("237", items, batch_count=5))
    with pytest.raises(PaymentDataError, match="Line 6, the file trailer"):
        return_parse(return_file("237", items, file_count=7))


def test_files_that_are_not_returns_are_refused():
    remittance = remittance_build(Beneficiary("A", "11222333000181", BRADESCO), [charge()], file_number=1,
                                  created_at=CREATED)
    with pytest.raises(PaymentDataError, match="Line 1 is not the header of a return file"):
        return_parse(remittance)
    with pytest.raises(PaymentDataError, match="read from Banco do Brasil, Itaú, Bradesco and Sicredi only"):
        return_parse(return_file("104", []))  # Caixa
    with pytest.raises(PaymentDataError, match="without its trailer"):
        return_parse(return_file("237", []).rsplit("\r\n", 2)[0])

"""CNAB 240 for Banco do Brasil ("Leiaute de Arquivo - Padrão CNAB 240 - Cobrança") and Itaú
("Cobrança FEBRABAN 240", May 2014), field by field where they part from FEBRABAN; and for all
four banks, a return that reports a remitted boleto gives back the nosso número it was made with.
Positions counted from 1."""

from datetime import date
from decimal import Decimal

import pytest

from modules.invoicing.brazil.boleto import CollectionAccount, boleto_build, modulo10
from modules.invoicing.brazil.cnab240 import Beneficiary, remittance_build, return_parse
from modules.invoicing.brazil.common import PaymentDataError

from .test_cnab240 import BRADESCO, CREATED, SICREDI, at, charge, return_file, t_u

BB = CollectionAccount("bb", agency="1234", account="56789", wallet="17", agreement="1234567", variation="019")
BB_SIX = CollectionAccount("bb", agency="1234", account="56789", wallet="11", agreement="123456", variation="019")
ITAU = CollectionAccount("itau", agency="0057", account="12345", wallet="109")
COMPANY = ("Padaria São José Ltda", "11.222.333/0001-81")


def remittance(account: CollectionAccount, *charges, **beneficiary) -> list[str]:
    content = remittance_build(Beneficiary(*COMPANY, account, **beneficiary), list(charges) or [charge()],
                               file_number=7, created_at=CREATED)
    lines = content.decode("ascii").split("\r\n")
    assert lines[-1] == "" and all(len(line) == 240 for line in lines[:-1])
    return lines[:-1]


def kinds(lines: list[str]) -> list[str]:
    return [at(line, 8, 8) + (at(line, 14, 14) if at(line, 8, 8) == "3" else "") for line in lines]


# --- Banco do Brasil -----------------------------------------------------------------------------


def test_bb_headers_name_the_convenio_0014_the_wallet_and_its_variation():
    header, batch = remittance(BB, agency_digit="5", account_digit="0")[:2]

    assert at(header, 1, 8) == "00100000" and at(header, 18, 32) == "211222333000181"
    assert at(header, 33, 41) == "001234567" and at(header, 42, 45) == "0014"  # convênio, cobrança cedente
    assert at(header, 46, 47) == "17" and at(header, 48, 50) == "019" and at(header, 51, 52) == "  "
    assert at(header, 53, 58) == "012345" and at(header, 59, 71) == "0000000567890" and at(header, 72, 72) == " "
    assert at(header, 103, 132) == "BANCO DO BRASIL S.A.".ljust(30)
    assert at(header, 143, 143) == "1" and at(header, 158, 163) == "000007"
    assert at(header, 164, 171) == "08401600"
    assert at(batch, 1, 17) == "00100011R01  042 " and at(batch, 34, 53) == "001234567001417019  "
    assert at(batch, 54, 73) == "012345" + "0000000567890" + " "


def test_bb_segment_p_carries_the_17_digit_nosso_numero_and_the_wallets_code():
    lines = remittance(BB, charge(fine_percent=Decimal("2.00")), agency_digit="5", account_digit="0")
    p = lines[2]
    boleto = boleto_build(BB, sequence="123", due_date=date(2025, 12, 15), amount=Decimal("5999.00"))

    assert kinds(lines) == ["0", "1", "3P", "3Q", "3R", "5", "9"]
    assert at(p, 1, 17) == "0010001300001P 01"
    assert at(p, 18, 37) == "012345" + "0000000567890" + " "
    assert at(p, 38, 57) == "12345670000000123".ljust(20) == boleto.nosso_numero.ljust(20)
    assert at(p, 58, 62) == "71122"  # C006: wallet 17 simple is 7
    assert at(p, 63, 77) == "NF-456".ljust(15) and at(p, 86, 100) == "000000000599900"
    assert at(p, 221, 227) == "3000000"  # no protest; write-off by the convênio's term
    assert at(p, 228, 229) == "09" and at(p, 230, 240) == "0" * 10 + " "


def test_bb_with_a_6_digit_convenio_writes_11_digits_and_the_check_digit():
    p = remittance(BB_SIX, charge(sequence="12"))[2]
    boleto = boleto_build(BB_SIX, sequence="12", due_date=date(2025, 12, 15), amount=Decimal("5999.00"))

    assert boleto.nosso_numero.startswith("12345600012-")
    assert at(p, 38, 57) == boleto.nosso_numero.replace("-", "").ljust(20)
    assert at(p, 58, 58) == "1"  # wallet 11, simple


def test_bb_refuses_a_wallet_without_its_variation_or_one_it_has_no_code_for():
    with pytest.raises(PaymentDataError) as no_variation:
        remittance(CollectionAccount("bb", "1234", "56789", "17", "1234567"))
    with pytest.raises(PaymentDataError) as other_wallet:
        remittance(CollectionAccount("bb", "1234", "56789", "18", "1234567", variation="019"))

    assert (no_variation.value.field, other_wallet.value.field) == ("wallet", "wallet")
    assert "17 and 019 as 17019" in str(no_variation.value)


def test_a_bb_return_reads_the_nosso_numero_as_printed():
    returned = return_parse(return_file("001", [
        t_u("001", "12345670000000123", "06", paid="599900"),
        t_u("001", "12345600012" + "7", "02"),
    ]))

    assert returned.bank == "bb"
    assert [(item.nosso_numero, item.occurrence, item.paid) for item in returned.items] == [
        ("12345670000000123", "06", True), ("12345600012-7", "02", False),
    ]
    assert returned.items[0].amount_paid == Decimal("5999.00")


# --- Itaú ----------------------------------------------------------------------------------------


def test_itau_headers_write_agency_and_account_its_way_and_no_agreement():
    lines = remittance(ITAU)
    header, batch = lines[:2]
    dac = str(modulo10("0057" + "12345"))

    assert at(header, 1, 8) == "34100000" and at(header, 33, 52) == " " * 20
    assert at(header, 53, 72) == "0" + "0057" + " " + "0000000" + "12345" + " " + dac
    assert at(header, 103, 132) == "BANCO ITAU SA".ljust(30)
    assert at(header, 164, 171) == "04000000" and at(header, 172, 225) == " " * 54
    assert at(header, 226, 228) == "000" and at(header, 229, 240) == " " * 12
    assert at(batch, 1, 17) == "34100011R0100030 " and at(batch, 34, 53) == " " * 20
    assert at(batch, 54, 73) == "0" + "0057" + " " + "0000000" + "12345" + " " + dac


def test_itau_segments_p_and_q():
    lines = remittance(ITAU, charge(document_number="INV-2026-0042", species="04"),
                       charge(sequence="124", amount=Decimal("10.50")))
    p, q = lines[2], lines[3]
    boleto = boleto_build(ITAU, sequence="123", due_date=date(2025, 12, 15), amount=Decimal("5999.00"))
    wallet, rest = boleto.nosso_numero.split("/")

    assert kinds(lines) == ["0", "1", "3P", "3Q", "3P", "3Q", "5", "9"]
    assert at(p, 18, 37) == at(lines[0], 53, 72)
    assert at(p, 38, 49) == wallet + rest.replace("-", "") and at(p, 50, 57) == " " * 8
    assert at(p, 58, 62) == "00000"
    assert at(p, 63, 72) == "-2026-0042" and at(p, 73, 77) == " " * 5  # the seu número's last 10
    assert at(p, 107, 108) == "08"  # Itaú's duplicata de serviço (FEBRABAN's 04)
    assert at(p, 221, 240) == "300" + "0" + "00" + "0" * 13 + " "
    assert at(q, 34, 63) == "JOSE DA CONCEICAO".ljust(30) and at(q, 64, 73) == " " * 10  # a name of 30
    assert at(q, 74, 113) == "RUA DAS FLORES, 123".ljust(40)
    assert at(lines[4], 107, 108) == "01"  # duplicata mercantil


def test_itaus_batch_trailer_counts_the_boletos_and_their_total():
    lines = remittance(ITAU, charge(), charge(sequence="124", amount=Decimal("10.50")))
    trailer, file_trailer = lines[-2], lines[-1]

    assert at(trailer, 18, 23) == "000006"  # header, 4 details, trailer
    assert at(trailer, 24, 29) == "000002" and at(trailer, 30, 46) == f"{600950:017d}"
    assert at(trailer, 47, 115) == "0" * 69
    assert at(file_trailer, 18, 29) == "000001000008"


def test_an_itau_account_of_the_wrong_shape_is_refused():
    with pytest.raises(PaymentDataError) as error:
        remittance(CollectionAccount("itau", agency="57", account="12345", wallet="109"))

    assert error.value.field == "account"


# --- Every bank: what goes out comes back --------------------------------------------------------


@pytest.mark.parametrize(("account", "sequence"), [
    (BB, "123"), (BB_SIX, "12"), (ITAU, "123"), (BRADESCO, "123"), (SICREDI, "25200001"),
])
def test_the_return_of_a_remitted_boleto_gives_back_its_nosso_numero(account, sequence):
    boleto = boleto_build(account, sequence=sequence, due_date=date(2025, 12, 15), amount=Decimal("5999.00"))
    p = remittance(account, charge(sequence=sequence), agency_digit="5", account_digit="0")[2]
    bank = at(p, 1, 3)

    returned = return_parse(return_file(bank, [t_u(bank, at(p, 38, 57), "06", paid="599900")]))

    assert returned.items[0].nosso_numero == boleto.nosso_numero
    assert returned.items[0].paid

"""PIX BR Codes against Banco Central's manuals: their example payloads reproduced byte for byte,
the CRC, the field limits and the keys as the DICT writes them."""

import base64
import io
from decimal import Decimal

import pytest
from django.utils import translation
from PIL import Image

from modules.invoicing.brazil.common import PaymentDataError
from modules.invoicing.brazil.pix import (
    PixKey,
    brcode_parse,
    crc16_ccitt,
    pix_dynamic_payload,
    pix_key,
    pix_static_payload,
    qr_png_data_uri,
)

# "Manual de Padrões para Iniciação do Pix": the static example (random key, no amount, txid ***)
# and the dynamic one (the PSP's location in 26-25).
MANUAL_STATIC = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)
MANUAL_DYNAMIC = (
    "00020101021226700014br.gov.bcb.pix2548pix.example.com/8b3da2f39a4140d1a91abd93113bd441"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***630464E4"
)
# "Manual do BR Code": a code carrying PIX and another arrangement, an amount, a postal code (61)
# and a second additional-data template.
BRCODE_MANUAL = (
    "00020104141234567890123426580014BR.GOV.BCB.PIX0136123e4567-e12b-12d1-a456-42665544000027300012"
    "BR.COM.OUTRO011001234567895204000053039865406123.455802BR5917NOME DO RECEBEDOR6008BRASILIA6108"
    "7007490062190515RP12345678-201980390012BR.COM.OUTRO01190123.ABCD.3456.WXYZ6304AD38"
)


def test_the_manuals_static_example_is_reproduced():
    payload = pix_static_payload(
        "123e4567-e12b-12d1-a456-426655440000", merchant_name="Fulano de Tal", merchant_city="BRASILIA"
    )

    assert payload == MANUAL_STATIC


def test_the_manuals_dynamic_example_is_reproduced():
    payload = pix_dynamic_payload(
        "pix.example.com/8b3da2f39a4140d1a91abd93113bd441", merchant_name="Fulano de Tal", merchant_city="BRASILIA"
    )

    assert payload == MANUAL_DYNAMIC


@pytest.mark.parametrize("data, crc", [
    ("123456789", "29B1"),  # CRC-16/CCITT-FALSE's check value
    ("", "FFFF"),
    (MANUAL_STATIC[:-4], "1D3D"), (MANUAL_DYNAMIC[:-4], "64E4"), (BRCODE_MANUAL[:-4], "AD38"),
])
def test_crc16_known_values(data, crc):
    assert crc16_ccitt(data) == crc


def test_the_br_code_manuals_example_is_read():
    code = brcode_parse(BRCODE_MANUAL)

    assert code.key == "123e4567-e12b-12d1-a456-426655440000"
    assert (code.amount, code.merchant_name, code.merchant_city) == (Decimal("123.45"), "NOME DO RECEBEDOR", "BRASILIA")
    assert code.txid == "RP12345678-2019"
    assert not code.dynamic


def test_the_manuals_examples_read_back():
    static, dynamic = brcode_parse(MANUAL_STATIC), brcode_parse(MANUAL_DYNAMIC)

    assert (static.key, static.txid, static.amount, static.point_of_initiation) == (
        "123e4567-e12b-12d1-a456-426655440000", "***", None, None)
    assert (dynamic.url, dynamic.txid, dynamic.point_of_initiation, dynamic.dynamic) == (
        "pix.example.com/8b3da2f39a4140d1a91abd93113bd441", "***", "12", True)


def test_a_static_code_with_amount_txid_and_description_round_trips():
    payload = pix_static_payload(
        "fulano@example.com", merchant_name="Fulano de Tal", merchant_city="BRASILIA", amount=Decimal("1234.5"),
        txid="FATURA456", description="Fatura 456", single_use=True,
    )

    code = brcode_parse(payload)

    assert payload.startswith("000201" "010212" "2654" "0014br.gov.bcb.pix" "0118fulano@example.com" "0210Fatura 456")
    assert "54071234.50" in payload
    assert (code.key, code.amount, code.txid, code.description) == (
        "fulano@example.com", Decimal("1234.50"), "FATURA456", "Fatura 456")


def test_a_dynamic_code_with_amount_keeps_the_txid_marker():
    payload = pix_dynamic_payload("psp.example.com/cob/9f0e", merchant_name="Loja", merchant_city="Recife",
                                  amount=Decimal("5999.00"))

    assert "54075999.00" in payload
    assert "62070503***6304" in payload


# --- Names and cities -----------------------------------------------------------------------


def test_names_and_cities_are_folded_to_plain_ascii_and_cut_to_their_limits():
    payload = pix_static_payload(
        "52998224725", merchant_name="Padaria São José & Conceição Ltda — Filial", merchant_city="São João del-Rei",
    )

    code = brcode_parse(payload)

    assert code.merchant_name == "Padaria Sao Jose & Concei"  # 25 characters
    assert code.merchant_city == "Sao Joao del-Re"  # 15 characters
    assert payload.isascii()


@pytest.mark.parametrize("name, city, field", [("—", "Recife", "merchant_name"), ("Loja", "  ", "merchant_city")])
def test_a_name_or_city_with_nothing_to_show_is_refused(name, city, field):
    with pytest.raises(PaymentDataError) as refused:
        pix_static_payload("52998224725", merchant_name=name, merchant_city=city)

    assert refused.value.field == field


@pytest.mark.parametrize("txid", ["A" * 26, "FATURA-456", "fatura 456", "***x"])
def test_txids_beyond_25_letters_and_digits_are_refused(txid):
    with pytest.raises(PaymentDataError) as refused:
        pix_static_payload("52998224725", merchant_name="Loja", merchant_city="Recife", txid=txid)

    assert refused.value.field == "txid"


def test_a_25_character_txid_fits():
    payload = pix_static_payload("52998224725", merchant_name="Loja", merchant_city="Recife", txid="A" * 25)

    assert brcode_parse(payload).txid == "A" * 25


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1"), Decimal("1.001"), Decimal("10000000000.00")])
def test_amounts_a_code_cannot_carry_are_refused(amount):
    with pytest.raises(PaymentDataError) as refused:
        pix_static_payload("52998224725", merchant_name="Loja", merchant_city="Recife", amount=amount)

    assert refused.value.field == "amount"


def test_the_largest_amount_takes_13_characters():
    payload = pix_static_payload("52998224725", merchant_name="Loja", merchant_city="Recife",
                                 amount=Decimal("9999999999.99"))

    assert "54139999999999.99" in payload


def test_a_description_that_would_overflow_the_account_template_is_refused():
    key = "a" * 60 + "@example.com"  # 72 characters: 26 would be 18 + 76, leaving 1 for 02's value
    with pytest.raises(PaymentDataError, match="at most 1 characters") as refused:
        pix_static_payload(key, merchant_name="Loja", merchant_city="Recife", description="Fatura")

    assert refused.value.field == "description"


@pytest.mark.parametrize("url", ["https://pix.example.com/x", "", "pix.example.com/" + "a" * 62, "pix example.com"])
def test_locations_that_are_not_a_psp_address_are_refused(url):
    with pytest.raises(PaymentDataError) as refused:
        pix_dynamic_payload(url, merchant_name="Loja", merchant_city="Recife")

    assert refused.value.field == "url"


# --- Keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, kind, value", [
    ("529.982.247-25", "cpf", "52998224725"),
    ("11.222.333/0001-81", "cnpj", "11222333000181"),
    ("12.abc.345/01de-35", "cnpj", "12ABC34501DE35"),  # the alphanumeric CNPJ
    ("Fulano@Example.com", "email", "fulano@example.com"),
    ("+55 (61) 98888-7777", "phone", "+5561988887777"),
    ("+55 11 3003-1000", "phone", "+551130031000"),
    ("123E4567-E12B-12D1-A456-426655440000", "evp", "123e4567-e12b-12d1-a456-426655440000"),
    ("123e4567e12b12d1a456426655440000", "evp", "123e4567-e12b-12d1-a456-426655440000"),
])
def test_keys_are_written_as_the_dict_stores_them(typed, kind, value):
    assert pix_key(typed) == PixKey(kind, value)


@pytest.mark.parametrize("typed", [
    "529.982.247-24", "11.222.333/0001-80", "+1 212 555 0100", "+55 11 123", "fulano@", "a" * 70 + "@example.com",
    "61988887777x", "chave qualquer",
])
def test_what_is_not_a_valid_key_is_refused(typed):
    with pytest.raises(PaymentDataError) as refused:
        pix_key(typed)

    assert refused.value.field == "key"


# --- Reading --------------------------------------------------------------------------------


def test_an_altered_code_fails_its_crc():
    altered = MANUAL_STATIC.replace("Fulano", "Fulana")

    with pytest.raises(PaymentDataError, match="CRC"):
        brcode_parse(altered)


@pytest.mark.parametrize("payload", [
    "hello",
    "00020126180014br.gov.bcb.pix5204000053039865802BR5901A6001B62070503***6304",  # neither key nor url
    "0002012636" + "0014br.gov.bcb.pix0114+5561988887777" + "5204000053039865802BR5901A6001B6304",  # no 62
])
def test_malformed_codes_are_refused(payload):
    if payload.endswith("6304"):
        payload += crc16_ccitt(payload)

    with pytest.raises(PaymentDataError) as refused:
        brcode_parse(payload)

    assert refused.value.field == "payload"


def test_messages_speak_the_users_language():
    with translation.override("pt-br"), pytest.raises(PaymentDataError) as refused:
        pix_key("529.982.247-24")

    assert refused.value.message == "Este CPF não é válido."


# --- The QR code ----------------------------------------------------------------------------


def test_the_qr_code_is_a_png_data_uri_of_a_full_qr_code():
    uri = qr_png_data_uri(MANUAL_STATIC, scale=4)

    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    modules = image.width // 4 - 8  # 4 modules of quiet zone on each side
    assert image.format == "PNG" and image.width == image.height
    assert modules >= 21 and (modules - 17) % 4 == 0  # a QR code's side, never a Micro QR's

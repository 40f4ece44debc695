"""PIX "copia e cola": BR Code payloads, PIX keys, reading a BR Code back, and its QR code.

What each part follows:

- The payload is EMV QRCPS-MPM (EMVCo "QR Code Specification for Payment Systems - Merchant-
  Presented Mode") as Banco Central's "Manual de Padrões para Iniciação do Pix" (annex to the
  PIX Regulation, section 2, "QR Code e Pix Copia e Cola") and its "Manual do BR Code" fix it:
  ID-length-value objects in this order: 00 Payload Format Indicator "01"; 01 Point of
  Initiation Method, "12" for a code paid once (every dynamic code) and left out of a reusable
  static one; 26 Merchant Account Information with GUI "br.gov.bcb.pix" and either the key (01,
  with the optional additional information 02) or the PSP's location without "https://" (25);
  52 MCC "0000"; 53 currency "986"; 54 amount when there is one (up to 13 characters, "." for
  decimals, no thousands separator); 58 "BR"; 59 the receiver's name (up to 25 characters) and
  60 city (up to 15), plain ASCII; 62 Additional Data with the txid (05): up to 25 letters and
  digits in a static code, "***" when there is none and always in a dynamic code (whose txid
  travels in the location's payload); 63 the CRC16-CCITT (polynomial 0x1021, initial 0xFFFF)
  of everything before it, "6304" included, in 4 uppercase hex digits.
- Keys are written as the DICT stores them (Manual de Padrões, 2.5; DICT API): CPF and CNPJ
  as their digits (CNPJ letters uppercase), email in lowercase (at most 77 characters), phone
  in E.164 with +55, random keys (EVP) as a lowercase UUID with its dashes.
"""

import base64
import io
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import phonenumbers
import segno
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.br import cnpj, cpf

from .common import PaymentDataError, ascii_text

GUI = "br.gov.bcb.pix"
NO_TXID = "***"
MAX_NAME = 25
MAX_CITY = 15
MAX_TXID = 25
MAX_KEY = 77
MAX_URL = 77
MAX_AMOUNT_CHARS = 13
TEMPLATE_IDS = {f"{number:02d}" for number in range(26, 52)}  # where EMV puts merchant accounts

_TXID = re.compile(r"[A-Za-z0-9]{1,25}")
_UUID = re.compile(r"[0-9a-fA-F]{8}(-?)[0-9a-fA-F]{4}\1[0-9a-fA-F]{4}\1[0-9a-fA-F]{4}\1[0-9a-fA-F]{12}")
_AMOUNT = re.compile(r"(?=.{1,13}$)[0-9]+(\.[0-9]{1,2})?")
_EMAIL = re.compile(  # the DICT's pattern
    r"[a-z0-9.!#$&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
)
NAME_NEEDED = gettext_lazy("The receiver's name needs letters or digits.")
CITY_NEEDED = gettext_lazy("The receiver's city needs letters or digits.")
_PHONE_SEPARATORS = str.maketrans("", "", " ()-.")
_DOCUMENT_SEPARATORS = str.maketrans("", "", " .-/")


@dataclass(frozen=True)
class PixKey:
    """A PIX key in the DICT's form. kind: "cpf", "cnpj", "email", "phone" or "evp"."""

    kind: str
    value: str


@dataclass(frozen=True)
class BrCode:
    """What a BR Code says. A static code names a key, a dynamic one the PSP's location (`url`)."""

    payload: str
    merchant_name: str
    merchant_city: str
    txid: str
    key: str | None = None
    url: str | None = None
    description: str | None = None
    amount: Decimal | None = None
    point_of_initiation: str | None = None

    @property
    def dynamic(self) -> bool:
        return self.url is not None


# --- CRC and TLV ----------------------------------------------------------------------------


def crc16_ccitt(data: str) -> str:
    """CRC16-CCITT of `data`'s UTF-8 bytes (polynomial 0x1021, initial 0xFFFF, no reflection,
    no final XOR) as 4 uppercase hex digits: "123456789" gives "29B1"."""
    crc = 0xFFFF
    for byte in data.encode():
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def _tlv(object_id: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"BR Code object {object_id} is {len(value)} characters long; at most 99 fit")
    return f"{object_id}{len(value):02d}{value}"


def _tlv_decode(data: str) -> list[tuple[str, str]]:
    """The (ID, value) objects of `data`; PaymentDataError if they do not add up to it."""
    objects, position = [], 0
    while position < len(data):
        header = data[position:position + 4]
        if len(header) < 4 or not header.isdigit() or position + 4 + int(header[2:]) > len(data):
            raise PaymentDataError(_("This is not a valid PIX code."), field="payload")
        end = position + 4 + int(header[2:])
        objects.append((header[:2], data[position + 4:end]))
        position = end
    return objects


# --- Inputs ---------------------------------------------------------------------------------


def pix_key(key: str) -> PixKey:
    """`key` as the DICT writes it, its kind told by its shape: a UUID is a random key, "@" an
    email, "+" a phone; otherwise the digits of a CPF (11) or a CNPJ (14, letters allowed)."""
    text = key.strip()
    if len(text) in (32, 36) and _UUID.fullmatch(text):
        return PixKey("evp", str(uuid.UUID(text)))
    return _pix_key(text)


def _pix_key(text: str) -> PixKey:
    if "@" in text:
        email = text.lower()
        if len(email) > MAX_KEY or not _EMAIL.fullmatch(email):
            raise PaymentDataError(_("This email address cannot be a PIX key."), field="key")
        return PixKey("email", email)
    if text.startswith("+"):
        return PixKey("phone", _phone_key(text))
    document = text.translate(_DOCUMENT_SEPARATORS).upper()
    if len(document) == 11 and document.isdigit():
        if not cpf.is_valid(document):
            raise PaymentDataError(_("This CPF is not valid."), field="key")
        return PixKey("cpf", document)
    if len(document) == 14 and document.isalnum() and document.isascii():
        if not cnpj.is_valid(document):
            raise PaymentDataError(_("This CNPJ is not valid."), field="key")
        return PixKey("cnpj", document)
    raise PaymentDataError(
        _("This is not a PIX key: use a CPF, a CNPJ, an email address, a phone number with +55 or a random key."),
        field="key",
    )


def _phone_key(text: str) -> str:
    plain = text.translate(_PHONE_SEPARATORS)
    try:
        number = phonenumbers.parse(plain)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.country_code != 55 or not phonenumbers.is_valid_number(number):
        raise PaymentDataError(
            _("A PIX phone key is a Brazilian number written with +55 and the area code."), field="key"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _txid(txid: str | None) -> str:
    if txid is None or txid == "":
        return NO_TXID
    if not _TXID.fullmatch(txid):
        raise PaymentDataError(
            _("The transaction id (txid) has 1 to 25 letters and digits, nothing else."), field="txid"
        )
    return txid


def _amount(amount: Decimal | None) -> str | None:
    """The amount as object 54 writes it ("1234.50"), or None when the payer types it."""
    if amount is None:
        return None
    if not isinstance(amount, Decimal):
        raise TypeError("A PIX amount is a Decimal, never a float")
    try:
        written = f"{amount.quantize(Decimal('0.01')):f}"
        exact = amount.is_finite() and amount == Decimal(written)
    except InvalidOperation:
        exact = False
    if not exact or amount <= 0:
        raise PaymentDataError(
            _("The amount must be more than zero, in reais with at most two decimal places."), field="amount"
        )
    if len(written) > MAX_AMOUNT_CHARS:
        raise PaymentDataError(_("The amount is too large for a PIX code."), field="amount")
    return written


def _plain_field(text: str, limit: int, message: Promise, field: str) -> str:
    """`text` folded to plain ASCII and cut to `limit` characters (the name shown to the payer is
    the DICT's; this one only has to fit)."""
    plain = ascii_text(text)[:limit].rstrip()
    if not any(char.isalnum() for char in plain):
        raise PaymentDataError(str(message), field=field)
    return plain


# --- Payloads -------------------------------------------------------------------------------


def _payload(account_information: str, *, merchant_name: str, merchant_city: str, amount: Decimal | None,
             txid: str, single_use: bool) -> str:
    amount_text = _amount(amount)
    body = "".join((
        _tlv("00", "01"),
        _tlv("01", "12") if single_use else "",
        _tlv("26", account_information),
        _tlv("52", "0000"),
        _tlv("53", "986"),
        _tlv("54", amount_text) if amount_text else "",
        _tlv("58", "BR"),
        _tlv("59", _plain_field(merchant_name, MAX_NAME, NAME_NEEDED, "merchant_name")),
        _tlv("60", _plain_field(merchant_city, MAX_CITY, CITY_NEEDED, "merchant_city")),
        _tlv("62", _tlv("05", txid)),
        "6304",
    ))
    return body + crc16_ccitt(body)


def pix_static_payload(key: str, *, merchant_name: str, merchant_city: str, amount: Decimal | None = None,
                       txid: str | None = None, description: str | None = None, single_use: bool = False) -> str:
    """A static BR Code paying `key`: with `amount` the payer's app fills it in, without it the
    payer types it. `txid` tells the payment apart in the statement ("***" when None);
    `description` (26-02) is shown to the payer; `single_use` marks it paid once (01 = "12")."""
    account_information = _tlv("00", GUI) + _tlv("01", pix_key(key).value)
    if description:
        text = ascii_text(description)
        room = 99 - len(account_information) - 4
        if len(text) > room:
            raise PaymentDataError(
                _("The description is too long for this PIX key: at most %(count)d characters.") % {"count": room},
                field="description",
            )
        account_information += _tlv("02", text) if text else ""
    return _payload(account_information, merchant_name=merchant_name, merchant_city=merchant_city, amount=amount,
                    txid=_txid(txid), single_use=single_use)


def pix_dynamic_payload(url: str, *, merchant_name: str, merchant_city: str, amount: Decimal | None = None) -> str:
    """A dynamic BR Code: the payer's app fetches the charge (amount, expiry, txid) from `url`,
    the PSP's location for it, written without "https://"."""
    location = url.strip()
    if not location or len(location) > MAX_URL or "://" in location or not location.isascii() or " " in location:
        raise PaymentDataError(
            _("The location is the PSP's address without https://, at most 77 characters."), field="url"
        )
    return _payload(_tlv("00", GUI) + _tlv("25", location), merchant_name=merchant_name,
                    merchant_city=merchant_city, amount=amount, txid=NO_TXID, single_use=True)


# --- Reading a BR Code ----------------------------------------------------------------------


def brcode_parse(payload: str) -> BrCode:
    """Check a BR Code's CRC and structure and read what it says; PaymentDataError otherwise."""
    text = payload.strip()
    if len(text) < 8 or text[-8:-4] != "6304":
        raise PaymentDataError(_("This is not a valid PIX code."), field="payload")
    if crc16_ccitt(text[:-4]) != text[-4:].upper():
        raise PaymentDataError(
            _("The PIX code's check digits (CRC) do not match: it was altered or mistyped."), field="payload"
        )
    objects = _tlv_decode(text)
    fields = dict(objects)
    account = _pix_account(objects)
    additional = dict(_tlv_decode(fields.get("62", "")))
    well_formed = (
        objects[0] == ("00", "01") and account is not None and ("01" in account) != ("25" in account)
        and fields.get("53") == "986" and fields.get("58") == "BR" and fields.get("59") and fields.get("60")
        and "05" in additional and _AMOUNT.fullmatch(fields.get("54", "0"))
    )
    if not well_formed:
        raise PaymentDataError(_("This is not a valid PIX code."), field="payload")
    amount = Decimal(fields["54"]) if "54" in fields else None
    return BrCode(
        payload=text, merchant_name=fields["59"], merchant_city=fields["60"], txid=additional["05"],
        key=account.get("01"), url=account.get("25"), description=account.get("02"), amount=amount,
        point_of_initiation=fields.get("01"),
    )


def _pix_account(objects: list[tuple[str, str]]) -> dict[str, str] | None:
    """The merchant account template (IDs 26 to 51) whose GUI is PIX's, as {ID: value}."""
    for object_id, value in objects:
        if object_id in TEMPLATE_IDS:
            template = dict(_tlv_decode(value))
            if template.get("00", "").lower() == GUI:
                return template
    return None


# --- The QR code ----------------------------------------------------------------------------


def qr_png_data_uri(payload: str, *, scale: int = 6) -> str:
    """The payload as a QR code (error correction M, never a Micro QR, the 4-module quiet zone
    the QR standard asks for) in a PNG data URI, for an <img> or a PDF."""
    image = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(image, kind="png", scale=scale, border=4)
    return "data:image/png;base64," + base64.b64encode(image.getvalue()).decode()

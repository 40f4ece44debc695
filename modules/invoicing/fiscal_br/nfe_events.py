"""The NF-e's events that follow its authorisation: cancellation (110111) and the correction
letter, CC-e (110110), as their layouts (1.00) and the MOC's rules give them.

- Cancellation: the NF-e's protocol and a reason of 15 to 255 characters (xJust), within 24
  hours of the authorisation (Ajuste SINIEF 07/2005, cláusula décima segunda; rejection 501
  past it). Some states allow longer against a fine: we hold everyone to the common 24 hours.
- CC-e: the correction, 15 to 1,000 characters, and the fixed text of its conditions of use
  (xCondUso, Convênio S/N de 1970, art. 7º § 1º-A): a CC-e cannot change amounts, taxes, the
  parties or the dates. Up to 20 per NF-e (nSeqEvento), each replacing the one before.
- The event's Id is "ID" + tpEvento + the key + nSeqEvento (2 digits); it is signed as the NF-e
  is, and sent to the emitter's state (cOrgao, the key's first two digits).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from lxml import etree

from .codes import DEFAULT_TIMEZONE, STATE_TIMEZONES, STATES_BY_CODE
from .errors import FiscalDataError
from .signing import Certificate, element_sign
from .text import fiscal_text

NFE_NAMESPACE = "http://www.portalfiscal.inf.br/nfe"
EVENT_VERSION = "1.00"
CANCELLATION, CORRECTION = "110111", "110110"
CANCEL_WINDOW = timedelta(hours=24)
MAX_CORRECTIONS = 20
CORRECTION_CONDITIONS = (
    "A Carta de Correção é disciplinada pelo § 1º-A do art. 7º do Convênio S/N, de 15 de dezembro de 1970 e pode "
    "ser utilizada para regularização de erro ocorrido na emissão de documento fiscal, desde que o erro não esteja "
    "relacionado com: I - as variáveis que determinam o valor do imposto tais como: base de cálculo, alíquota, "
    "diferença de preço, quantidade, valor da operação ou da prestação; II - a correção de dados cadastrais que "
    "implique mudança do remetente ou do destinatário; III - a data de emissão ou de saída."
)
DESCRIPTIONS = {CANCELLATION: "Cancelamento", CORRECTION: "Carta de Correção"}


@dataclass(frozen=True)
class Event:
    kind: str           # tpEvento
    key: str            # chNFe
    sequence: int       # nSeqEvento
    element: etree._Element  # the signed `evento`


def _q(tag: str) -> str:
    return f"{{{NFE_NAMESPACE}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes) -> etree._Element:
    child = etree.SubElement(parent, _q(tag), attributes)
    child.text = text
    return child


def local_time(key: str, moment: datetime) -> str:
    """`moment` in the local time of the state the key belongs to, as events write dates."""
    zone = STATE_TIMEZONES.get(STATES_BY_CODE[key[:2]], DEFAULT_TIMEZONE)
    return moment.astimezone(ZoneInfo(zone)).replace(microsecond=0).isoformat()


def justification_check(justification: str) -> None:
    if not 15 <= len(fiscal_text(justification, 1000)) <= 255:
        raise FiscalDataError.one("justification", _("The reason for cancelling must have 15 to 255 characters."))


def cancellation_check(justification: str, authorized_at: datetime, now: datetime) -> None:
    """Whether SEFAZ will take this cancellation: the reason, and the 24 hours."""
    justification_check(justification)
    if now - authorized_at > CANCEL_WINDOW:
        raise FiscalDataError.one("justification", _("An NF-e can only be cancelled within 24 hours of its "
                                                     "authorisation: issue a return (devolução) instead."))


def correction_check(text: str, sequence: int = 1) -> None:
    if not 15 <= len(fiscal_text(text, 2000)) <= 1000:
        raise FiscalDataError.one("correction", _("The correction must have 15 to 1,000 characters."))
    if not 1 <= sequence <= MAX_CORRECTIONS:
        raise FiscalDataError.one("correction", _("An NF-e takes at most 20 correction letters."))


def _event(kind: str, key: str, cnpj: str, environment: int, at: datetime, sequence: int,
           details: list[tuple[str, str]], certificate: Certificate) -> Event:
    event = etree.Element(_q("evento"), versao=EVENT_VERSION, nsmap={None: NFE_NAMESPACE})
    info = _sub(event, "infEvento", Id=f"ID{kind}{key}{sequence:02d}")
    _sub(info, "cOrgao", key[:2])
    _sub(info, "tpAmb", str(environment))
    _sub(info, "CNPJ", cnpj)
    _sub(info, "chNFe", key)
    _sub(info, "dhEvento", local_time(key, at))
    _sub(info, "tpEvento", kind)
    _sub(info, "nSeqEvento", str(sequence))
    _sub(info, "verEvento", EVENT_VERSION)
    detail = _sub(info, "detEvento", versao=EVENT_VERSION)
    _sub(detail, "descEvento", DESCRIPTIONS[kind])
    for tag, text in details:
        _sub(detail, tag, text)
    element_sign(info, certificate)
    return Event(kind, key, sequence, event)


def cancellation_event(*, key: str, protocol: str, justification: str, cnpj: str, environment: int,
                       at: datetime, certificate: Certificate) -> Event:
    """The signed cancellation of the NF-e `key`, authorised under `protocol`."""
    return _event(CANCELLATION, key, cnpj, environment, at, 1,
                  [("nProt", protocol), ("xJust", fiscal_text(justification, 255))], certificate)


def correction_event(*, key: str, correction: str, sequence: int, cnpj: str, environment: int,
                     at: datetime, certificate: Certificate) -> Event:
    """The signed correction letter number `sequence` of the NF-e `key`."""
    return _event(CORRECTION, key, cnpj, environment, at, sequence,
                  [("xCorrecao", fiscal_text(correction, 1000)), ("xCondUso", CORRECTION_CONDITIONS)], certificate)

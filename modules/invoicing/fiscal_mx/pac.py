"""Stamping (timbrado) and cancellation through a PAC (Proveedor Autorizado de Certificación).

A PAC validates a sealed CFDI as SAT's matrix of errors prescribes and answers with the
TimbreFiscalDigital 1.1 complement: a fresh UUID (the fiscal folio), FechaTimbrado, the PAC's RFC
(RfcProvCertif), the CFDI's Sello (SelloCFD), the stamping certificate's number (NoCertificadoSAT)
and SelloSAT, the stamping key's signature of the TFD's cadena original.

- `SandboxPac` stamps here, as the default environment: it applies a PAC's checks (301 schema, 302
  seal, 303 CSD of another RFC, 305 CSD not current at Fecha, 306 e.firma, 307 stamped before,
  401 Fecha more than 72 hours old) and signs the TFD with the sandbox's own stamping key
  (sandbox/pac_stamping.*, a self-signed certificate with no fiscal value, "PAC" SPR190613I52).
- `SwSapienPac` speaks SW sapien's REST API (services.sw.com.mx, services.test.sw.com.mx): a token
  (long-lived, from SW's dashboard, or from POST /v2/security/authenticate), stamping with
  POST /cfdi33/stamp/v4 (multipart, the sealed XML as "xml"; the path says cfdi33 for every
  version) and cancelling with POST /cfdi33/cancel/xml (multipart, SAT's Cancelacion request
  signed here with the CSD, so the key never leaves). SW answers {"status": "success", "data":
  {...}}, or an HTTP error with {"status": "error", "message": "CFDI40108 - ...", "messageDetail"}.

Cancellation uses SAT's reasons: 01 errors with relation (the substitute UUID, already stamped, is
required), 02 errors without relation, 03 the operation did not happen, 04 a nominative operation
included in a global invoice. SAT answers 201 (request accepted) or 202 (cancelled before).
"""

import base64
import re
import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Protocol

import requests
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from satcfdi.create.cancela.cancelacion import Cancelacion, Folio
from satcfdi.create.cfd.tfd11 import TimbreFiscalDigital
from satcfdi.models import Signer
from satcfdi.transform import MEXICO_TZ

from .catalogs import CANCEL_REASONS
from .csd import Csd, csd_from_certificate, csd_problems
from .errors import PacRejected, PacUnavailable, Problem, raise_problems
from .schemas import cadena_original, xsd_errors
from .seal import cfdi_verify

CFDI = "{http://www.sat.gob.mx/cfd/4}"
TFD = "{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital"
SANDBOX_DIR = Path(__file__).resolve().parent / "sandbox"
CANCEL_ACCEPTED = "201"
CANCELLED_BEFORE = "202"


@dataclass(frozen=True)
class Stamp:
    uuid: str
    stamped_at: str  # FechaTimbrado, Mexico City time
    pac_rfc: str  # RfcProvCertif
    sat_certificate_number: str  # NoCertificadoSAT
    sello_sat: str
    tfd_cadena_original: str
    xml: bytes  # the stamped CFDI


@dataclass(frozen=True)
class Cancellation:
    uuid: str
    status: str  # SAT's EstatusUUID: 201 accepted, 202 cancelled before
    acknowledgement: bytes  # SAT's Acuse, as the PAC returns it


class Pac(Protocol):
    def stamp(self, xml: bytes) -> Stamp: ...

    def cancel(self, *, uuid: str, csd: Csd, reason: str, substitute_uuid: str | None = None) -> Cancellation: ...


def stamp_read(xml: bytes, *, sello: str) -> Stamp:
    """The stamp of a stamped CFDI, checked to be the stamp of the document we sealed."""
    root = etree.fromstring(xml)
    tfd = root.find(f"{CFDI}Complemento/{TFD}")
    if tfd is None or root.get("Sello") != sello or tfd.get("SelloCFD") != sello:
        raise PacUnavailable("the PAC answered with a document that is not the one sent, or without its stamp")
    return Stamp(
        uuid=tfd.get("UUID"), stamped_at=tfd.get("FechaTimbrado"), pac_rfc=tfd.get("RfcProvCertif"),
        sat_certificate_number=tfd.get("NoCertificadoSAT"), sello_sat=tfd.get("SelloSAT"),
        tfd_cadena_original=cadena_original(tfd), xml=xml,
    )


def cancel_problems(reason: str, substitute_uuid: str | None) -> list[Problem]:
    if reason not in CANCEL_REASONS:
        return [Problem("reason", _("The reason must be one of SAT's: 01, 02, 03 or 04."))]
    if reason == "01" and not substitute_uuid:
        return [Problem("substitute_uuid", _("Reason 01 (errors with relation) needs the fiscal folio (UUID) "
                                             "of the CFDI that replaces this one; issue that one first."))]
    if reason != "01" and substitute_uuid:
        return [Problem("substitute_uuid", _("Only reason 01 names a substitute CFDI."))]
    if substitute_uuid is not None:
        try:
            uuid_module.UUID(substitute_uuid)
        except ValueError:
            return [Problem("substitute_uuid", _("Give the fiscal folios (UUID) of the related CFDI."))]
    return []


def cancellation_request(*, uuid: str, csd: Csd, reason: str, substitute_uuid: str | None) -> bytes:
    """SAT's Cancelacion request, signed (XMLDSig) with the issuer's CSD."""
    raise_problems(cancel_problems(reason, substitute_uuid))
    folio = Folio(uuid=uuid.upper(), motivo=reason, folio_sustitucion=substitute_uuid and substitute_uuid.upper())
    request = Cancelacion(emisor=csd.signer, folios=[folio])
    return etree.tostring(request.to_xml(), xml_declaration=True, encoding="UTF-8")


# --- Sandbox ---------------------------------------------------------------------------------


@cache
def sandbox_stamping_signer() -> Signer:
    return Signer.load(certificate=(SANDBOX_DIR / "pac_stamping.cer").read_bytes(),
                       key=(SANDBOX_DIR / "pac_stamping.key").read_bytes(), password=None)


class SandboxPac:
    """Stamps and cancels here, with no fiscal value, checking what a PAC checks."""

    def __init__(self, *, now=timezone.now):
        self.now = now

    def stamp(self, xml: bytes) -> Stamp:
        root = etree.fromstring(xml)
        self._check(root)
        signer = sandbox_stamping_signer()
        stamped_at = self.now().astimezone(MEXICO_TZ).replace(tzinfo=None, microsecond=0)
        tfd = TimbreFiscalDigital(proveedor=signer, uuid=str(uuid_module.uuid4()), fecha_timbrado=stamped_at,
                                  sello_cfd=root.get("Sello"))
        complement = root.find(f"{CFDI}Complemento")
        if complement is None:
            complement = etree.SubElement(root, f"{CFDI}Complemento")
        complement.append(tfd.to_xml())
        return stamp_read(etree.tostring(root, xml_declaration=True, encoding="UTF-8"), sello=root.get("Sello"))

    def _check(self, root: etree._Element) -> None:
        if xsd_errors(root):
            raise PacRejected(code="301", pac_message="XML mal formado")
        if root.find(f"{CFDI}Complemento/{TFD}") is not None:
            raise PacRejected(code="307", pac_message="El CFDI contiene un timbre previo")
        if not cfdi_verify(etree.tostring(root)):
            raise PacRejected(code="302", pac_message="Sello mal formado o inválido")
        csd = csd_from_certificate(base64.b64decode(root.get("Certificado")))
        issued_at = MEXICO_TZ.localize(datetime.fromisoformat(root.get("Fecha")))
        if csd.is_fiel:
            raise PacRejected(code="306", pac_message="El certificado no es de tipo CSD")
        if csd.rfc != root.find(f"{CFDI}Emisor").get("Rfc"):
            raise PacRejected(code="303", pac_message="Sello no corresponde a emisor")
        if not csd.valid_from <= issued_at <= csd.valid_until:
            raise PacRejected(code="305", pac_message="La fecha de emisión no está dentro de la vigencia del CSD "
                                                      "del Emisor")
        if self.now() - issued_at > timedelta(hours=72):
            raise PacRejected(code="401", pac_message="Fecha y hora de generación fuera de rango")

    def cancel(self, *, uuid: str, csd: Csd, reason: str, substitute_uuid: str | None = None) -> Cancellation:
        raise_problems(csd_problems(csd, rfc=csd.rfc, at=self.now()))
        # Signed as for a real PAC: a CSD that cannot sign the request fails here too.
        cancellation_request(uuid=uuid, csd=csd, reason=reason, substitute_uuid=substitute_uuid)
        moment = self.now().astimezone(MEXICO_TZ)
        acknowledgement = (
            f'<?xml version="1.0" encoding="utf-8"?><Acuse Fecha="{moment:%Y-%m-%dT%H:%M:%S}" '
            f'RfcEmisor="{csd.rfc}"><Folios xmlns="http://cancelacfd.sat.gob.mx"><UUID>{uuid.upper()}</UUID>'
            f'<EstatusUUID>{CANCEL_ACCEPTED}</EstatusUUID></Folios></Acuse>'
        )
        return Cancellation(uuid=uuid.upper(), status=CANCEL_ACCEPTED, acknowledgement=acknowledgement.encode())


# --- SW sapien -------------------------------------------------------------------------------

_CODE = re.compile(r"\s*([A-Z]*[0-9]+)\s*[-.:]?\s*(.*)", re.DOTALL)


class SwSapienPac:
    """SW sapien's REST API. `base_url` is https://services.sw.com.mx (or the test one)."""

    def __init__(self, base_url: str, *, token: str | None = None, user: str | None = None,
                 password: str | None = None, timeout: float = 30, session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.user, self.password = user, password
        self.timeout = timeout
        self.session = session or requests.Session()

    def stamp(self, xml: bytes) -> Stamp:
        data = self._send("/cfdi33/stamp/v4", files={"xml": ("xml", xml, "text/xml")}, action="stamp")
        return stamp_read(data["cfdi"].encode(), sello=etree.fromstring(xml).get("Sello"))

    def cancel(self, *, uuid: str, csd: Csd, reason: str, substitute_uuid: str | None = None) -> Cancellation:
        request = cancellation_request(uuid=uuid, csd=csd, reason=reason, substitute_uuid=substitute_uuid)
        data = self._send("/cfdi33/cancel/xml", files={"xml": ("xml", request, "text/xml")}, action="cancel")
        statuses = {key.upper(): value for key, value in data["uuid"].items()}
        status = statuses.get(uuid.upper())
        if status not in (CANCEL_ACCEPTED, CANCELLED_BEFORE):
            raise PacRejected(code=status or "?", pac_message=data.get("acuse") or "", action="cancel")
        return Cancellation(uuid=uuid.upper(), status=status, acknowledgement=data["acuse"].encode())

    def _bearer(self) -> str:
        if self.token is None:
            data = self._send("/v2/security/authenticate", json={"user": self.user, "password": self.password},
                              action="authenticate", authenticated=False)
            self.token = data["token"]
        return f"Bearer {self.token}"

    def _send(self, path: str, *, action: str, authenticated: bool = True, **body) -> dict:
        headers = {"Authorization": self._bearer()} if authenticated else {}
        try:
            response = self.session.post(self.base_url + path, headers=headers, timeout=self.timeout, **body)
        except requests.RequestException as error:
            raise PacUnavailable(f"SW sapien {action}: {error}") from error
        if response.status_code >= 500:
            raise PacUnavailable(f"SW sapien {action}: HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError as error:
            raise PacUnavailable(f"SW sapien {action}: HTTP {response.status_code}, not JSON") from error
        if response.ok and answer.get("status") == "success":
            return answer["data"]
        code, text = _code_and_text(answer.get("message") or "", answer.get("messageDetail"))
        raise PacRejected(code=code, pac_message=text, action="cancel" if action == "cancel" else "stamp")


def _code_and_text(message: str, detail: str | None) -> tuple[str, str]:
    """SW's message starts with the error's code: "CFDI40108 - ...", "307. ...", "AU4101 - ..."."""
    match = _CODE.fullmatch(message)
    code, text = (match.group(1), match.group(2)) if match else ("?", message)
    if detail and detail not in text:
        text = f"{text} {detail}".strip()
    return code, text

"""Focus NFe, a provider that signs and sends NF-e to SEFAZ for us: its API v2 as its
documentation describes it (https://focusnfe.com.br/doc, "NFe", "Erros"; the source of that
page is github.com/FocusNFe/api-doc).

- Authentication: HTTP Basic with the company's token as the user and an empty password; one
  token for homologação (homologacao.focusnfe.com.br), another for produção (api.focusnfe.com.br).
- POST /v2/nfe?ref=REF with the note as JSON: 202 and status "processando_autorizacao" (or 201
  and the result when the company is set to send synchronously). REF is ours and unique; after
  "erro_autorizacao" the same REF is sent again with the corrected note, and we send our own
  series and number (Focus would number for us otherwise), so a rejected note keeps its number.
- GET /v2/nfe/REF: status processando_autorizacao, autorizado (chave_nfe, numero, serie,
  caminho_xml_nota_fiscal, caminho_danfe), erro_autorizacao or denegado (status_sefaz is
  SEFAZ's cStat, mensagem_sefaz its xMotivo), cancelado.
- DELETE /v2/nfe/REF with {"justificativa": 15 to 255 characters}: cancelado, or
  erro_cancelamento with SEFAZ's code and words.
- POST /v2/nfe/REF/carta_correcao with {"correcao": 15 to 1,000 characters}: autorizado with
  numero_carta_correcao, or erro_autorizacao.
- Errors answer 4xx with {"codigo", "mensagem", "erros": [{"campo", "mensagem"}]}.

The JSON names are Focus's (campos.focusnfe.com.br, NotaFiscalXML); the values are the ones our
own XML writes, from the same `taxes` computation.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import requests
from django.utils.translation import gettext as _

from modules.core.brazil.state_registration import state_registration_normalize

from .codes import CRT_BY_TAX_REGIME, ELECTRONIC_PAYMENT_CODES, HOMOLOGATION, HOMOLOGATION_RECIPIENT_NAME, PAYMENT_CODES
from .inputs import Address, NFeInput
from .nfe import digits_or_letters, local_issue_time
from .nfe_events import correction_check, justification_check
from .results import AUTHORIZED, CANCELLED, DENIED, PROCESSING, REJECTED, Authorization, EventResult
from .schemas import xml_parse
from .taxes import (
    Line,
    interstate,
    legal_notes,
    lines_compute,
    recipient_contributor_indicator,
    recipient_final_consumer,
    totals_compute,
)
from .text import digits_only, fiscal_text

HOMOLOGATION_URL = "https://homologacao.focusnfe.com.br"
PRODUCTION_URL = "https://api.focusnfe.com.br"
NFE = "{http://www.portalfiscal.inf.br/nfe}"
OUTCOMES = {"autorizado": AUTHORIZED, "denegado": DENIED, "erro_autorizacao": REJECTED,
            "processando_autorizacao": PROCESSING, "cancelado": CANCELLED}


class FocusError(Exception):
    """Focus NFe refused a request, or could not be reached. `message` is translated and quotes
    Focus's own words; `errors` are its per-field details."""

    def __init__(self, message: str, *, code: str = "", errors: list | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.errors = errors or []
        self.status = status


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _address(prefix: str, address: Address) -> dict:
    return {
        f"logradouro_{prefix}": fiscal_text(address.street, 60),
        f"numero_{prefix}": fiscal_text(address.number, 60),
        f"complemento_{prefix}": fiscal_text(address.complement, 60),
        f"bairro_{prefix}": fiscal_text(address.district, 60),
        f"codigo_municipio_{prefix}": address.city_code, f"municipio_{prefix}": fiscal_text(address.city, 60),
        f"uf_{prefix}": address.state, f"cep_{prefix}": digits_only(address.postal_code),
        f"telefone_{prefix}": digits_only(address.phone),
    }


def _item(line: Line) -> dict:
    item = line.item
    taxes = {"icms_origem": item.origin, "icms_situacao_tributaria": line.icms.code,
             "pis_situacao_tributaria": line.pis.code, "cofins_situacao_tributaria": line.cofins.code}
    if line.icms.code == "101":
        taxes |= {"icms_aliquota_credito_simples": f"{line.icms.rate:.4f}",
                  "icms_valor_credito_simples": _amount(line.icms.value)}
    elif line.icms.code == "00":
        taxes |= {"icms_modalidade_base_calculo": "3", "icms_base_calculo": _amount(line.icms.base),
                  "icms_aliquota": f"{line.icms.rate:.4f}", "icms_valor": _amount(line.icms.value)}
    for name, tax in (("pis", line.pis), ("cofins", line.cofins)):
        taxes |= {f"{name}_base_calculo": _amount(tax.base), f"{name}_aliquota_porcentual": f"{tax.rate:.4f}",
                  f"{name}_valor": _amount(tax.value)}
    return {
        "numero_item": str(line.number), "codigo_produto": fiscal_text(item.code, 60),
        "descricao": fiscal_text(item.description, 120), "codigo_ncm": item.ncm, "cfop": line.cfop,
        "unidade_comercial": fiscal_text(item.unit, 6), "quantidade_comercial": f"{item.quantity:.4f}",
        "valor_unitario_comercial": f"{item.unit_price:.10f}", "unidade_tributavel": fiscal_text(item.unit, 6),
        "quantidade_tributavel": f"{item.quantity:.4f}", "valor_unitario_tributavel": f"{item.unit_price:.10f}",
        "valor_bruto": _amount(line.gross), "valor_desconto": _amount(line.discount), "inclui_no_total": "1",
        **taxes,
    }


def focus_payload(document: NFeInput) -> dict:
    """The note as Focus's JSON, from the same computation as our XML."""
    emitter, recipient = document.emitter, document.recipient
    lines = lines_compute(document)
    totals = totals_compute(lines)
    recipient_id = digits_or_letters(recipient.tax_id)
    indicator = recipient_contributor_indicator(recipient)
    code = PAYMENT_CODES[document.payment.method]
    notes = [*legal_notes(document, totals), fiscal_text(document.additional_info, 5000)]
    return {
        "natureza_operacao": fiscal_text(document.operation, 60), "serie": str(document.series),
        "numero": str(document.number), "data_emissao": local_issue_time(document).isoformat(),
        "tipo_documento": "1", "finalidade_emissao": "1", "local_destino": "2" if interstate(document) else "1",
        "consumidor_final": "1" if recipient_final_consumer(recipient) else "0",
        "presenca_comprador": document.presence,
        "cnpj_emitente": digits_or_letters(emitter.tax_id), "nome_emitente": fiscal_text(emitter.name, 60),
        "nome_fantasia_emitente": fiscal_text(emitter.trade_name, 60), **_address("emitente", emitter.address),
        "inscricao_estadual_emitente": state_registration_normalize(emitter.address.state,
                                                                    emitter.state_registration),
        "regime_tributario_emitente": CRT_BY_TAX_REGIME[emitter.tax_regime],
        "cnpj_destinatario" if len(recipient_id) == 14 else "cpf_destinatario": recipient_id,
        "nome_destinatario": HOMOLOGATION_RECIPIENT_NAME if document.environment == HOMOLOGATION
        else fiscal_text(recipient.name, 60),
        **_address("destinatario", recipient.address), "pais_destinatario": "Brasil",
        "indicador_inscricao_estadual_destinatario": indicator,
        "inscricao_estadual_destinatario": state_registration_normalize(
            recipient.address.state, recipient.state_registration) if indicator == "1" else "",
        "email_destinatario": fiscal_text(recipient.email, 60),
        "valor_produtos": _amount(totals.products), "valor_desconto": _amount(totals.discount),
        "icms_base_calculo": _amount(totals.icms_base), "icms_valor_total": _amount(totals.icms),
        "valor_pis": _amount(totals.pis), "valor_cofins": _amount(totals.cofins), "valor_frete": "0.00",
        "valor_seguro": "0.00", "valor_outras_despesas": "0.00", "valor_total": _amount(totals.total),
        "modalidade_frete": "9",
        "informacoes_adicionais_contribuinte": fiscal_text(" | ".join(note for note in notes if note), 5000),
        "items": [_item(line) for line in lines],
        "formas_pagamento": [{
            "indicador_pagamento": "1" if document.payment.deferred else "0", "forma_pagamento": code,
            "valor_pagamento": _amount(totals.total),
            **({"tipo_integracao": "2"} if code in ELECTRONIC_PAYMENT_CODES else {}),
        }],
    }


def _protocol(xml: bytes) -> str:
    return xml_parse(xml).findtext(f".//{NFE}protNFe/{NFE}infProt/{NFE}nProt") or ""


@dataclass
class FocusNFe:
    """The company's Focus NFe account. base_url: HOMOLOGATION_URL or PRODUCTION_URL."""

    token: str
    base_url: str = HOMOLOGATION_URL
    timeout: float = 30.0
    session: requests.Session = field(default_factory=requests.Session)

    def _request(self, method: str, path: str, **kwargs) -> tuple[int, dict | bytes]:
        try:
            response = self.session.request(method, f"{self.base_url}{path}", auth=(self.token, ""),
                                            timeout=self.timeout, **kwargs)
        except requests.RequestException:
            raise FocusError(_("Focus NFe could not be reached: try again in a few minutes.")) from None
        if response.status_code >= 400:
            self._refuse(response)
        content_type = response.headers.get("Content-Type", "")
        return response.status_code, response.json() if "json" in content_type else response.content

    @staticmethod
    def _refuse(response: requests.Response):
        try:
            body = response.json()
        except ValueError:
            body = {}
        details = "; ".join(error.get("mensagem", "") for error in body.get("erros") or [] if error.get("mensagem"))
        reason = " - ".join(part for part in (body.get("mensagem", ""), details) if part) or response.reason
        raise FocusError(_("Focus NFe refused the request (%(code)s: %(reason)s).")
                         % {"code": body.get("codigo", response.status_code), "reason": reason},
                         code=body.get("codigo", ""), errors=body.get("erros") or [], status=response.status_code)

    def _authorization(self, body: dict) -> Authorization:
        status = body.get("status", "")
        key = (body.get("chave_nfe") or "").removeprefix("NFe")
        xml = self.download(body["caminho_xml_nota_fiscal"]) if body.get("caminho_xml_nota_fiscal") else None
        return Authorization(
            OUTCOMES.get(status, REJECTED), body.get("status_sefaz", ""), body.get("mensagem_sefaz", ""),
            key=key, protocol=_protocol(xml) if xml else "", xml=xml, number=body.get("numero", ""),
        )

    def send(self, ref: str, document: NFeInput) -> Authorization:
        """Send a pre-flighted NF-e; usually answered "processing", to be asked with `status`."""
        _status, body = self._request("POST", "/v2/nfe", params={"ref": ref}, json=focus_payload(document))
        return self._authorization(body)

    def status(self, ref: str) -> Authorization:
        """Where the NF-e stands; an authorised one comes with its XML (nfeProc) downloaded."""
        _status, body = self._request("GET", f"/v2/nfe/{ref}")
        return self._authorization(body)

    def wait(self, ref: str, *, attempts: int = 10, interval: float = 3.0,
             sleep: Callable[[float], None] = time.sleep) -> Authorization:
        """Ask until SEFAZ has answered, `attempts` times `interval` seconds apart at most (Focus
        asks for a few seconds between queries; a task that outlives a request should do this)."""
        for attempt in range(attempts):
            answer = self.status(ref)
            if answer.outcome != PROCESSING:
                return answer
            if attempt + 1 < attempts:
                sleep(interval)
        return answer

    def cancel(self, ref: str, justification: str) -> EventResult:
        """Cancel the authorised NF-e (the 24 hours are the caller's to check: `cancellation_check`)."""
        justification_check(justification)
        _status, body = self._request("DELETE", f"/v2/nfe/{ref}", json={"justificativa": justification})
        return EventResult(body.get("status") == "cancelado", body.get("status_sefaz", ""),
                           body.get("mensagem_sefaz", ""), "cancellation")

    def correct(self, ref: str, correction: str) -> EventResult:
        """Register a correction letter; Focus numbers them, each replacing the one before."""
        correction_check(correction)
        _status, body = self._request("POST", f"/v2/nfe/{ref}/carta_correcao", json={"correcao": correction})
        return EventResult(body.get("status") == "autorizado", body.get("status_sefaz", ""),
                           body.get("mensagem_sefaz", ""), "correction",
                           sequence=int(body.get("numero_carta_correcao") or 1))

    def download(self, path: str) -> bytes:
        """A file Focus keeps for the note (caminho_xml_nota_fiscal, caminho_danfe...): a path on
        Focus's own host, which is all we follow (a path such as "@elsewhere/x" would make the URL
        point at another host)."""
        if not path.startswith("/") or path.startswith("//"):
            raise FocusError(_("Focus NFe gave a file address that is not on its own server: %(path)s")
                             % {"path": path})
        _status, content = self._request("GET", path)
        return content if isinstance(content, bytes) else b""

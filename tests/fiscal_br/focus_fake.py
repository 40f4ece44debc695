"""Focus NFe on a local server, answering as its documentation shows (github.com/FocusNFe/api-doc,
source/includes/_nfe.md and index.html.md): the same paths, statuses, fields and error bodies.

Like the real service it checks the token (HTTP Basic, empty password), answers a new note
"processando_autorizacao" and settles it on a later query, lets a reference be sent again after
"erro_autorizacao" but not after "autorizado", and cancels and corrects authorised notes only.
What SEFAZ would say is decided from the note the way SEFAZ would: a homologation note whose
recipient is not SEFAZ's sentence gets the very 598 Focus's documentation shows; a customer on the
`irregular` list is denied (302). The authorised XML is the one `authorise(ref)` gives.
"""

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from werkzeug import Request, Response

HOMOLOGATION_NAME = "NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL"
REJECTION_598 = ("NF-e emitida em ambiente de homologacao com Razao Social do destinatario diferente de "
                 "NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL")
REGISTERED = {"status_sefaz": "135", "mensagem_sefaz": "Evento registrado e vinculado a NF-e"}


@dataclass
class Note:
    payload: dict
    status: str = "processando_autorizacao"
    sefaz: tuple[str, str] = ("", "")  # status_sefaz, mensagem_sefaz
    queries: int = 0
    key: str = ""
    corrections: int = 0
    sent: int = 1


@dataclass
class FakeFocus:
    token: str
    authorise: Callable[[str], tuple[str, bytes]]  # ref -> (key, the nfeProc SEFAZ returned)
    irregular: set[str] = field(default_factory=set)
    notes: dict[str, Note] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def install(self, server) -> None:
        server.expect_request(re.compile(".*")).respond_with_handler(self)

    @staticmethod
    def _json(body: dict, status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json; charset=utf-8")

    def _error(self, status: int, code: str, message: str, errors: list | None = None) -> Response:
        body = {"codigo": code, "mensagem": message} | ({"erros": errors} if errors is not None else {})
        return self._json(body, status)

    def _authenticated(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header == "Basic " + base64.b64encode(f"{self.token}:".encode()).decode()

    def __call__(self, request: Request) -> Response:
        self.requests.append((request.method, request.full_path.rstrip("?")))
        if not self._authenticated(request):
            return self._error(403, "permissao_negada", "Acesso negado: token inválido")
        if request.path in self.files:
            return Response(self.files[request.path], content_type="application/xml")
        match = re.fullmatch(r"/v2/nfe(?:/(?P<ref>[^/]+))?(?P<action>/carta_correcao)?", request.path)
        if not match:
            return self._error(404, "nao_encontrado", "Recurso não encontrado")
        ref, action = match["ref"], match["action"]
        if request.method == "POST" and ref is None:
            return self._send(request.args.get("ref", ""), request.get_json())
        note = self.notes.get(ref)
        if note is None:
            return self._error(404, "nao_encontrado", "Nota fiscal não encontrada")
        if request.method == "GET":
            return self._query(ref, note)
        if request.method == "DELETE":
            return self._cancel(ref, note, request.get_json())
        if request.method == "POST" and action:
            return self._correct(ref, note, request.get_json())
        return self._error(404, "nao_encontrado", "Utilize o método POST")

    def _send(self, ref: str, payload: dict) -> Response:
        if not payload.get("cnpj_destinatario") and not payload.get("cpf_destinatario"):
            return self._error(422, "erro_validacao_schema", "Erro na validação do Schema XML, verifique o "
                               "detalhamento dos erros", [{"mensagem": "Preencha pelo menos um documento do "
                                                           "destinatário: cnpj_destinatario ou cpf_destinatario",
                                                           "campo": None}])
        previous = self.notes.get(ref)
        if previous and previous.status == "autorizado":
            return self._error(422, "nfe_autorizada", "Nota fiscal já autorizada")
        if previous and previous.status == "processando_autorizacao":
            return self._error(422, "em_processamento", "Nota fiscal em processamento")
        self.notes[ref] = Note(payload, sent=previous.sent + 1 if previous else 1)
        return self._json({"cnpj_emitente": payload["cnpj_emitente"], "ref": ref,
                           "status": "processando_autorizacao"}, 202)

    def _settle(self, ref: str, note: Note) -> None:
        payload = note.payload
        recipient = payload.get("cnpj_destinatario") or payload.get("cpf_destinatario")
        if payload["nome_destinatario"] != HOMOLOGATION_NAME:
            note.status, note.sefaz = "erro_autorizacao", ("598", REJECTION_598)
        elif recipient in self.irregular:
            note.status, note.sefaz = "denegado", ("302", "Uso Denegado: Irregularidade fiscal do destinatário")
            note.key, _xml = self.authorise(ref)
        else:
            note.status, note.sefaz = "autorizado", ("100", "Autorizado o uso da NF-e")
            note.key, xml = self.authorise(ref)
            self.files[self._path(payload, note.key, "nfe.xml")] = xml

    @staticmethod
    def _path(payload: dict, key: str, suffix: str) -> str:
        return f"/arquivos_development/{payload['cnpj_emitente']}/{key[2:6]}/XMLs/{key}-{suffix}"

    def _query(self, ref: str, note: Note) -> Response:
        note.queries += 1
        if note.status == "processando_autorizacao" and note.queries > 1:
            self._settle(ref, note)
        body = {"cnpj_emitente": note.payload["cnpj_emitente"], "ref": ref, "status": note.status}
        if note.status == "processando_autorizacao":
            return self._json(body)
        code, message = note.sefaz
        body |= {"status_sefaz": code, "mensagem_sefaz": message}
        if note.status in ("autorizado", "cancelado"):
            body |= {"chave_nfe": f"NFe{note.key}", "numero": note.payload["numero"], "serie": note.payload["serie"],
                     "caminho_xml_nota_fiscal": self._path(note.payload, note.key, "nfe.xml"),
                     "caminho_danfe": f"/arquivos_development/{note.key}.pdf"}
        return self._json(body)

    def _cancel(self, ref: str, note: Note, body: dict) -> Response:
        justification = (body or {}).get("justificativa", "")
        if not 15 <= len(justification) <= 255:
            return self._error(400, "requisicao_invalida",
                               'Parâmetro "justificativa" deve ter entre 15 e 255 caracteres')
        if note.status != "autorizado":
            return self._error(422, "nfe_nao_autorizada", "Nota fiscal não autorizada")
        note.status, note.sefaz = "cancelado", (REGISTERED["status_sefaz"], REGISTERED["mensagem_sefaz"])
        return self._json(REGISTERED | {"status": "cancelado",
                                        "caminho_xml_cancelamento": self._path(note.payload, note.key, "can.xml")})

    def _correct(self, ref: str, note: Note, body: dict) -> Response:
        correction = (body or {}).get("correcao", "")
        if not 15 <= len(correction) <= 1000:
            return self._error(400, "requisicao_invalida", 'Parâmetro "correcao" deve ter entre 15 e 1000 caracteres')
        if note.status != "autorizado":
            return self._error(422, "nfe_nao_autorizada", "Nota fiscal não autorizada")
        note.corrections += 1
        suffix = f"cce-{note.corrections:02d}.xml"
        return self._json(REGISTERED | {
            "status": "autorizado", "caminho_xml_carta_correcao": self._path(note.payload, note.key, suffix),
            "caminho_pdf_carta_correcao": f"/notas_fiscais/NFe{note.key}/cartas_correcao/{note.corrections}.pdf",
            "numero_carta_correcao": note.corrections,
        })

"""A PSP on this machine speaking Banco Central's API Pix (https://bacen.github.io/pix-api/), on
pytest-httpserver: OAuth 2.0 client credentials at /oauth/token, `PUT /v2/cob/{txid}` and
`GET /v2/cob/{txid}` answering in the API's own JSON, refusals as its RFC 7807 problems."""

import base64
import json
import re
from datetime import UTC, datetime
from decimal import Decimal

from werkzeug import Request, Response

CLIENT_ID = "Client_Id_4f7b1c"
CLIENT_SECRET = "Client_Secret_9a2e6d"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.fake-psp-token"
TXID = re.compile(r"^/v2/cob/(?P<txid>[a-zA-Z0-9]{26,35})$")
COB_INVALID = {
    "type": "https://pix.bcb.gov.br/api/v2/error/CobOperacaoInvalida",
    "title": "Cobrança inválida.",
    "status": 400,
    "detail": "A requisição que busca alterar ou criar uma cobrança para pagamento imediato não respeita o schema ou "
              "está semanticamente errada.",
    "violacoes": [{"razao": "O campo cob.chave não corresponde a uma chave do recebedor.", "propriedade": "cob.chave"}],
}


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


class FakePsp:
    """`refuse`: the next charge is refused with `problem`. `requests` keeps what was asked."""

    def __init__(self, server):
        self.server = server
        self.cobs: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict | None]] = []
        self.problem: dict | None = None
        server.expect_request("/oauth/token", method="POST").respond_with_handler(self._token)
        server.expect_request(TXID, method="PUT").respond_with_handler(self._put)
        server.expect_request(TXID, method="GET").respond_with_handler(self._get)

    @property
    def base_url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def settings(self) -> dict:
        return {"psp": "api_pix", "psp_base_url": self.base_url, "psp_client_id": CLIENT_ID,
                "psp_client_secret": CLIENT_SECRET}

    def pay(self, txid: str, *, end_to_end_id: str, amount: str, at: str = "2025-11-13T15:30:00.000Z") -> None:
        cob = self.cobs[txid]
        cob["status"] = "CONCLUIDA"
        cob["pix"] = [{"endToEndId": end_to_end_id, "txid": txid, "valor": amount, "horario": at}]

    def remove(self, txid: str) -> None:
        self.cobs[txid]["status"] = "REMOVIDA_PELO_USUARIO_RECEBEDOR"

    # --- The API --------------------------------------------------------------------------------

    def _token(self, request: Request) -> Response:
        credentials = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        self.requests.append(("POST", "/oauth/token", None))
        if request.headers.get("Authorization") != f"Basic {credentials}" or \
                request.form.get("grant_type") != "client_credentials":
            return _json({"error": "invalid_client", "error_description": "Client authentication failed."}, 401)
        return _json({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600,
                      "scope": "cob.write cob.read pix.read"})

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {TOKEN}"

    def _put(self, request: Request) -> Response:
        txid = TXID.match(request.path)["txid"]
        body = request.get_json()
        self.requests.append(("PUT", request.path, body))
        if not self._authorized(request):
            return _json({"type": "https://pix.bcb.gov.br/api/v2/error/AcessoNegado", "title": "Acesso Negado",
                          "status": 403, "detail": "Requisição de participante autenticado que viola alguma regra "
                                                   "de autorização."}, 403)
        if self.problem is not None:
            return _json(self.problem, self.problem["status"])
        Decimal(body["valor"]["original"])  # the API's amounts are strings of a decimal
        cob = {
            "calendario": {"criacao": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                           "expiracao": body["calendario"]["expiracao"]},
            "txid": txid,
            "revisao": 0,
            "loc": {"id": len(self.cobs) + 789, "location": f"pix.example.com/qr/v2/{txid.lower()}", "tipoCob": "cob"},
            "location": f"pix.example.com/qr/v2/{txid.lower()}",
            "status": "ATIVA",
            "valor": {"original": body["valor"]["original"]},
            "chave": body["chave"],
            "solicitacaoPagador": body.get("solicitacaoPagador", ""),
        }
        self.cobs[txid] = cob
        return _json(cob, 201)

    def _get(self, request: Request) -> Response:
        txid = TXID.match(request.path)["txid"]
        self.requests.append(("GET", request.path, None))
        if not self._authorized(request):
            return _json({"title": "Acesso Negado", "status": 403}, 403)
        if txid not in self.cobs:
            return _json({"type": "https://pix.bcb.gov.br/api/v2/error/CobNaoEncontrado",
                          "title": "Cobrança não encontrada.", "status": 404,
                          "detail": "Cobrança não encontrada para o txid informado."}, 404)
        return _json(self.cobs[txid])

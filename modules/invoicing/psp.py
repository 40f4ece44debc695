"""The PSP that holds dynamic PIX charges: Banco Central's "API Pix" (the `cob` flow), or the
sandbox when the workspace has configured none.

API Pix, as Banco Central specifies it (https://bacen.github.io/pix-api/, v2) and every PSP
implements it:
- OAuth 2.0 client credentials: `POST {base}/oauth/token` with HTTP Basic `client_id:secret` and
  `grant_type=client_credentials` answers `{"access_token", "token_type": "Bearer", "expires_in"}`
  (the token's path is the PSP's own; /oauth/token is the common one). A token is asked for each
  operation: it keeps no bearer secret in our caches, at the cost of one more round trip.
- `PUT {base}/v2/cob/{txid}` with `{"calendario": {"expiracao": seconds}, "valor": {"original":
  "10.00"}, "chave": key, "solicitacaoPagador": text}` creates the charge: `201` with its
  `"loc": {"id", "location", "tipoCob": "cob"}`, `"location"` (the payload's address, without
  https://, that the BR Code carries), `"status": "ATIVA"` and `"calendario": {"criacao",
  "expiracao"}`.
- `GET {base}/v2/cob/{txid}` reads it again: `"status"` becomes `CONCLUIDA` once paid, with
  `"pix": [{"endToEndId", "txid", "valor", "horario"}]`, or `REMOVIDA_PELO_USUARIO_RECEBEDOR` /
  `REMOVIDA_PELO_PSP`.
- Refusals are RFC 7807 problems: `{"type": "https://pix.bcb.gov.br/api/v2/error/CobOperacaoInvalida",
  "title", "status", "detail", "violacoes": [{"razao", "propriedade"}]}`.
PSPs also ask for mutual TLS with a certificate they issue: that is the HTTP client's set-up, not
this flow's, and is not configured here.

The sandbox makes the charge here, offline, with a location on our own domain: its codes read
back like a PSP's but no bank app can pay them; payments reach it through the webhook.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings as django_settings
from django.utils import timezone
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 10
SANDBOX = "sandbox"
API_PIX = "api_pix"
REMOVED = ("REMOVIDA_PELO_USUARIO_RECEBEDOR", "REMOVIDA_PELO_PSP")


@dataclass(frozen=True)
class CobPayment:
    end_to_end_id: str
    txid: str
    amount: Decimal
    paid_at: datetime


@dataclass(frozen=True)
class Cob:
    """A charge as the PSP holds it."""

    txid: str
    location: str
    status: str  # ATIVA, CONCLUIDA, REMOVIDA_PELO_USUARIO_RECEBEDOR, REMOVIDA_PELO_PSP
    created_at: datetime
    expires_in: int  # seconds after created_at
    payments: tuple[CobPayment, ...] = ()


class PspError(Exception):
    """The PSP refused or could not be reached. `message` is for the person, translated; `problem`
    is the PSP's own answer, when it gave one."""

    def __init__(self, message: str, *, problem: dict | None = None):
        super().__init__(message)
        self.message = message
        self.problem = problem or {}


class ApiPix:
    """A PSP speaking API Pix at `base_url` (https://pix.example.com/api, without /v2)."""

    def __init__(self, base_url: str, client_id: str, client_secret: str):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret

    def cob_create(self, *, txid: str, amount: Decimal, key: str, expires_in: int, description: str = "") -> Cob:
        body = {"calendario": {"expiracao": expires_in}, "valor": {"original": f"{amount:.2f}"}, "chave": key}
        if description:
            body["solicitacaoPagador"] = description[:140]
        return _cob(self._request("PUT", f"/v2/cob/{txid}", json=body))

    def cob_get(self, txid: str) -> Cob:
        return _cob(self._request("GET", f"/v2/cob/{txid}"))

    def _token(self, session: requests.Session) -> str:
        try:
            response = session.post(
                f"{self.base_url}/oauth/token", data={"grant_type": "client_credentials"},
                auth=(self.client_id, self.client_secret), timeout=TIMEOUT_SECONDS,
            )
        except requests.RequestException:
            raise _unreachable() from None
        if response.status_code in (400, 401, 403):
            raise PspError(_("The PIX provider refused our credentials: check the client id and secret in the PIX "
                             "settings."), problem=_json(response))
        token = _json(response).get("access_token") if response.ok else None
        if not isinstance(token, str) or not token:
            raise _unexpected()
        return token

    def _request(self, method: str, path: str, *, json: dict | None = None) -> dict:
        with requests.Session() as session:
            token = self._token(session)
            try:
                response = session.request(
                    method, f"{self.base_url}{path}", json=json, timeout=TIMEOUT_SECONDS,
                    headers={"Authorization": f"Bearer {token}"},
                )
            except requests.RequestException:
                raise _unreachable() from None
        answer = _json(response)
        if not response.ok:
            raise PspError(
                _("The PIX provider refused the charge: %(detail)s")
                % {"detail": answer.get("detail") or answer.get("title") or response.reason},
                problem=answer,
            )
        return answer


class Sandbox:
    """No PSP: the charge is made here, with a location no bank app can fetch."""

    def cob_create(self, *, txid: str, amount: Decimal, key: str, expires_in: int, description: str = "") -> Cob:
        location = f"pix.{django_settings.INNEXAR_BASE_DOMAIN}/sandbox/qr/v2/{txid}"
        return Cob(txid=txid, location=location, status="ATIVA", created_at=timezone.now(), expires_in=expires_in)

    def cob_get(self, txid: str) -> None:
        """Nothing to ask: the sandbox keeps no charges, its payments come by the webhook."""
        return None


def psp_for(pix_settings) -> ApiPix | Sandbox:
    """The workspace's PSP (`PixSettings.psp`): API Pix at its address, or the sandbox."""
    if pix_settings.psp == API_PIX:
        return ApiPix(pix_settings.psp_base_url, pix_settings.psp_client_id, pix_settings.psp_client_secret)
    return Sandbox()


# --- Reading the PSP's answers ----------------------------------------------------------------


def _json(response: requests.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _unreachable() -> PspError:
    return PspError(_("The PIX provider could not be reached: try again in a moment."))


def _unexpected() -> PspError:
    return PspError(_("The PIX provider answered something we could not read: try again in a moment."))


def _cob(answer: dict) -> Cob:
    """A `cob` as API Pix writes it; PspError when it lacks what a charge needs."""
    try:
        calendar = answer.get("calendario") or {}
        location = answer.get("location") or (answer.get("loc") or {}).get("location")
        if not isinstance(location, str) or not location:
            raise ValueError("a charge without its location")
        return Cob(
            txid=str(answer["txid"]), location=location, status=str(answer["status"]),
            created_at=_moment(calendar.get("criacao")) or timezone.now(),
            expires_in=int(calendar.get("expiracao", 86400)),
            payments=tuple(_payment(payment) for payment in answer.get("pix") or ()),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError):
        raise _unexpected() from None


def _payment(payment: dict) -> CobPayment:
    return CobPayment(
        end_to_end_id=str(payment["endToEndId"]), txid=str(payment.get("txid", "")),
        amount=Decimal(str(payment["valor"])), paid_at=_moment(payment["horario"]),
    )


def _moment(text) -> datetime | None:
    """An RFC 3339 date-time of the API (`2020-09-09T20:15:00.358Z`); None when absent."""
    if not text:
        return None
    moment = datetime.fromisoformat(str(text))
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)

"""Posting a delivery to a receiver, guarded against SSRF.

A URL is checked when it is registered and again at each delivery: only http(s), and every
address its host resolves to must be public (no loopback, private, link-local such as the cloud
metadata 169.254.169.254, multicast, reserved or unspecified), unless
`INNEXAR_WEBHOOKS_ALLOW_PRIVATE` (development and tests). The connection then goes to the address
that was checked, never to a second lookup's answer (DNS rebinding), with the URL's host in the
Host header and, for https, in SNI and the certificate check. Redirects are not followed: a 3xx is
the receiver's answer.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 10


class UrlRefused(Exception):
    """A URL that may not be delivered to; the message says why, in the reader's language."""


class HostNotFound(UrlRefused):
    """The host did not resolve: refused at registration, retried at delivery (DNS hiccups)."""


class TransportError(Exception):
    """No answer: a timeout, a refused or reset connection, a TLS failure."""


@dataclass(frozen=True)
class Answer:
    status: int
    retry_after: str | None
    duration_ms: int


def _address_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    return address.is_global and not address.is_multicast


def url_resolve(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) of a deliverable URL; UrlRefused otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UrlRefused(_("Enter a valid URL.")) from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlRefused(_("Only http and https URLs can receive webhooks."))
    if parts.username or parts.password:
        raise UrlRefused(_("Put credentials in the secret, not in the URL."))
    host = parts.hostname
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise HostNotFound(_("The host %(host)s could not be found.") % {"host": host}) from error
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in found]
    if not settings.INNEXAR_WEBHOOKS_ALLOW_PRIVATE and not all(_address_public(a) for a in addresses):
        raise UrlRefused(
            _("%(host)s is a private, local or reserved address: webhooks go to public addresses only.")
            % {"host": host}
        )
    return parts.scheme, host, port, str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = 443

    def connect(self) -> None:
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float = TIMEOUT_SECONDS) -> Answer:
    """POST `body` to `url` (checked and pinned as above). UrlRefused, or TransportError when
    no answer came."""
    scheme, host, port, address = url_resolve(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request("POST", path, body=body, headers={**headers, "Content-Length": str(len(body))})
        response = connection.getresponse()
        response.read(64 * 1024)  # the answer's body is not kept; read a little so the receiver is not cut off
        return Answer(response.status, response.getheader("Retry-After"), round((time.monotonic() - started) * 1000))
    except (OSError, http.client.HTTPException) as error:
        raise TransportError(str(error) or error.__class__.__name__) from error
    finally:
        connection.close()

"""Signed, expiring links bound to one tenant: a file download, a sign-in hand-off.

A token names its purpose (the salt) and its tenant, so a link made for a logo is no sign-in
and a link of workspace A opens nothing on workspace B's host, even with the same file name.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

FILE_PURPOSE = "innexar.files"


def tenant_token(payload: dict, *, purpose: str, tenant_id: int) -> str:
    return signing.dumps({**payload, "tenant": tenant_id}, salt=purpose, compress=True)


def tenant_token_payload(token: str, *, purpose: str, tenant_id: int, max_age: int) -> dict | None:
    """The payload, if the token is genuine, younger than `max_age` seconds and made for this tenant."""
    try:
        payload = signing.loads(token, salt=purpose, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(payload, dict) or payload.get("tenant") != tenant_id:
        return None
    return payload


def file_url(name: str, *, tenant_id: int) -> str:
    """A link to a stored file of the tenant, valid INNEXAR_FILE_LINK_SECONDS on its own host."""
    token = tenant_token({"file": name}, purpose=FILE_PURPOSE, tenant_id=tenant_id)
    return reverse("file_download", args=[token], urlconf=settings.ROOT_URLCONF)  # the workspace's URLs


def file_for_link(token: str, *, tenant_id: int) -> str | None:
    """The stored file a link names, if it is valid on this tenant and the file is the tenant's."""
    payload = tenant_token_payload(
        token, purpose=FILE_PURPOSE, tenant_id=tenant_id, max_age=settings.INNEXAR_FILE_LINK_SECONDS
    )
    name = payload.get("file") if payload else None
    if not isinstance(name, str) or not name.startswith(f"tenants/{tenant_id}/"):
        return None
    return name

"""The link a customer pays an invoice through: `/pay/<token>/` on the workspace's own host, no
sign-in. The token is signed (core.signing) for one invoice of one workspace, so it opens on no
other host, and it expires INNEXAR_PAY_LINK_DAYS (120 by default) after it was made; every mail
or payment link made later carries a fresh one.
"""

from django.conf import settings
from django.db import connection
from django.urls import reverse

from modules.core.signing import tenant_token, tenant_token_payload

PAY_PURPOSE = "innexar.invoicing.pay"


def pay_token(invoice_id: int) -> str:
    return tenant_token({"invoice": invoice_id}, purpose=PAY_PURPOSE, tenant_id=connection.tenant.pk)


def pay_url(invoice_id: int) -> str:
    """The absolute link, on the host of the workspace at work now."""
    path = reverse("invoicing_pay:pay_page", args=[pay_token(invoice_id)], urlconf=settings.ROOT_URLCONF)
    return connection.tenant.workspace_url(path)


def pay_token_invoice_id(token: str) -> int | None:
    """The invoice a token opens, if it is genuine, unexpired and made for this workspace."""
    payload = tenant_token_payload(
        token, purpose=PAY_PURPOSE, tenant_id=connection.tenant.pk, max_age=settings.INNEXAR_PAY_LINK_DAYS * 86400
    )
    invoice_id = payload.get("invoice") if payload else None
    return invoice_id if isinstance(invoice_id, int) else None

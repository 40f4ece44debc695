"""What the fiscal tests of invoicing share: a Brazilian and a Mexican company with everything their
documents need, their customers, and reading back the files an invoice's signed links give."""

from urllib.parse import urlsplit

from django_tenants.utils import tenant_context
from lxml import etree

from modules.invoicing.fiscal_settings import fiscal_settings_update

from .conftest import company_in, item

URL = "/api/v1/invoicing/invoices/"
SETTINGS_URL = "/api/v1/invoicing/fiscal/settings/"
COMPANY_CNPJ = "11222333000181"
BRAZILIAN_COMPANY = {
    "country": "BR", "legal_name": "Padaria São José Ltda", "trade_name": "Padaria São José",
    "tax_id": "11.222.333/0001-81", "state": "SP", "city": "Alumínio", "address": "Rua Paulo Dias, 586 - Centro",
    "postal_code": "18125-000", "tax_regime": "simples_nacional", "state_registration": "110.042.490.114",
}
BRAZILIAN_CUSTOMER = {
    "name": "Joana Prado", "company": "Mercado Brooklin Ltda", "tax_id": "81.493.979/0001-89", "country": "BR",
    "state": "SP", "city": "São Paulo", "address": "Rua Samuel Morse, 135 - Brooklin", "postal_code": "04576-060",
    "state_registration": "460.429.771.334",
}
# SAT's test taxpayers: the sandbox seals EKU9003173C9's CFDI with SAT's public test CSD.
MEXICAN_COMPANY = {
    "country": "MX", "legal_name": "Escuela Kemper Urgate", "tax_id": "EKU9003173C9", "tax_regime": "601",
    "state": "Hidalgo", "city": "Pachuca", "address": "Av. Juárez 100", "postal_code": "42501",
}
MEXICAN_CUSTOMER = {
    "name": "Rosa Ibarra", "company": "Universidad Robotica Española", "tax_id": "URE180429TM6", "country": "MX",
    "postal_code": "86991", "tax_regime": "601", "cfdi_use": "G03",
}


def brazilian_company(team, **changes) -> None:
    company_in(team, **(BRAZILIAN_COMPANY | changes))


def mexican_company(team, **changes) -> None:
    company_in(team, **(MEXICAN_COMPANY | changes))


def fiscal_on(team, **changes) -> None:
    """The team issues fiscal documents (the sandbox, unless told otherwise)."""
    with tenant_context(team.tenant):
        fiscal_settings_update(actor=team.admin, changes={"enabled": True, **changes})


def bread(**fields) -> dict:
    return item("Pão de forma integral", "3", "8.90", ncm="19052090", **fields)


def download(client, team, link: str) -> bytes:
    """What a signed link gives on the team's host."""
    response = client.get(urlsplit(link).path, HTTP_HOST=team.host)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def xml(content: bytes) -> etree._Element:
    return etree.fromstring(content)

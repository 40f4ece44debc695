"""The fiscal step of issuing an invoice: the document a country's tax authority wants for it
(Brazil's NF-e or NFS-e, Mexico's CFDI), chosen by the company's country.

One interface, `fiscal_document_issue(invoice) -> FiscalResult`, and a registry of issuers by
country that the fiscal modules fill when their apps load (`fiscal_issuer_register("BR", issuer)`).
A country without an issuer has no fiscal document: the invoice is issued without one, and its
`nfe_*` and `cfdi_*` fields stay empty; nothing is made up. Brazil's (fiscal_brazil.py: NF-e or
NFS-e) and Mexico's (fiscal_mexico.py: CFDI) are registered when the app loads; each issues only
for a workspace that turned fiscal documents on in its fiscal settings (fiscal_settings.py), so
a company still filling in its data keeps invoicing, its billing runs included.

An issuer runs inside the issue's transaction: raising a DomainError (the authority refused)
refuses the issue, and nothing of it stays. Its files (the XML, the DANFE) are tenant files
(core.files paths), handed out as signed links.
"""

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime

from django.db import connection

from modules.tenancy.selectors import tenant_country

from .models import Invoice


@dataclass(frozen=True)
class FiscalResult:
    """What the authority gave back, in the invoice's own field names; empty where it gave nothing.
    `clear` names fields the answer empties (a late rejection clears the pending status)."""

    nfe_number: str = ""
    nfe_key: str = ""
    nfe_status: str = ""  # models.FiscalStatus
    nfe_xml: str = ""  # tenant file paths
    nfe_pdf: str = ""
    cfdi_uuid: str = ""
    cfdi_xml: str = ""
    cfdi_pdf: str = ""
    fiscal_document: str = ""  # nfe, nfse, cfdi
    fiscal_series: int | None = None
    fiscal_numeric_code: str = ""
    fiscal_provider: str = ""
    fiscal_reference: str = ""
    fiscal_protocol: str = ""
    fiscal_outcome: str = ""
    fiscal_code: str = ""
    fiscal_reason: str = ""
    fiscal_authorized_at: datetime | None = None
    clear: tuple[str, ...] = ()

    def changes(self) -> dict:
        """The invoice's fields this result fills (or empties)."""
        filled = {field.name: getattr(self, field.name) for field in fields(self)
                  if field.name != "clear" and getattr(self, field.name)}
        return {**filled, **dict.fromkeys(self.clear, "")}


NO_DOCUMENT = FiscalResult()

FiscalIssuer = Callable[[Invoice], FiscalResult]

_issuers: dict[str, FiscalIssuer] = {}


def fiscal_issuer_register(country: str, issuer: FiscalIssuer) -> None:
    """`issuer(invoice)` makes the fiscal document of invoices issued by companies in `country`
    (ISO 3166 alpha-2, "BR")."""
    _issuers[country] = issuer


def fiscal_issuer(country: str) -> FiscalIssuer | None:
    return _issuers.get(country)


def fiscal_document_issue(invoice: Invoice) -> FiscalResult:
    """The fiscal document of an invoice being issued, by its company's country's issuer, or
    NO_DOCUMENT where the country has none."""
    issuer = fiscal_issuer(tenant_country(connection.tenant))
    return NO_DOCUMENT if issuer is None else issuer(invoice)

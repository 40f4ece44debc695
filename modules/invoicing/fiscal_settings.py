"""The workspace's fiscal set-up: its settings (provider, environment, series...) and its signing
certificates, Brazil's A1 and Mexico's CSD.

A certificate is checked when it is uploaded (it opens with its password, it is current, and it
is the company's: the A1's CNPJ root, the CSD's RFC) and kept encrypted (core.secrets); what the
pages show (whose, until when, whether it expires within 30 days) is stored beside it. The
sandbox needs none: it signs with a test certificate of its own (fiscal_br) or, for SAT's test
RFCs, SAT's public test CSD (fiscal_mx).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.accounts.models import User
from modules.core.models import Sequence
from modules.events.services import event_record, payload_changes
from modules.tenancy.selectors import company_profile_current

from . import events
from .fiscal_br.errors import FiscalDataError as BrazilDataError
from .fiscal_br.signing import Certificate, certificate_load, certificate_problems
from .fiscal_mx.csd import Csd, csd_load, csd_problems
from .fiscal_mx.errors import FiscalDataError as MexicoDataError
from .models import CertificateKind, FiscalCertificate, FiscalProvider, FiscalSettings

EXPIRY_WARNING = timedelta(days=30)
SETTINGS_FIELDS = (
    "enabled", "provider", "environment", "provider_token", "provider_base_url", "nfe_series", "nfse_series",
    "pis_cofins_regime", "payment_method", "iss_rate", "nbs",
)
# Which providers serve which country: Focus NFe signs and sends NF-e, SW sapien stamps CFDI.
PROVIDER_COUNTRIES = {FiscalProvider.FOCUS_NFE: "BR", FiscalProvider.SW_SAPIEN: "MX"}


def fiscal_settings() -> FiscalSettings:
    """The workspace's settings, or the defaults (sandbox, homologation, series 1) unsaved."""
    return FiscalSettings.objects.first() or FiscalSettings()


def company_tax_id() -> str:
    profile = company_profile_current()
    return "".join(char for char in (profile.tax_id if profile else "").upper() if char.isalnum())


def series_key(document: str, series: int) -> str:
    """The core.numbering key of a series: one sequence per company and series, so a company that
    changes its CNPJ starts its own numbering, as SEFAZ counts them."""
    return f"{document}:{company_tax_id()}:{series}"


def series_next_number(document: str, series: int) -> int:
    """The number the next document of the series will take (what the settings page shows)."""
    last = Sequence.objects.filter(key=series_key(document, series)).values_list("last_value", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def fiscal_settings_update(*, actor: User, changes: dict) -> FiscalSettings:
    """Change the settings; a token left out (or empty) is kept."""
    settings = FiscalSettings.objects.select_for_update().first() or FiscalSettings()
    before = events.fiscal_settings_json(settings) if settings.pk else {}
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not fiscal settings: {sorted(unknown)}")
    if not changes.get("provider_token", "x"):
        changes.pop("provider_token")
    for name, value in changes.items():
        setattr(settings, name, value.strip() if isinstance(value, str) else value)
    _settings_check(settings)
    settings.save()
    after = events.fiscal_settings_json(settings)
    changed = payload_changes(before, after)
    if "provider_token" in changes:
        changed["provider_token"] = {"old": "(secret)", "new": "(secret)"}  # that it changed, never its value
    if changed:
        event_record(name=events.FISCAL_SETTINGS_UPDATED, payload=after, actor=actor, changes=changed)
    return settings


def _settings_check(settings: FiscalSettings) -> None:
    errors = {}
    profile = company_profile_current()
    country = profile.country if profile else ""
    wanted = PROVIDER_COUNTRIES.get(settings.provider)
    if wanted and wanted != country:
        errors["provider"] = [_("%(provider)s issues the documents of another country than the company's.")
                              % {"provider": FiscalProvider(settings.provider).label}]
    elif wanted and not settings.provider_token:
        errors["provider_token"] = [_("Enter the API token %(provider)s gave the company.")
                                    % {"provider": FiscalProvider(settings.provider).label}]
    if settings.nfe_series > 889:  # SEFAZ keeps 890-999 for itself
        errors["nfe_series"] = [_("A series goes from 0 to 889.")]
    if settings.nfse_series > 99999:  # a DPS's serie has 5 digits
        errors["nfse_series"] = [_("An NFS-e series goes from 0 to 99999.")]
    if settings.nbs and (len(settings.nbs) != 9 or not settings.nbs.isdigit()):
        errors["nbs"] = [_("The NBS code has 9 digits.")]
    if errors:
        raise ValidationError(errors)


# --- Certificates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateStatus:
    kind: str
    subject: str
    tax_id: str
    valid_from: datetime
    valid_until: datetime
    expired: bool
    expires_soon: bool  # within EXPIRY_WARNING: the pages warn


def certificate_status(certificate: FiscalCertificate | None, now: datetime | None = None) -> CertificateStatus | None:
    if certificate is None:
        return None
    now = now or timezone.now()
    return CertificateStatus(
        kind=certificate.kind, subject=certificate.subject, tax_id=certificate.tax_id,
        valid_from=certificate.valid_from, valid_until=certificate.valid_until,
        expired=certificate.valid_until < now, expires_soon=now <= certificate.valid_until < now + EXPIRY_WARNING,
    )


def certificates() -> dict[str, FiscalCertificate]:
    return {certificate.kind: certificate for certificate in FiscalCertificate.objects.all()}


def a1_certificate() -> Certificate | None:
    """The company's A1, ready to sign, or None when it uploaded none."""
    stored = FiscalCertificate.objects.filter(kind=CertificateKind.A1).first()
    return certificate_load(stored.content, stored.password) if stored else None


def csd_certificate() -> Csd | None:
    stored = FiscalCertificate.objects.filter(kind=CertificateKind.CSD).first()
    return csd_load(stored.content, stored.private_key, stored.password) if stored else None


def _problems_as_validation(problems) -> ValidationError:
    errors = {}
    for problem in problems:
        field = {"certificate": "file", "csd": "certificate", "csd.certificate": "certificate",
                 "csd.private_key": "private_key", "csd.password": "password"}.get(problem.field, problem.field)
        errors.setdefault(field, []).append(problem.message)
    return ValidationError(errors)


@transaction.atomic
def a1_certificate_upload(*, actor: User, pfx: bytes, password: str) -> FiscalCertificate:
    """Brazil's A1 (.pfx): it opens with `password`, is current and was issued to the company's CNPJ."""
    try:
        certificate = certificate_load(pfx, password)
    except BrazilDataError as error:
        raise _problems_as_validation(error.problems) from None
    problems = certificate_problems(certificate, company_tax_id(), timezone.now())
    if problems:
        raise _problems_as_validation(problems)
    return _certificate_store(
        actor, CertificateKind.A1, content=pfx, private_key=None, password=password,
        subject=certificate.subject_name, tax_id=certificate.cnpj or "",
        serial=format(certificate.certificate.serial_number, "x"),
        valid_from=certificate.not_before, valid_until=certificate.not_after,
    )


@transaction.atomic
def csd_upload(*, actor: User, certificate: bytes, private_key: bytes, password: str) -> FiscalCertificate:
    """Mexico's CSD (.cer and .key): the key opens with `password` and is the certificate's, and the
    certificate is a CSD (not an e.firma) of the company's RFC, current now."""
    try:
        csd = csd_load(certificate, private_key, password)
    except MexicoDataError as error:
        raise _problems_as_validation(error.problems) from None
    problems = csd_problems(csd, rfc=company_tax_id(), at=timezone.now())
    if problems:
        raise _problems_as_validation(problems)
    return _certificate_store(
        actor, CertificateKind.CSD, content=certificate, private_key=private_key, password=password,
        subject=csd.certificate.subject.rfc4514_string()[:255], tax_id=csd.rfc, serial=csd.number,
        valid_from=csd.valid_from, valid_until=csd.valid_until,
    )


def _certificate_store(actor: User, kind: str, **fields) -> FiscalCertificate:
    stored = FiscalCertificate.objects.select_for_update().filter(kind=kind).first() or FiscalCertificate(kind=kind)
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.uploaded_by = actor
    stored.save()
    event_record(name=events.FISCAL_CERTIFICATE_UPLOADED, payload=events.fiscal_certificate_json(stored), actor=actor)
    return stored

"""Tenant lifecycle: suspension and company profile changes. Signup, which makes a tenant and
its first user, is accounts' (accounts/signup.py): tenancy sits below accounts."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from modules.core.brazil.ibge import city_code_for, city_of_code, state_code
from modules.core.brazil.state_registration import EXEMPT, state_registration_valid
from modules.core.exceptions import DomainError

from .countries import COUNTRIES, tax_regime_allowed, tax_regime_codes
from .models import CompanyProfile, Country, Domain, Tenant
from .validators import normalize_tax_id

if TYPE_CHECKING:  # the actor's type only; tenancy imports nothing of accounts
    from modules.accounts.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def tenant_set_active(*, actor: User, tenant: Tenant, active: bool) -> Tenant:
    """Suspend (`active=False`) or reactivate a tenant; asking for what already is changes nothing.

    A suspended tenant's workspace answers "suspended" and its API tokens stop working: both
    read `Tenant.is_active` on every request, so nothing else needs touching here."""
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if tenant.schema_name == get_public_schema_name():
        raise DomainError(_("The platform's own tenant is always active."))
    if tenant.is_active != active:
        logger.info("User %s changed is_active of tenant %s: %s -> %s", actor.pk, tenant.pk, tenant.is_active, active)
        tenant.is_active = active
        tenant.save(update_fields=["is_active"])
    return tenant


@transaction.atomic
def tenant_setup_checklist_dismiss(*, actor: User, tenant: Tenant) -> Tenant:
    """Hide the dashboard's first-steps checklist for the whole workspace: an admin's call."""
    if not actor.is_tenant_admin or actor.tenant_id != tenant.pk:
        raise PermissionDenied(_("Only admins can hide the setup checklist."))
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if tenant.setup_checklist_dismissed_at is None:
        tenant.setup_checklist_dismissed_at = timezone.now()
        tenant.save(update_fields=["setup_checklist_dismissed_at"])
        logger.info("User %s hid the setup checklist of tenant %s", actor.pk, tenant.pk)
    return tenant


COMPANY_PROFILE_FIELDS = (
    "legal_name", "trade_name", "tax_id", "country", "state", "city", "address", "postal_code",
    "default_currency", "timezone", "language", "pix_key", "tax_regime", "state_registration",
    "municipal_registration", "city_code", "fiscal_document", "logo",
)


@transaction.atomic
def company_profile_update(
    *, actor: User, tenant: Tenant, changes: dict, follow_country: bool = True
) -> CompanyProfile:
    """Apply `changes` (already type-checked) to the tenant's company profile.

    A new country brings its currency and time zone along (`follow_country`), except those
    `changes` sets itself. What only applies to the old country goes: its tax regime, and the
    PIX key when the company leaves Brazil. The tax ID is checked against the country it will
    have after the change, so changing the country alone cannot leave a Brazilian CNPJ on a
    Mexican company; a tax regime or PIX key sent for a country that has none is refused."""
    profile = CompanyProfile.objects.select_for_update().get(tenant=tenant)
    unknown = set(changes) - set(COMPANY_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not company profile fields: {sorted(unknown)}")
    country = changes.get("country", profile.country)
    if country != profile.country:
        if follow_country:
            changes.setdefault("default_currency", COUNTRIES[country].currency)
            changes.setdefault("timezone", COUNTRIES[country].timezone)
        old_code = profile.tax_regime in (tax_regime_codes(profile.country) or ())  # the old country's catalogue
        if profile.tax_regime and "tax_regime" not in changes and (
            old_code or not tax_regime_allowed(country, profile.tax_regime)
        ):
            changes["tax_regime"] = ""
        if profile.pix_key and "pix_key" not in changes and not COUNTRIES[country].pix:
            changes["pix_key"] = ""
    _check_country_fields(country, changes)
    _check_fiscal_fields(profile, country, changes)
    if "tax_id" in changes or ("country" in changes and profile.tax_id):
        try:
            changes["tax_id"] = normalize_tax_id(country, changes.get("tax_id", profile.tax_id))
        except ValidationError as error:
            raise ValidationError({"tax_id": error.messages}) from None
    old = {field: getattr(profile, field) for field in changes}
    for field, value in changes.items():
        setattr(profile, field, value)
    profile.save(update_fields=[*changes, "updated_at"])  # a new time zone reaches every process (apps.py)
    logger.info(
        "User %s changed company profile of tenant %s: %s",
        actor.pk, tenant.pk, {f: (str(old[f]), str(changes[f])) for f in changes if old[f] != changes[f]},
    )
    return profile


def _check_country_fields(country: str, changes: dict) -> None:
    errors = {}
    if changes.get("tax_regime") and not tax_regime_allowed(country, changes["tax_regime"]):
        errors["tax_regime"] = [
            _("Not a tax regime of the company's country (%(country)s).") % {"country": Country(country).label}
        ]
    if changes.get("pix_key") and not COUNTRIES[country].pix:
        errors["pix_key"] = [_("A PIX key applies only to Brazilian companies.")]
    if errors:
        raise ValidationError(errors)


def _check_fiscal_fields(profile: CompanyProfile, country: str, changes: dict) -> None:
    """Brazil's registrations: the IE checked against the company's state (or ISENTO), the IBGE
    city code one of IBGE's in that state, and found from the city and state when left out (and
    again when they change without it). Other countries keep what is written."""
    for field in ("state_registration", "municipal_registration", "city_code"):
        if field in changes:
            changes[field] = changes[field].strip()
    if country != Country.BR:
        return
    after = {field: changes.get(field, getattr(profile, field)) for field in ("state", "city", "city_code")}
    uf = state_code(after["state"])
    errors = {}
    registration = changes.get("state_registration", "")
    if registration.upper() == EXEMPT:
        changes["state_registration"] = EXEMPT
    elif registration:
        if not uf:
            errors["state"] = [_("Enter the company's state (SP, RJ...): its state registration depends on it.")]
        elif not state_registration_valid(uf, registration):
            errors["state_registration"] = [
                _("Not a valid state registration (IE) of %(state)s: check its digits, or enter ISENTO.")
                % {"state": uf}
            ]
    if changes.get("city_code"):
        known = city_of_code(changes["city_code"])
        if known is None:
            errors["city_code"] = [_("Not an IBGE city code: 7 digits, São Paulo is 3550308.")]
        elif uf and known[0] != uf:
            errors["city_code"] = [_("IBGE code %(code)s is %(city)s, not a city of %(state)s.")
                                   % {"code": changes["city_code"], "city": known[1], "state": uf}]
    elif "city_code" in changes or not after["city_code"] or {"city", "state"} & set(changes):
        found = city_code_for(after["city"], uf) if uf else ""
        if found != profile.city_code:
            changes["city_code"] = found
    if errors:
        raise ValidationError(errors)


PLATFORM_HOSTS = ("", "admin.", "api.", "www.")


@transaction.atomic
def public_tenant_ensure() -> Tenant:
    """The public tenant and the hosts it answers on: marketing, platform admin and API."""
    tenant, _ = Tenant.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={"name": "Innexar", "subdomain": "public", "plan": "enterprise"},
    )
    for prefix in PLATFORM_HOSTS:
        Domain.objects.get_or_create(
            domain=f"{prefix}{settings.INNEXAR_BASE_DOMAIN}",
            defaults={"tenant": tenant, "is_primary": prefix == ""},
        )
    return tenant

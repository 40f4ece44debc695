"""Tenant lifecycle: signup (fast, atomic), suspension and company profile changes."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, ProgrammingError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_exists

from modules.accounts.emails import canonical_email, new_account_email
from modules.accounts.models import Role, User
from modules.core.exceptions import DomainError

from .countries import COUNTRIES, country_for_language, tax_regime_codes
from .models import CompanyProfile, Country, Domain, Tenant
from .schemas import schema_create_migrated, spare_schema_claim
from .validators import normalize_tax_id, schema_name_for, validate_subdomain

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Signup:
    tenant: Tenant
    admin: User


def primary_domain_for(subdomain: str) -> str:
    return f"{subdomain}.{settings.INNEXAR_BASE_DOMAIN}"


def tenant_signup(
    *, name: str, subdomain: str, plan: str, admin_name: str, admin_email: str, admin_password: str,
    language: str = "en", country: str | None = None,
) -> Signup:
    """Create a tenant, its schema, primary domain, company profile and admin in one transaction.

    The company starts in `country` (left out: the one its language suggests, country_for_language),
    with that country's currency and time zone.

    Everything, the schema rename included, is transactional: a failure leaves nothing behind.
    Two signups racing for the same name or email: the loser gets a ValidationError (codes
    `taken` and `email_taken`), not a database error. An address no new account may have
    (accounts.emails.new_account_email) is refused with its own `email_*` code.
    """
    try:
        return _tenant_signup(
            name=name, subdomain=subdomain, plan=plan, admin_name=admin_name, admin_email=admin_email,
            admin_password=admin_password, language=language, country=country,
        )
    except (IntegrityError, ProgrammingError) as error:
        if Tenant.objects.filter(subdomain=subdomain).exists() or schema_exists(schema_name_for(subdomain)):
            raise ValidationError(_("This name is already taken."), code="taken") from error
        if User.objects.filter(email=canonical_email(admin_email)).exists():
            raise ValidationError(_("A user with this email already exists."), code="email_taken") from error
        raise


@transaction.atomic
def _tenant_signup(
    *, name: str, subdomain: str, plan: str, admin_name: str, admin_email: str, admin_password: str, language: str,
    country: str | None,
) -> Signup:
    validate_subdomain(subdomain)
    country = country or country_for_language(language)
    if country not in COUNTRIES:
        raise ValidationError(_("Choose one of the countries offered."), code="invalid_country")
    admin_email = new_account_email(admin_email)
    schema_name = schema_name_for(subdomain)
    candidate_admin = User(email=admin_email, name=admin_name)
    validate_password(admin_password, user=candidate_admin)

    if not spare_schema_claim(schema_name=schema_name):
        schema_create_migrated(schema_name)

    tenant = Tenant.objects.create(
        schema_name=schema_name,
        subdomain=subdomain,
        name=name,
        plan=plan,
        trial_ends_on=timezone.localdate() + timedelta(days=settings.TRIAL_DAYS),
    )
    Domain.objects.create(domain=primary_domain_for(subdomain), tenant=tenant, is_primary=True)
    # Created here whichever way the schema came (spare or migrated now): the profile is a public row.
    defaults = COUNTRIES[country]
    CompanyProfile.objects.create(
        tenant=tenant, legal_name=name, trade_name=name, language=language, country=country,
        default_currency=defaults.currency, timezone=defaults.timezone,
    )
    admin = User.objects.create_user(
        admin_email, admin_password, name=admin_name, tenant=tenant, role=Role.ADMIN, language=language
    )
    if settings.SPARE_SCHEMA_AUTO_REPLENISH:
        from .tasks import replenish_spare_schemas

        # A little later: a burst of signups is served before migrations compete with it for CPU.
        transaction.on_commit(lambda: replenish_spare_schemas.apply_async(countdown=settings.SPARE_SCHEMA_REFILL_DELAY))
    return Signup(tenant=tenant, admin=admin)


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
    "default_currency", "timezone", "language", "pix_key", "tax_regime", "logo",
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
        if profile.tax_regime and profile.tax_regime not in tax_regime_codes(country) and "tax_regime" not in changes:
            changes["tax_regime"] = ""
        if profile.pix_key and "pix_key" not in changes and not COUNTRIES[country].pix:
            changes["pix_key"] = ""
    _check_country_fields(country, changes)
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
    if changes.get("tax_regime") and changes["tax_regime"] not in tax_regime_codes(country):
        errors["tax_regime"] = [
            _("Not a tax regime of the company's country (%(country)s).") % {"country": Country(country).label}
        ]
    if changes.get("pix_key") and not COUNTRIES[country].pix:
        errors["pix_key"] = [_("A PIX key applies only to Brazilian companies.")]
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

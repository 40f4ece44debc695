"""Signup: a new tenant (its schema, domain and company profile) and its first admin, at once.

Accounts' and not tenancy's: it makes a user, and tenancy sits below accounts."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, ProgrammingError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from modules.tenancy.countries import COUNTRIES, country_for_language
from modules.tenancy.models import CompanyProfile, Domain, Tenant
from modules.tenancy.schemas import schema_create_migrated, spare_schema_claim
from modules.tenancy.tasks import replenish_spare_schemas
from modules.tenancy.validators import schema_name_for, validate_subdomain

from .emails import canonical_email, new_account_email
from .models import Role, User


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
        # A little later: a burst of signups is served before migrations compete with it for CPU.
        transaction.on_commit(lambda: replenish_spare_schemas.apply_async(countdown=settings.SPARE_SCHEMA_REFILL_DELAY))
    return Signup(tenant=tenant, admin=admin)

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from modules.core.files import tenant_file_path
from modules.core.money import Currency
from modules.core.signing import file_url
from modules.core.sites import site_url
from modules.core.snapshots import AnnouncedQuerySet

from .plans import Plan


class Tenant(TenantMixin):
    name = models.CharField(_("name"), max_length=200)
    # The DNS label customers see (acme in acme.innexar.app); schema_name is its SQL twin.
    subdomain = models.CharField(_("subdomain"), max_length=63, unique=True)
    plan = models.CharField(_("plan"), max_length=20, choices=Plan.choices, default=Plan.STARTER)
    is_active = models.BooleanField(_("active"), default=True)
    trial_ends_on = models.DateField(_("trial ends on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When an admin hid the dashboard's first-steps checklist for everyone; null while it shows.
    setup_checklist_dismissed_at = models.DateTimeField(null=True, blank=True)

    # Requests keep tenants per process (selectors.py): a bulk update must reach them too.
    objects = AnnouncedQuerySet.as_manager()

    # Schemas come from the spare pool (modules.tenancy.schemas), never from save().
    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def workspace_url(self, path: str = "/") -> str:
        return site_url(self.subdomain, path)


class Domain(DomainMixin):
    objects = AnnouncedQuerySet.as_manager()


class SpareSchema(models.Model):
    """A schema already migrated and waiting to be renamed into a new tenant's."""

    schema_name = models.CharField(max_length=63, unique=True)
    # Which set of migrations it has: a spare from older code is never handed out.
    migrations_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.schema_name


class Country(models.TextChoices):
    US = "US", _("United States")
    BR = "BR", _("Brazil")
    MX = "MX", _("Mexico")


class FiscalDocument(models.TextChoices):
    """What a Brazilian company issues for a sale: goods (NF-e) or services (NFS-e)."""

    NFE = "nfe", "NF-e"
    NFSE = "nfse", "NFS-e"


def _logo_path(profile: "CompanyProfile", filename: str) -> str:
    return tenant_file_path(profile.tenant_id, "logo", filename)


class CompanyProfile(models.Model):
    """Legal, fiscal and payment identity of a tenant's company; later modules read it."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="company")
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    tax_id = models.CharField(_("tax ID"), max_length=32, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.US)
    state = models.CharField(_("state"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    default_currency = models.CharField(
        _("default currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    pix_key = models.CharField(_("PIX key"), max_length=77, blank=True)
    # A code of the country's catalogue (countries.py) in Brazil and Mexico, free text elsewhere.
    tax_regime = models.CharField(_("tax regime"), max_length=100, blank=True)
    # Brazil's fiscal registrations: the IE (valid for the company's state, or ISENTO), the
    # municipal one (NFS-e) and the IBGE code of its city, found from city and state when left out.
    state_registration = models.CharField(_("state registration"), max_length=20, blank=True)
    municipal_registration = models.CharField(_("municipal registration"), max_length=20, blank=True)
    city_code = models.CharField(_("city code (IBGE)"), max_length=7, blank=True)
    fiscal_document = models.CharField(
        _("fiscal document"), max_length=4, choices=FiscalDocument.choices, default=FiscalDocument.NFE
    )
    logo = models.ImageField(_("logo"), upload_to=_logo_path, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnouncedQuerySet.as_manager()

    def __str__(self) -> str:
        return self.legal_name or self.tenant.name

    @property
    def logo_url(self) -> str:
        """A signed link to the logo, valid on the tenant's host ("" without a logo)."""
        return file_url(self.logo.name, tenant_id=self.tenant_id) if self.logo else ""


class PendingOutbox(models.Model):
    """A workspace with events not yet dispatched. Written in the transaction that records the
    event (modules/events), so one relay can find the N workspaces with work by reading one
    public table instead of looking into every schema."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, primary_key=True, related_name="+")
    since = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.tenant_id} since {self.since}"


class ProviderAccount(models.Model):
    """Which tenant a provider's account belongs to (a Stripe account, a bank's client id): an
    inbound webhook names the account, and this finds the schema its handler runs in."""

    provider = models.CharField(max_length=40)
    external_id = models.CharField(max_length=255)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="provider_accounts")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "external_id"], name="tenancy_provider_account_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.external_id}"

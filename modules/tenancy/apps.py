from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TenancyConfig(AppConfig):
    name = "modules.tenancy"
    label = "tenancy"

    def ready(self) -> None:
        from modules.core import health, phones

        from .health import check_spare_pool, spare_pool_configured
        from .models import CompanyProfile, Domain, Tenant
        from .selectors import tenant_country, tenants_changed

        # Core knows no tenants: tenancy tells it the tenant's country and adds its readiness check.
        phones.tenant_country_lookup_set(tenant_country)
        health.readiness_check_add("spare_pool", check_spare_pool, applies=spare_pool_configured)

        # Requests keep their tenant and time zone per process (selectors.py): any save of these,
        # through a service or an admin page, must reach every process at once.
        for model in (Tenant, Domain, CompanyProfile):
            post_save.connect(tenants_changed, sender=model, dispatch_uid=f"tenants-changed-save-{model.__name__}")
            post_delete.connect(tenants_changed, sender=model, dispatch_uid=f"tenants-changed-delete-{model.__name__}")

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TenancyConfig(AppConfig):
    name = "modules.tenancy"
    label = "tenancy"

    def ready(self) -> None:
        from .models import CompanyProfile, Domain, Tenant
        from .selectors import tenants_changed

        # Requests keep their tenant and time zone per process (selectors.py): any save of these,
        # through a service or an admin page, must reach every process at once.
        for model in (Tenant, Domain, CompanyProfile):
            post_save.connect(tenants_changed, sender=model, dispatch_uid=f"tenants-changed-save-{model.__name__}")
            post_delete.connect(tenants_changed, sender=model, dispatch_uid=f"tenants-changed-delete-{model.__name__}")

from django.conf import settings
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils import translation
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from modules.core.views import unknown_host

from .scope import tenant_activate
from .selectors import tenant_for_host


class InnexarTenantMiddleware(TenantMainMiddleware):
    """Host → tenant schema (django-tenants), plus the platform admin host and unknown hosts.

    `admin.<base>` is a domain of the public tenant served by its own URLconf; a host no
    tenant owns gets a 404 page; a suspended tenant's workspace says so instead of serving.
    """

    def get_tenant(self, domain_model, hostname):
        return tenant_for_host(hostname)  # no query while no tenant or domain changed

    def no_tenant_found(self, request, hostname):
        return unknown_host(request)

    def process_request(self, request):
        # These answers come before LocaleMiddleware: pick the visitor's language here, or the
        # page would speak whatever language the previous request on this thread used.
        with translation.override(translation.get_language_from_request(request)):
            return self._route(request)

    def _route(self, request):
        response = super().process_request(request)
        if response is not None:
            return response
        tenant = request.tenant
        tenant_activate(tenant)
        if tenant.schema_name == get_public_schema_name():
            if request.get_host().split(":")[0] == f"admin.{settings.INNEXAR_BASE_DOMAIN}":
                request.urlconf = settings.PLATFORM_ADMIN_URLCONF
                set_urlconf(request.urlconf)
        elif not tenant.is_active and not request.path.startswith("/api/"):
            # The API refuses the suspended tenant's tokens itself (401), in its own error shape.
            return render(request, "errors/tenant_inactive.html", {"tenant": tenant}, status=403)
        return None

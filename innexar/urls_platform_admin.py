"""The platform admin panel (admin.innexar.app): staff only, all tenants."""

from django.urls import include, path

from .urls_common import api_and_i18n, handler404, handler500  # noqa: F401

urlpatterns = [
    *api_and_i18n,
    path("", include("modules.platform_admin.urls")),
]

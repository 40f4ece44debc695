"""A tenant's workspace (acme.innexar.app) and the same API, bound to that tenant."""

from django.urls import include, path

from modules.core.files import file_download
from modules.tenancy.webhooks import tenant_inbound_webhook

from .urls_common import api_and_i18n, handler404, handler500  # noqa: F401

urlpatterns = [
    *api_and_i18n,
    path("files/<str:token>/", file_download, name="file_download"),
    # Providers that sign each workspace's events with its own secret (core/webhooks.py).
    path("webhooks/<slug:provider>/", tenant_inbound_webhook, name="tenant_inbound_webhook"),
    path("", include("modules.workspace.urls")),
]

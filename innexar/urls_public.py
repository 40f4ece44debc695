"""The marketing site and the API on the public host (innexar.app / localhost)."""

from django.urls import include, path

from modules.tenancy.webhooks import inbound_webhook

from .urls_common import api_and_i18n, handler404, handler500  # noqa: F401

urlpatterns = [
    *api_and_i18n,
    path("webhooks/<slug:provider>/", inbound_webhook, name="inbound_webhook"),
    path("", include("modules.marketing.urls")),
]

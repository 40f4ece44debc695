"""URL patterns every host serves: the API, language switch, and the error handlers."""

from django.urls import include, path
from django.views.i18n import set_language

api_and_i18n = [
    path("api/v1/", include(("innexar.api", "api"), namespace="api")),
    path("i18n/setlang/", set_language, name="set_language"),
]

handler404 = "modules.core.views.page_not_found"
handler500 = "modules.core.views.server_error"

"""Error pages: JSON under /api/, HTML elsewhere, and a page for hosts no tenant owns."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .browser_middleware import is_api_request as _wants_json
from .exceptions import internal_error_message


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse({"detail": internal_error_message()}, status=500)
    return render(request, "errors/500.html", status=500)


def unknown_host(request):
    """No tenant owns this host: a plain 404 page that needs no session or tenant."""
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "errors/unknown_host.html", {"host": request.get_host()}, status=404)

from urllib.parse import parse_qs, urlsplit

from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


class HtmxVaryMiddleware:
    """A page's URL answers the whole page, or to htmx a fragment of it (a filtered list pushes
    its URL). Vary: HX-Request keeps the browser from handing the cached fragment back as the
    page when Back returns to that URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ("HX-Request",))
        return response


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session has expired is sent to sign in as a whole page
    (HX-Redirect), instead of htmx swapping the sign-in form into a table row or a form.

    A sign-in redirect is one that carries `?next=` (redirect_to_login): the workspace's
    login_required and the platform admin's staff_required both make those."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") == "true" and response.status_code == 302:
            location = response["Location"]
            if "next" in parse_qs(urlsplit(location).query):
                return HttpResponseClientRedirect(location)
        return response

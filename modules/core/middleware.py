from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch
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
    """An htmx request whose session has expired is sent to the login page as a whole page
    (HX-Redirect), instead of htmx swapping the login form into a table row or a form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") == "true" and response.status_code == 302:
            location = response["Location"]
            if urlsplit(location).path == self._login_path():
                return HttpResponseClientRedirect(location)
        return response

    @staticmethod
    def _login_path() -> str | None:
        try:
            return resolve_url(settings.LOGIN_URL)
        except NoReverseMatch:  # the marketing site and the platform admin have no workspace login
            return None

from django.utils.cache import patch_vary_headers


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

"""Middleware only browsers need, passed straight through on API paths.

API requests authenticate with a bearer token and nothing else (REST_FRAMEWORK's authentication
classes), so sessions, CSRF (DRF's views are csrf_exempt), the session's tenant membership check,
messages and htmx do nothing for them but cost time. Pages keep every one of them. allauth's
middleware stays for all: allauth refuses to start unless it is listed, and it costs next to nothing.

settings.MIDDLEWARE lists the real classes; `browser_only()` swaps each one named in
BROWSER_ONLY for its twin here, which import_string() finds by class name (module __getattr__).
This module imports nothing from Django that needs settings: settings.py imports it.
"""

from django.utils.module_loading import import_string

API_PREFIX = "/api/"

BROWSER_ONLY = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "modules.accounts.middleware.TenantMembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "modules.core.middleware.HtmxVaryMiddleware",
    "modules.core.middleware.HtmxLoginRedirectMiddleware",
)
_BY_NAME = {path.rsplit(".", 1)[1]: path for path in BROWSER_ONLY}
assert len(_BY_NAME) == len(BROWSER_ONLY), "two browser-only middleware classes share a name"


def is_api_request(request) -> bool:
    return request.path.startswith(API_PREFIX)


def browser_only(middleware: list[str]) -> list[str]:
    """settings.MIDDLEWARE with each entry of BROWSER_ONLY replaced by its pass-through twin."""
    return [f"{__name__}.{path.rsplit('.', 1)[1]}" if path in BROWSER_ONLY else path for path in middleware]


class BrowserOnly:
    """Runs `middleware_class` (its hooks included) for pages; API requests go straight on."""

    def __init__(self, get_response, middleware_class):
        self.get_response = get_response
        self.middleware = middleware_class(get_response)
        # Django looks these hooks up on the instance: offer exactly those the real one has.
        for hook, passed in (
            ("process_view", lambda request, *args: None),
            ("process_exception", lambda request, exception: None),
            ("process_template_response", lambda request, response: response),
        ):
            real = getattr(self.middleware, hook, None)
            if real is not None:
                setattr(self, hook, self._unless_api(real, passed))

    @staticmethod
    def _unless_api(real, passed):
        def hook(request, *args):
            return (passed if is_api_request(request) else real)(request, *args)

        return hook

    def __call__(self, request):
        if is_api_request(request):
            return self.get_response(request)
        return self.middleware(request)


def __getattr__(name: str):
    try:
        middleware_class = import_string(_BY_NAME[name])
    except KeyError:
        raise AttributeError(name) from None

    def twin(get_response):
        return BrowserOnly(get_response, middleware_class)

    return twin

from django.conf import settings
from django.contrib.auth import logout
from django.utils import translation

from .backends import may_sign_in_here


class TenantMembershipMiddleware:
    """A session is good only on the host it may sign in to; the user's language applies.

    Sessions live in the public schema, so without this check a session cookie copied from one
    workspace would be honoured by another.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            if not user.is_active or not may_sign_in_here(user, getattr(request, "tenant", None)):
                logout(request)
            elif settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)

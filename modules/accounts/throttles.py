"""Login and reset throttles: per account and per address, in a cache shared by every host.

Addresses come from DRF's `get_ident`: REMOTE_ADDR, or the right-most X-Forwarded-For entries
only as far as INNEXAR_TRUSTED_PROXY_COUNT proxies (REST_FRAMEWORK["NUM_PROXIES"]) vouch for.
"""

import time

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django_tenants.utils import get_public_schema_name
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from modules.core.cache import count_in_window

from .emails import canonical_email
from .models import User


def account_ident(typed_email: str) -> str | None:
    """Whose bucket an attempt on `typed_email` counts against: the account it resolves to, so
    that no spelling of an address gets a bucket of its own; an unknown address counts as itself."""
    email = canonical_email(typed_email)
    if not email:
        return None
    try:
        validate_email(email)  # runs before the request is validated: no query with a NUL byte
    except ValidationError:
        return f"email:{email}"
    pk = User.objects.filter(email=email).values_list("pk", flat=True).first()
    return f"user:{pk}" if pk else f"email:{email}"


class _SharedCacheThrottle(SimpleRateThrottle):
    cache = caches["throttle"]


class AddressThrottle(_SharedCacheThrottle):
    """Generous per address, so an office behind one IP is not locked out by one person."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AccountThrottle(_SharedCacheThrottle):
    """Strict per account: guessing one person's password from many addresses still stops."""

    def get_cache_key(self, request, view):
        # The API and the forms post "email"; Django's login form calls the same field "username",
        # allauth's "login".
        data = request.data if hasattr(request.data, "get") else {}
        typed = data.get("email") or data.get("username") or data.get("login") or ""
        # Anything but text is refused by the form or serializer: it names no account.
        ident = account_ident(typed) if isinstance(typed, str) else None
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginAddressThrottle(AddressThrottle):
    scope = "login_ip"


class LoginAccountThrottle(AccountThrottle):
    scope = "login_account"


class PasswordResetThrottle(AccountThrottle):
    scope = "password_reset"


class SignupThrottle(AddressThrottle):
    scope = "signup"


class TenantThrottle(BaseThrottle):
    """Every API request made for one workspace, by any user or token, counted in one-minute
    windows: a runaway integration slows its own workspace, never the others. A counter, not
    DRF's list of timestamps, so the check costs the same at 5,000 requests a minute as at 5."""

    WINDOW_SECONDS = 60
    cache = caches["throttle"]

    def allow_request(self, request, view) -> bool:
        tenant = getattr(request._request, "tenant", None)
        if tenant is None or tenant.schema_name == get_public_schema_name():
            return True
        window = int(time.time()) // self.WINDOW_SECONDS
        self.window_ends = (window + 1) * self.WINDOW_SECONDS
        key = self.key(tenant.pk, window)
        count = count_in_window(self.cache, key, timeout=self.WINDOW_SECONDS * 2)
        return count <= settings.INNEXAR_TENANT_API_RATE

    def wait(self) -> float:
        return max(self.window_ends - time.time(), 0)

    @classmethod
    def key(cls, tenant_pk: int, window: int | None = None) -> str:
        """The counter of a workspace's window (the current one by default)."""
        if window is None:
            window = int(time.time()) // cls.WINDOW_SECONDS
        return f"tenant:{tenant_pk}:{window}"

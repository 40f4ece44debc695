"""Login and reset throttles: per account and per address, in a cache shared by every host."""

from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle


class _SharedCacheThrottle(SimpleRateThrottle):
    cache = caches["throttle"]


class AddressThrottle(_SharedCacheThrottle):
    """Generous per address, so an office behind one IP is not locked out by one person."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AccountThrottle(_SharedCacheThrottle):
    """Strict per account: guessing one person's password from many addresses still stops."""

    def get_cache_key(self, request, view):
        # The API and the forms post "email"; Django's login form calls the same field "username".
        data = request.data if hasattr(request.data, "get") else {}
        email = str(data.get("email") or data.get("username") or "").strip().lower()
        if not email:
            return None
        return self.cache_format % {"scope": self.scope, "ident": email}


class LoginAddressThrottle(AddressThrottle):
    scope = "login_ip"


class LoginAccountThrottle(AccountThrottle):
    scope = "login_account"


class PasswordResetThrottle(AccountThrottle):
    scope = "password_reset"


class SignupThrottle(AddressThrottle):
    scope = "signup"

"""Reads about users that more than one place needs."""

import base64
import json

from rest_framework_simplejwt.settings import api_settings

from modules.core.snapshots import Snapshots, version_bump
from modules.tenancy.selectors import tenant_by_id

from .models import User

# The plan's user limit (tenancy.quotas) counts active users, invited ones included.
USERS_QUOTA = "users"


def active_users_count(tenant) -> int:
    return User.objects.filter(tenant=tenant, is_active=True).count()


_users = Snapshots()


def _version(user_id: int) -> str:
    return f"accounts:user:{user_id}"


def _user_id(claim) -> int | None:
    """A token's user id claim (simplejwt writes it as a string) as the user's primary key, so
    that its cache keys are the ones a save of that user moves."""
    try:
        return int(claim)
    except (TypeError, ValueError):
        return None


def user_version_of_bearer(environ: dict) -> list[str]:
    """The version `user_with_tenant` will read for this request's bearer token, from the token's
    payload unverified (the authentication verifies it): so it comes in the request's first read."""
    scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    payload = token.split(".")[1] if scheme in api_settings.AUTH_HEADER_TYPES and token.count(".") == 2 else ""
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        user_id = _user_id(claims.get(api_settings.USER_ID_CLAIM))
    except (ValueError, AttributeError):  # not base64, not JSON, not an object
        return []
    return [] if user_id is None else [_version(user_id)]


def user_changed(sender=None, instance: User | None = None, **kwargs) -> None:
    """After any save or delete of a user (a signal receiver: a deactivation, a password or role
    change must reach every process's next request, whoever made it)."""
    version_bump([_version(instance.pk)])


def user_with_tenant(claim) -> User | None:
    """The user a token's id claim names, and their tenant, as of now: without a query while
    neither changed.

    Keyed by the user's id alone, which is unique across tenants (users live in the public
    schema); whoever calls this still checks the user may act where the request is.
    """
    user_id = _user_id(claim)
    if user_id is None:
        return None
    user = _users.get(str(user_id), (_version(user_id),), lambda: User.objects.filter(pk=user_id).first())
    if user is not None and user.tenant_id is not None:
        user.tenant = tenant_by_id(user.tenant_id)  # the tenant's own snapshot: suspensions count
    return user

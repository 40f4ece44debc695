"""Who may call an endpoint: a member of the request's tenant, or one with a given role.

Its own module, importing nothing of DRF's views: settings' DEFAULT_PERMISSION_CLASSES loads it
while rest_framework.views is still being imported. accounts/permissions.py names the roles.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class IsTenantMember(BasePermission):
    """Signed in with a token of this request's tenant (the authentication class binds them)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        tenant = getattr(request._request, "tenant", None)
        return bool(user and user.is_authenticated and tenant is not None and user.tenant_id == tenant.pk)


class HasRole(IsTenantMember):
    """A member whose role is one of `roles` (accounts.permissions names the real ones)."""

    roles: tuple[str, ...] = ()
    message = _("You do not have permission to perform this action.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.role in self.roles

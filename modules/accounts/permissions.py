from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .models import Role


class IsTenantMember(BasePermission):
    """Signed in with a token of this request's tenant (the authentication class binds them)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        tenant = getattr(request._request, "tenant", None)
        return bool(user and user.is_authenticated and tenant is not None and user.tenant_id == tenant.pk)


class HasRole(IsTenantMember):
    roles: tuple[str, ...] = ()
    message = _("You do not have permission to perform this action.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.role in self.roles


class IsTenantAdmin(HasRole):
    roles = (Role.ADMIN,)


class IsTenantManager(HasRole):
    roles = (Role.ADMIN, Role.MANAGER)

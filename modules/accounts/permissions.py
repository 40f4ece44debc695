"""The roles' permissions. IsTenantMember and HasRole are the kit's (core/permissions.py), imported here
so settings and the modules that name them from accounts keep working."""

from modules.core.permissions import HasRole, IsTenantMember

from .models import Role

__all__ = ["HasRole", "IsTenantAdmin", "IsTenantManager", "IsTenantMember"]


class IsTenantAdmin(HasRole):
    roles = (Role.ADMIN,)


class IsTenantManager(HasRole):
    roles = (Role.ADMIN, Role.MANAGER)

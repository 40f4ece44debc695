from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django_tenants.utils import get_public_schema_name

from .emails import email_canonical_or_refuse
from .models import User


def may_sign_in_here(user: User, tenant, *, api: bool = False) -> bool:
    """A tenant's host admits only its own users, and only while the tenant is active.

    On the public hosts, a browser session is for platform staff only, while the API admits
    any active tenant user (their tokens then carry their tenant)."""
    if tenant is None or tenant.schema_name == get_public_schema_name():
        if api:
            return user.tenant_id is not None and user.tenant.is_active
        return user.is_staff
    return user.tenant_id == tenant.pk and tenant.is_active


class TenantEmailBackend(ModelBackend):
    """Email + password, bound to the host's tenant; the email in any letter case, no look-alikes."""

    def authenticate(self, request, username=None, password=None, email=None, api=False, **kwargs):
        typed = email or username or kwargs.get(User.USERNAME_FIELD) or ""
        try:
            email = email_canonical_or_refuse(typed)
        except ValidationError:
            email = ""
        if not email or password is None:
            return None
        user = User.objects.select_related("tenant").filter(email=email).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if not user.check_password(password) or not self.user_can_authenticate(user):
            return None
        if request is not None and not may_sign_in_here(user, getattr(request, "tenant", None), api=api):
            return None
        return user

"""JWTs that know their tenant.

simplejwt tokens carry only a user id; ours also carry `tenant_id`, and every place that
accepts a token checks it against the user's tenant and the tenant of the host it arrived on.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from .models import User
from .selectors import user_with_tenant

TENANT_CLAIM = "tenant_id"
INVALID_TOKEN_MESSAGE = _("Token is invalid or expired")


def tokens_for_user(user: User) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    refresh[TENANT_CLAIM] = user.tenant_id
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def user_for_token(token, *, host_tenant) -> User:
    """The active user a token names, if it may act on `host_tenant`; raises 401 otherwise.

    On the public/API host (`host_tenant` is the public tenant) the token's own tenant is used.
    """
    user = user_with_tenant(token.get("user_id"))
    if user is None or not user.is_active or user.tenant_id is None:
        raise AuthenticationFailed(INVALID_TOKEN_MESSAGE, code="user_inactive")
    # A password change revokes every token issued before it.
    if token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
        raise AuthenticationFailed(INVALID_TOKEN_MESSAGE, code="token_revoked")
    if token.get(TENANT_CLAIM) != user.tenant_id:
        raise AuthenticationFailed(INVALID_TOKEN_MESSAGE, code="token_not_valid")
    if not user.tenant.is_active:
        raise AuthenticationFailed(_("This workspace is inactive."), code="tenant_inactive")
    if host_tenant is not None and not _is_public(host_tenant) and host_tenant.pk != user.tenant_id:
        raise AuthenticationFailed(_("This token does not belong to this workspace."), code="wrong_tenant")
    return user


def _is_public(tenant) -> bool:
    from django_tenants.utils import get_public_schema_name

    return tenant.schema_name == get_public_schema_name()


def parse_refresh_token(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)
    except TokenError:
        raise InvalidToken(INVALID_TOKEN_MESSAGE) from None


class TenantTokenRefreshSerializer(TokenRefreshSerializer):
    """Refresh only for an active user of an active tenant, on that tenant's host."""

    def validate(self, attrs):
        refresh = parse_refresh_token(attrs["refresh"])
        request = self.context.get("request")
        user_for_token(refresh, host_tenant=getattr(request, "tenant", None))
        try:
            return super().validate(attrs)
        except TokenError:
            raise InvalidToken(INVALID_TOKEN_MESSAGE) from None

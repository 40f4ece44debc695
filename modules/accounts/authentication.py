from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.utils import aware_utcnow

from modules.tenancy.scope import tenant_activate

from .tokens import INVALID_TOKEN_MESSAGE, user_for_token

# Tokens whose signature this process has checked, by their exact bytes: checking it again cost as
# much as the rest of a token's authentication. Expiry is checked on every use, and revocation
# (a new password) and the user's state by user_for_token, as for a token seen the first time.
_verified: dict[bytes, object] = {}
_VERIFIED_MAX = 10_000


class TenantJWTAuthentication(JWTAuthentication):
    """Bearer tokens, bound to their tenant.

    On a tenant host the token must be that tenant's. On the public/API host the request is
    moved into the token's tenant schema, and its company's time zone, before the view runs.
    """

    def get_validated_token(self, raw_token):
        token = _verified.get(raw_token)
        try:
            if token is None:
                token = super().get_validated_token(raw_token)
                if len(_verified) >= _VERIFIED_MAX:
                    _verified.clear()
                _verified[raw_token] = token
            else:
                token.check_exp(current_time=aware_utcnow())
            return token
        except (InvalidToken, TokenError):
            _verified.pop(raw_token, None)
            raise InvalidToken(INVALID_TOKEN_MESSAGE) from None

    def authenticate(self, request):
        header = self.get_header(request)
        raw_token = self.get_raw_token(header) if header is not None else None
        if raw_token is None:
            return None
        token = self.get_validated_token(raw_token)
        django_request = request._request
        user = user_for_token(token, host_tenant=getattr(django_request, "tenant", None))
        if getattr(django_request, "tenant", None) is None or django_request.tenant.pk != user.tenant_id:
            tenant_activate(user.tenant)
            django_request.tenant = user.tenant
        return user, token


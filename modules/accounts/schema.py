"""OpenAPI description of our JWT authentication (loaded by drf-spectacular at startup)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class TenantJWTScheme(SimpleJWTScheme):
    target_class = "modules.accounts.authentication.TenantJWTAuthentication"
    name = "jwtAuth"

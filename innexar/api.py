"""/api/v1: every module's endpoints, the OpenAPI schema and Swagger UI (local assets)."""

from django.urls import include, path
from django.utils.module_loading import import_string
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from modules.accounts import api as accounts_api
from modules.accounts import tenant_api
from modules.workspace.registry import api_routes

router = SimpleRouter()
router.register("users", accounts_api.MemberViewSet, basename="user")
for route in api_routes():  # each business module's, from its descriptor
    router.register(route.prefix, import_string(route.viewset), basename=route.basename)

urlpatterns = [
    path("public/tenants/", tenant_api.TenantSignupView.as_view(), name="tenant-signup"),
    path("public/auth/login/", accounts_api.LoginView.as_view(), name="auth-login"),
    path("public/auth/password/reset/", accounts_api.PasswordResetView.as_view(), name="password-reset"),
    path(
        "public/auth/password/reset/confirm/",
        accounts_api.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("auth/refresh/", accounts_api.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout/", accounts_api.LogoutView.as_view(), name="auth-logout"),
    path("auth/me/", accounts_api.MeView.as_view(), name="auth-me"),
    path("settings/company/", tenant_api.CompanySettingsView.as_view(), name="company-settings"),
    path("settings/plan/", tenant_api.PlanView.as_view(), name="plan"),
    path(
        "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]),
        name="api-schema",
    ),
    path(
        "docs/",
        # The split view serves its script from a URL of its own: no inline script (CSP).
        SpectacularSwaggerSplitView.as_view(
            url_name="api:api-schema", template_name="api/swagger_ui.html",
            authentication_classes=[], permission_classes=[AllowAny],
        ),
        name="api-docs",
    ),
    path("", include(router.urls)),
]

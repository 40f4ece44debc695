from importlib import import_module

from allauth.account import views as allauth_views
from django.urls import URLPattern, URLResolver, include, path

from . import pages, views
from .navigation import MODULES
from .registry import installed_modules

workspace_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("setup/dismiss/", views.setup_checklist_dismiss, name="setup_checklist_dismiss"),
    *[
        path(f"{module.key}/", views.module_home, {"key": module.key}, name=module.key)
        for module in MODULES
        if not module.has_pages
    ],
    path("settings/", views.company, name="company"),
    path("settings/profile/", views.profile, name="profile"),
    path("settings/team/", views.team, name="team"),
    path("settings/team/invite/", views.team_invite, name="team_invite"),
    path("settings/team/<int:pk>/", views.team_member, name="team_member"),
    path("auth/handoff/", views.handoff, name="handoff"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    # modules.accounts.services.password_reset_link builds this exact path.
    path(
        "password/reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    # modules.accounts.services.invitation_link builds this exact path.
    path("invitation/<str:uidb64>/<str:token>/", views.invitation_accept, name="invitation_accept"),
]



def behind_gate(patterns, gate) -> list:
    """The same URL patterns, each view wrapped in `gate`."""
    return [
        URLResolver(
            pattern.pattern, behind_gate(pattern.url_patterns, gate), pattern.default_kwargs,
            pattern.app_name, pattern.namespace,
        )
        if isinstance(pattern, URLResolver)
        else URLPattern(pattern.pattern, gate(pattern.callback), pattern.default_args, pattern.name)
        for pattern in patterns
    ]


def module_patterns(module) -> list:
    """A business module's pages at /<key>/ (namespace <key>), every one behind its plan gate."""
    urlconf = import_module(module.urls)
    patterns = behind_gate(urlconf.urlpatterns, pages.module_page(module.key))
    return [path(f"{module.key}/", include((patterns, urlconf.app_name), namespace=module.key))]


def public_patterns(module) -> list:
    """A module's pages for people who are not members, at the host's root (namespace: the
    urlconf's app_name)."""
    urlconf = import_module(module.public_urls)
    return [path("", include((urlconf.urlpatterns, urlconf.app_name), namespace=urlconf.app_name))]


urlpatterns = [
    # Only allauth's sign in and out: workspaces have no self sign-up, and allauth reverses
    # these names without a namespace.
    path("accounts/login/", allauth_views.login, name="account_login"),
    path("accounts/logout/", allauth_views.logout, name="account_logout"),
    path("", include((workspace_patterns, "workspace"))),
    *[pattern for module in installed_modules() for pattern in module_patterns(module)],
    *[pattern for module in installed_modules() if module.public_urls for pattern in public_patterns(module)],
]

from allauth.account import views as allauth_views
from django.urls import include, path

from . import views
from .navigation import MODULES

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

urlpatterns = [
    # Only allauth's sign in and out: workspaces have no self sign-up, and allauth reverses
    # these names without a namespace.
    path("accounts/login/", allauth_views.login, name="account_login"),
    path("accounts/logout/", allauth_views.logout, name="account_logout"),
    path("", include((workspace_patterns, "workspace"))),
    path("crm/", include("modules.crm.urls")),
]

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm

from .emails import email_canonical_or_refuse
from .throttles import account_ident


class WorkspaceAccountAdapter(DefaultAccountAdapter):
    """Workspaces have no self sign-up: new companies sign up on the marketing site and
    admins invite their team."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth's per-key failed-login limit counts against the account the address resolves
        # to, as the API's limit does, not against the string typed.
        return account_ident(credentials.get("email", "")) or ""


class WorkspaceLoginForm(LoginForm):
    def clean_login(self) -> str:
        return email_canonical_or_refuse(super().clean_login())

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm

from .emails import email_canonical_or_refuse
from .form_throttling import throttle_wait
from .throttles import LoginAccountThrottle, LoginAddressThrottle, account_ident


class WorkspaceAccountAdapter(DefaultAccountAdapter):
    """Workspaces have no self sign-up: new companies sign up on the marketing site and
    admins invite their team."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        # The API's limits too, in the same buckets: switching doors buys no extra guesses.
        if throttle_wait(request, LoginAddressThrottle, LoginAccountThrottle) is not None:
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth's per-key failed-login limit counts against the account the address resolves
        # to, as the API's limit does, not against the string typed.
        return account_ident(credentials.get("email", "")) or ""


class WorkspaceLoginForm(LoginForm):
    def clean_login(self) -> str:
        return email_canonical_or_refuse(super().clean_login())

from allauth.account.adapter import DefaultAccountAdapter


class WorkspaceAccountAdapter(DefaultAccountAdapter):
    """Workspaces have no self sign-up: new companies sign up on the marketing site and
    admins invite their team."""

    def is_open_for_signup(self, request) -> bool:
        return False

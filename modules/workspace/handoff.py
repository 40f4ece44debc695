"""One-time sign-in handoff from the marketing site to a new workspace.

Sessions are per host, so the signup page cannot log anyone in on `<subdomain>.<base>`. It signs
a short-lived token instead, which the workspace exchanges for a session. The token carries the
user's last login: `login()` moves it, so a token works once.
"""

from django.core import signing

from modules.accounts.models import User

SALT = "innexar.workspace.handoff"
MAX_AGE_SECONDS = 120


def _login_stamp(user: User) -> str | None:
    return user.last_login.isoformat() if user.last_login else None


def handoff_token_make(user: User) -> str:
    return signing.dumps({"user": user.pk, "last_login": _login_stamp(user)}, salt=SALT, compress=True)


def handoff_user(*, token: str, tenant) -> User | None:
    """The user the token was made for, if it is fresh, unused and theirs to use on `tenant`."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    user = User.objects.filter(pk=payload.get("user"), tenant=tenant, is_active=True).first()
    if user is None or _login_stamp(user) != payload.get("last_login"):
        return None
    return user

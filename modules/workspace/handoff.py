"""One-time sign-in handoff from the marketing site to a new workspace.

Sessions are per host, so the signup page cannot log anyone in on `<subdomain>.<base>`. It signs
a short-lived token instead, which the workspace exchanges for a session.

The token is bound to secrets of the user's own: it carries an HMAC of their password hash and
last login, so knowing SECRET_KEY alone does not forge it, a password change voids it, and using
it moves the last login (compare-and-set, so two uses racing each other cannot both win).
"""

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from modules.accounts.models import User
from modules.core.signing import tenant_token, tenant_token_payload

SALT = "innexar.workspace.handoff"
MAX_AGE_SECONDS = 120


def _proof(user: User) -> str:
    stamp = user.last_login.isoformat() if user.last_login else ""
    return salted_hmac(SALT, f"{user.pk}|{user.password}|{stamp}", algorithm="sha256").hexdigest()


def handoff_payload(user: User) -> dict:
    return {"user": user.pk, "proof": _proof(user)}


def handoff_token_make(user: User) -> str:
    return tenant_token(handoff_payload(user), purpose=SALT, tenant_id=user.tenant_id)


def handoff_user(*, token: str, tenant) -> User | None:
    """The user the token was made for, if it is fresh, unused and theirs to use on `tenant`.

    A good token is spent here: the caller signs the user in."""
    payload = tenant_token_payload(token, purpose=SALT, tenant_id=tenant.pk, max_age=MAX_AGE_SECONDS)
    if payload is None:
        return None
    user = User.objects.filter(pk=payload.get("user"), tenant=tenant, is_active=True).first()
    if user is None or not constant_time_compare(_proof(user), str(payload.get("proof", ""))):
        return None
    spent = User.objects.filter(pk=user.pk, last_login=user.last_login).update(last_login=timezone.now())
    return user if spent else None

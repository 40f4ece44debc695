"""Every write to users: invitations, roles, deactivation, profile and password reset."""

import logging

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from modules.core.exceptions import DomainError
from modules.tenancy.models import Tenant
from modules.tenancy.quotas import quota_check

from .emails import canonical_email, new_account_email
from .models import Role, User
from .selectors import USERS_QUOTA

logger = logging.getLogger(__name__)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token under a salt of its own: a reset link does not open the invitation
    page (which signs in) nor an invitation link the reset page."""

    key_salt = "modules.accounts.services.InvitationTokenGenerator"


invitation_token_generator = InvitationTokenGenerator()


def _signed_link(user: User, path: str, generator: PasswordResetTokenGenerator) -> tuple[str, str, str]:
    """(uid, token, workspace URL) of a single-use, expiring link for `user`.

    Django's token hashes the password and last login: once used, it no longer matches."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = generator.make_token(user)
    return uid, token, user.tenant.workspace_url(f"/{path}/{uid}/{token}/")


def _user_from_link(*, uid: str, token: str, generator: PasswordResetTokenGenerator) -> User | None:
    try:
        user = User.objects.select_related("tenant").get(pk=int(force_str(urlsafe_base64_decode(uid))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not user.is_active or not generator.check_token(user, token):
        return None
    return user


def _set_new_password(user: User, password: str, *, field: str) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])


def password_reset_link(user: User) -> tuple[str, str, str]:
    """A single-use, expiring reset of `user`'s password."""
    return _signed_link(user, "password/reset", default_token_generator)


def invitation_link(user: User) -> tuple[str, str, str]:
    """A single-use, expiring link for an invitee to choose a password and sign in."""
    return _signed_link(user, "invitation", invitation_token_generator)


def _send_user_mail(*, user: User, template: str, context: dict) -> None:
    with translation.override(user.language):
        # One line whatever a name holds (names saved before line breaks were refused): a
        # header with a line break fails at sending time, after the request's data committed.
        subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
        body = render_to_string(f"accounts/email/{template}.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


def password_reset_request(*, email: str) -> None:
    """Mail a reset link if the address belongs to an active user of an active tenant.

    The caller answers the same whether or not it did, so addresses cannot be probed."""
    user = (
        User.objects.select_related("tenant")
        .filter(email=canonical_email(email), is_active=True, tenant__is_active=True)
        .first()
    )
    if user is None:
        return
    uid, token, url = password_reset_link(user)
    _send_user_mail(
        user=user, template="password_reset", context={"user": user, "uid": uid, "token": token, "url": url}
    )


def user_from_reset_link(*, uid: str, token: str) -> User:
    user = _user_from_link(uid=uid, token=token, generator=default_token_generator)
    if user is None:
        raise DomainError(_("This password reset link is invalid or has expired."), field="token")
    return user


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    user = user_from_reset_link(uid=uid, token=token)
    _set_new_password(user, new_password, field="new_password")
    logger.info("Password reset for user %s", user.pk)
    return user


def user_from_invitation_link(*, uid: str, token: str, tenant: Tenant) -> User:
    """The invitee a link names, if it is still good and `tenant` (the host's) is theirs."""
    user = _user_from_link(uid=uid, token=token, generator=invitation_token_generator)
    if user is None or user.tenant_id != tenant.pk:
        raise DomainError(_("This invitation link is invalid or has expired."), field="token")
    return user


@transaction.atomic
def invitation_accept(*, uid: str, token: str, tenant: Tenant, password: str) -> User:
    """The invitee's chosen password; the link is spent with it (the token hashes the password).

    The row is locked so that two tabs posting the same link cannot both get in."""
    user = user_from_invitation_link(uid=uid, token=token, tenant=tenant)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not invitation_token_generator.check_token(user, token):
        raise DomainError(_("This invitation link is invalid or has expired."), field="token")
    _set_new_password(user, password, field="password")
    logger.info("User %s accepted the invitation to tenant %s", user.pk, user.tenant_id)
    return user


def _lock_tenant(tenant_id: int) -> Tenant:
    """Serialize changes to one tenant's team: the second of two concurrent changes waits for
    the first to commit, then sees it (the last admin, the last seat)."""
    return Tenant.objects.select_for_update().get(pk=tenant_id)


@transaction.atomic
def user_invite(*, actor: User, email: str, name: str, role: str, language: str | None = None) -> User:
    """Add a teammate to the actor's tenant; they choose their password from the emailed link."""
    quota_check(_lock_tenant(actor.tenant_id), USERS_QUOTA)
    try:
        email = new_account_email(email)
    except ValidationError as error:
        raise DomainError(error.messages[0], field="email", code=error.code) from None
    try:
        # The tenant lock does not cover another tenant (or a signup) inviting the same address
        # at the same moment: the unique index stops the second.
        with transaction.atomic():
            user = User.objects.create_user(
                email, None, name=name, tenant=actor.tenant, role=role, language=language or actor.language
            )
    except IntegrityError:
        raise DomainError(_("A user with this email already exists."), field="email", code="email_taken") from None
    uid, token, url = invitation_link(user)
    _send_user_mail(
        user=user,
        template="invitation",
        context={
            "user": user, "actor": actor, "tenant": actor.tenant, "uid": uid, "token": token, "url": url,
        },
    )
    logger.info("User %s invited %s to tenant %s as %s", actor.pk, user.pk, actor.tenant_id, role)
    return user


def _lock_team(user: User) -> User:
    """Serialize changes to one tenant's team, then re-read `user`.

    Two admins demoting each other at the same moment would each see the other still an admin
    and leave the workspace with none; holding the tenant row's lock makes the second wait and
    then see the first's change."""
    _lock_tenant(user.tenant_id)
    return User.objects.select_for_update().get(pk=user.pk)


def _ensure_an_admin_remains(user: User) -> None:
    admins = User.objects.filter(tenant_id=user.tenant_id, role=Role.ADMIN, is_active=True)
    if not admins.exclude(pk=user.pk).exists():
        raise DomainError(_("A workspace needs at least one active admin."), field="role")


@transaction.atomic
def user_change_role(*, actor: User, user: User, role: str) -> User:
    user = _lock_team(user)
    if user.role == Role.ADMIN and role != Role.ADMIN:
        _ensure_an_admin_remains(user)
    if user.role != role:
        logger.info("User %s changed role of %s: %s -> %s", actor.pk, user.pk, user.role, role)
        user.role = role
        user.save(update_fields=["role"])
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    if user.pk == actor.pk:
        raise DomainError(_("You cannot deactivate your own account."), field="is_active")
    user = _lock_team(user)
    if user.role == Role.ADMIN:
        _ensure_an_admin_remains(user)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        logger.info("User %s deactivated %s", actor.pk, user.pk)
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    user = _lock_team(user)
    if not user.is_active:
        quota_check(user.tenant, USERS_QUOTA)
        user.is_active = True
        user.save(update_fields=["is_active"])
        logger.info("User %s reactivated %s", actor.pk, user.pk)
    return user


def user_update_profile(*, user: User, name: str | None = None, language: str | None = None) -> User:
    changed = []
    if name is not None and name != user.name:
        user.name = name
        changed.append("name")
    if language is not None and language != user.language:
        user.language = language
        changed.append("language")
    if changed:
        user.save(update_fields=changed)
    return user


@transaction.atomic
def member_update(
    *, actor: User, user: User, name: str | None = None, role: str | None = None,
    language: str | None = None, is_active: bool | None = None,
) -> User:
    """An admin's edit of a teammate: all of it applies, or none."""
    if role is not None:
        user = user_change_role(actor=actor, user=user, role=role)
    if is_active is False:
        user = user_deactivate(actor=actor, user=user)
    elif is_active is True:
        user = user_reactivate(actor=actor, user=user)
    return user_update_profile(user=user, name=name, language=language)

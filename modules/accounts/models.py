from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.core.snapshots import AnnouncedQuerySet

from .emails import canonical_email


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    USER = "user", _("User")


class UserManager(BaseUserManager.from_queryset(AnnouncedQuerySet)):
    """API requests keep users per process (selectors.py): bulk updates announce themselves too."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=canonical_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, tenant=None)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Lives in the public schema; belongs to one tenant (staff: none)."""

    # Always canonical (accounts.emails): stored so, looked up by exact match, unique as such.
    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    tenant = models.ForeignKey(
        "tenancy.Tenant", on_delete=models.CASCADE, related_name="users", null=True, blank=True
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.USER)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform staff"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(is_staff=True) | models.Q(tenant__isnull=False),
                name="accounts_user_tenant_or_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def is_tenant_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_tenant_manager(self) -> bool:
        """Admins and managers: they act on every record of the workspace (core/access.py)."""
        return self.role in (Role.ADMIN, Role.MANAGER)

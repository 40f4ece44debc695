from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "modules.accounts"
    label = "accounts"

    def ready(self) -> None:
        from modules.core.snapshots import guess_versions
        from modules.tenancy.plans import OFFERS, seat_limit_message
        from modules.tenancy.quotas import Quota, quota_register

        from . import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from .models import User
        from .selectors import USERS_QUOTA, active_users_count, user_changed, user_version_of_bearer

        # API requests keep their user per process (selectors.py): every save must reach them all.
        post_save.connect(user_changed, sender=User, dispatch_uid="user-changed-save")
        post_delete.connect(user_changed, sender=User, dispatch_uid="user-changed-delete")
        guess_versions(user_version_of_bearer)
        quota_register(Quota(
            name=USERS_QUOTA, limit=lambda plan: OFFERS[plan].max_users, count=active_users_count,
            message=seat_limit_message,
        ))

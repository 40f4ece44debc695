from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "modules.accounts"
    label = "accounts"

    def ready(self) -> None:
        from modules.core.snapshots import guess_versions

        from . import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from .models import User
        from .selectors import user_changed, user_version_of_bearer

        # API requests keep their user per process (selectors.py): every save must reach them all.
        post_save.connect(user_changed, sender=User, dispatch_uid="user-changed-save")
        post_delete.connect(user_changed, sender=User, dispatch_uid="user-changed-delete")
        guess_versions(user_version_of_bearer)

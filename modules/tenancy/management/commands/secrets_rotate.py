from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from modules.core.secrets import encrypted_fields, secrets_rotate
from modules.tenancy.scope import for_each_tenant


def models_with_secrets(app_names: list[str]) -> list:
    return [
        model for model in apps.get_models()
        if model._meta.app_config.name in app_names and encrypted_fields(model)
    ]


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret with the first of INNEXAR_ENCRYPTION_KEYS, in the public schema "
        "and every workspace; afterwards the other keys can be dropped."
    )

    def handle(self, *args, **options):
        shared, tenant = models_with_secrets(settings.SHARED_APPS), models_with_secrets(settings.TENANT_APPS)
        rows = sum(secrets_rotate(model) for model in shared)

        def rotate_tenant(_tenant) -> None:
            nonlocal rows
            with transaction.atomic():
                rows += sum(secrets_rotate(model) for model in tenant)

        workspaces = for_each_tenant(rotate_tenant)
        self.stdout.write(f"{rows} rows re-encrypted in the public schema and {workspaces} workspaces.")

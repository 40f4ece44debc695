from django.apps import AppConfig
from django.conf import settings


class WorkspaceConfig(AppConfig):
    name = "modules.workspace"
    label = "workspace"

    def ready(self) -> None:
        from .registry import enum_names

        # drf-spectacular reads its settings when it first builds a schema, after this.
        settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(enum_names())

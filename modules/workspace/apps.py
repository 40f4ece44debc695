from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "modules.workspace"
    label = "workspace"

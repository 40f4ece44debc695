from django.apps import AppConfig


class PlatformAdminConfig(AppConfig):
    name = "modules.platform_admin"
    label = "platform_admin"

from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "modules.tenancy"
    label = "tenancy"

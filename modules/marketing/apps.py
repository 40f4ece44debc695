from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "modules.marketing"
    label = "marketing"

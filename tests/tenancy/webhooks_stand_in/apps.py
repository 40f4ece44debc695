from django.apps import AppConfig


class WebhooksStandInConfig(AppConfig):
    """An installed app labelled "webhooks": the webhooks module as it will be once it ships."""

    name = "tests.tenancy.webhooks_stand_in"
    label = "webhooks"

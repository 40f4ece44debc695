from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "modules.events"
    label = "events"

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "modules.events"
    label = "events"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (the relay is sent by name at commit: known in every process)

from django.apps import AppConfig
from django.core.signals import request_finished


class CoreConfig(AppConfig):
    name = "modules.core"
    label = "core"

    def ready(self):
        from . import logs, openapi  # noqa: F401  (openapi registers the filter schema extension)

        request_finished.connect(logs.request_unbind, dispatch_uid="innexar_request_unbind")

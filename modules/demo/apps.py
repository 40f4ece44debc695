from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo workspace `make run` shows (`manage.py load_demo`): above every module, it asks
    each installed one's descriptor for its demo data."""

    name = "modules.demo"
    label = "demo"

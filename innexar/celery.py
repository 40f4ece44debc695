"""Celery app. Tasks carry the schema they were sent from (tenant-schemas-celery) and run in it.

Without a broker (CELERY_BROKER_URL / REDIS_URL unset) tasks run eagerly in-process.
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innexar.settings")

app = CeleryApp("innexar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""Celery app. Tasks carry the schema they were sent from (tenant-schemas-celery) and run in it.

Without a broker (CELERY_BROKER_URL / REDIS_URL unset) tasks run eagerly in-process. Tasks also
carry the request id of the request that sent them, for the worker's log lines.
"""

import os
from fnmatch import fnmatchcase

from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun
from tenant_schemas_celery.app import CeleryApp

from modules.core import logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innexar.settings")

app = CeleryApp("innexar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task's log lines carry the id of the request that sent it, and its schema.
before_task_publish.connect(logs.task_publish_add_request_id, dispatch_uid="innexar_request_id_publish")
task_prerun.connect(logs.task_prerun_bind_context, dispatch_uid="innexar_log_context_bind")
task_postrun.connect(logs.task_postrun_unbind_context, dispatch_uid="innexar_log_context_unbind")
setup_logging.connect(logs.worker_setup_logging, dispatch_uid="innexar_worker_logging")



@app.on_after_finalize.connect
def add_modules_beat(sender, **kwargs) -> None:
    """Each business module's beat entries, from its descriptor (the apps are loaded by now: the
    worker and beat finalize after Django's setup)."""
    from modules.workspace.registry import beat_schedule

    sender.conf.beat_schedule = {**sender.conf.beat_schedule, **beat_schedule()}


# Task name patterns → the lane (settings.TASK_LANES) whose queue they wait in; the rest take the
# default queue. A new module names its tasks to match ("fiscal.nfe_issue" → providers).
LANE_PATTERNS = (
    ("*import*", "imports"),
    ("webhooks.*", "webhooks"),
    ("fiscal.*", "providers"),
    ("integrations.*", "providers"),
    ("finance.bank_feed*", "providers"),
)


def route_by_lane(name, args, kwargs, options, task=None, **kw):
    for pattern, lane in LANE_PATTERNS:
        if fnmatchcase(name, pattern):
            return {"queue": f"{app.conf.task_default_queue}.{lane}"}
    return None

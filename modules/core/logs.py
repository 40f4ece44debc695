"""Request ids and schemas on every log line, from the web process into the Celery worker.

A request takes the id its caller sent (`X-Request-ID`, when it is a sane token) or makes one,
echoes it in the response, and hands it to every task it sends (a message header). The worker
restores it, with the task's schema, while the task runs. One signup can then be followed from
the web process into the worker by grepping one id.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.utils.log import configure_logging

REQUEST_ID_HEADER = "X-Request-ID"
# The task message header that carries the id (tenant-schemas-celery's `_schema_name` rides along).
TASK_HEADER = "request_id"
# What a caller may hand us: UUIDs, hex, ULIDs, "lb:1234"; nothing that could break a log line.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
NONE = "-"

request_id_var: ContextVar[str] = ContextVar("request_id", default=NONE)
schema_var: ContextVar[str] = ContextVar("schema", default=NONE)

access_logger = logging.getLogger("innexar.request")


def current_request_id() -> str | None:
    value = request_id_var.get()
    return None if value == NONE else value


def bind_schema(schema_name: str) -> None:
    """Say which schema the work under way belongs to (the tenant middleware, a task)."""
    schema_var.set(schema_name)


class ContextFilter(logging.Filter):
    """Adds `request_id` and `schema` to every record the handler writes ("-" outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.schema = schema_var.get()
        return True


def request_id_from(header: str | None) -> str:
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Binds the request id for the request's log lines, echoes it, and logs one access line.

    First in MIDDLEWARE, so the tenant lookup's own lines and its early answers (unknown host,
    suspended tenant) carry the id too. The values stay bound until request_finished
    (`request_unbind`): Django logs a 4xx response ("Not Found: /x") after the middleware
    has returned, and that line needs the id as much as any.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request_id_var.set(request_id)
        schema_var.set(NONE)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        if access_logger.isEnabledFor(logging.INFO):
            _log_access(request, response, started)
        return response


def request_unbind(**kwargs) -> None:
    """request_finished: a thread serves many requests; lines between them belong to none."""
    request_id_var.set(NONE)
    schema_var.set(NONE)


def _log_access(request, response, started: float) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    access_logger.info(
        "%s %s %s %sms", request.method, request.path, response.status_code, duration_ms,
        extra={"method": request.method, "path": request.path, "status": response.status_code,
               "duration_ms": duration_ms},
    )


# --- Celery (connected in innexar/celery.py) ------------------------------------------------------

def task_publish_add_request_id(headers=None, **kwargs) -> None:
    """before_task_publish: a task sent while serving a request (or running a task) carries its id."""
    request_id = current_request_id()
    if request_id is not None and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def _task_header(task, name: str) -> str | None:
    # Depending on the broker, custom headers arrive in request.headers or merged into the request.
    headers = task.request.headers or {}
    return headers.get(name) or task.request.get(name)


# task id → the tokens that undo its binding (keyed by id: a task object serves every run of it).
_task_tokens: dict[str, tuple] = {}


def task_prerun_bind_context(task_id=None, task=None, **kwargs) -> None:
    """task_prerun: the worker's lines for this task show its request id and schema.

    An eager task runs inside its caller, so without a header it keeps the caller's id.
    """
    request_id = _task_header(task, TASK_HEADER) or request_id_var.get()
    schema = _task_header(task, "_schema_name") or schema_var.get()
    _task_tokens[task_id] = (request_id_var.set(request_id), schema_var.set(schema))


def task_postrun_unbind_context(task_id=None, **kwargs) -> None:
    tokens = _task_tokens.pop(task_id, None)
    if tokens is not None:
        request_id_var.reset(tokens[0])
        schema_var.reset(tokens[1])


def worker_setup_logging(loglevel=None, **kwargs) -> None:
    """setup_logging: the worker logs through Django's LOGGING (same format, same context)
    instead of Celery's own root handler; --loglevel sets the level of Celery's own loggers."""
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    if loglevel:
        logging.getLogger("celery").setLevel(loglevel)

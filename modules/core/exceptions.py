"""One error shape for the whole API, translated by Accept-Language.

400: {"field": ["message"]} -- a rule about the request as a whole (a lead already converted,
a body that is not JSON) under "non_field_errors", as DRF names it; every other error:
{"detail": "message"}; a 500 says nothing about its cause and is logged for us.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from .parsers import PayloadTooLarge

logger = logging.getLogger("innexar.api")


class DomainError(Exception):
    """A business rule said no. Services raise it; the API answers 400, pages show it inline."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def as_dict(self) -> dict:
        return {self.field or api_settings.NON_FIELD_ERRORS_KEY: [self.message]}


def internal_error_message() -> str:
    return _("Internal server error. Our team has been notified.")


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()  # never echo which model or query missed
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 60)
        exc = exceptions.Throttled(
            detail=ngettext(
                "Request limit exceeded. Try again in %(seconds)d second.",
                "Request limit exceeded. Try again in %(seconds)d seconds.",
                wait,
            ) % {"seconds": wait}
        )
        exc.wait = wait  # becomes the Retry-After header
    if isinstance(exc, RequestDataTooBig):  # a form body past DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = PayloadTooLarge()
    # SuspiciousOperation here: a form with more fields or files than Django accepts.
    if isinstance(exc, (exceptions.ParseError, SuspiciousOperation)):
        message = _("Malformed request body: it could not be parsed.")
        return Response({api_settings.NON_FIELD_ERRORS_KEY: [message]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, (Http404, PermissionDenied, exceptions.APIException)):
        response = exception_handler(exc, context)
        if response is not None and not isinstance(exc, exceptions.ValidationError):
            response.data = {"detail": _flatten_detail(response.data)}
        return response

    logger.exception("Unhandled API error", exc_info=exc)
    return Response({"detail": internal_error_message()}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def _flatten_detail(data) -> str:
    if isinstance(data, dict):
        data = data.get("detail", next(iter(data.values()), ""))
    if isinstance(data, list):
        data = data[0] if data else ""
    return str(data)

"""The API's JSON parser: DRF's, with limits on how large and how deep a body may be.

DRF hands the JSON parser the raw request stream, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE
never applies to a JSON body: it is enforced here (413). `[[[[...` 100,000 deep makes
Python's decoder raise RecursionError, which DRF does not catch (a 500 before authentication,
on login and signup too); a body a little shallower parses and then recurses through
validation instead. No payload of ours nests beyond a handful of levels.
"""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.settings import api_settings

MAX_DEPTH = 32


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE

    def __init__(self):
        super().__init__(_("The request body is too large."), code="payload_too_large")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise PayloadTooLarge()
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            data = None
        else:
            problem = _problem(data)
            if problem is None:
                return data
            if problem == "text":
                raise ValidationError(
                    {api_settings.NON_FIELD_ERRORS_KEY: [_("The JSON body holds text that is not valid Unicode.")]},
                    code="parse_error",
                )
        message = _("The JSON body nests deeper than %(depth)d levels.") % {"depth": MAX_DEPTH}
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code="parse_error")


def _problem(data) -> str | None:
    """"depth" when a list or object sits deeper than MAX_DEPTH, "text" for a string that is
    not Unicode text (a lone surrogate), else None. Iterative: no recursion to exhaust."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if not _is_text(value):
                return "text"
            continue
        if isinstance(value, dict):
            pending.extend((key, depth) for key in value)
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > MAX_DEPTH:
            return "depth"
        pending.extend((item, depth + 1) for item in value)
    return None


def _is_text(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True

"""The OpenAPI schema says what the API does: its errors, and the real limits of its input.

Third parties generate clients and fuzz the API from /api/v1/schema/ (tests/core/test_schemathesis.py
does the same), so every status an operation can answer is listed with the body of
exceptions.py, and a parameter's or field's schema refuses what the API refuses.
"""

from django import forms
from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from modules.core.serializers import NumberField
from modules.core.validators import validate_single_line

from .filters import AMOUNT_PATTERN, FILTER_YEAR_PATTERN, AmountFilter, DayFilter

DETAIL_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# {"field": ["message"]}; a nested object or a list item names its own fields ({"admin_user":
# {"email": [...]}}, {"tags": {"0": [...]}}); rules about the whole request: "non_field_errors".
VALIDATION_ERROR = {
    "type": "object",
    "additionalProperties": {
        "anyOf": [{"type": "array", "items": {"type": "string"}}, {"$ref": "#/components/schemas/ValidationError"}],
    },
}

# What DRF's CharField takes: never a NUL character (PostgreSQL cannot store one) and, unless
# blank is allowed, something left once str.strip() has trimmed Python's white space (spelled
# out, as regex dialects disagree on \s).
TEXT = r"^[^\u0000]*$"
NOT_BLANK_TEXT = (
    r"^[^\u0000]*"
    r"[^\u0000\t-\r\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    r"[^\u0000]*$"
)

# The same for a name that travels into mail headers (core.validators.validate_single_line): no
# control characters (Unicode Cc) and no line or paragraph separators anywhere.
SINGLE_LINE_TEXT = (
    r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*"
    r"[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    r"[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"
)


def amount_pattern(whole: int, places: int, *, positive: bool) -> str:
    """`5000.00` with at most `whole` digits before the point and `places` after; above zero
    when `positive` (the schema's own for a decimal lets "", "-" and "0.00" through)."""
    fraction = rf"(?:\.[0-9]{{1,{places}}})?"
    if not positive:
        return rf"^[0-9]{{1,{whole}}}{fraction}$"
    first_digit_not_zero = "|".join(rf"0{{{zeros}}}[1-9][0-9]{{0,{places - zeros - 1}}}" for zeros in range(places))
    above_zero_fraction = rf"\.(?:{first_digit_not_zero})"
    return rf"^(?:0*[1-9][0-9]{{0,{whole - 1}}}{fraction}|0*{above_zero_fraction})$"


ERROR_DESCRIPTIONS = {
    400: ("ValidationError", "The request is invalid: the message of each field at fault."),
    401: ("Error", "No token, or one that is invalid or expired."),
    403: ("Error", "The user's role or the workspace's plan does not allow this."),
    404: ("Error", "Nothing here for this user (another workspace's records included), or no such page."),
    409: ("Error", "The record is in a state that does not allow this now: the message says what to do first."),
    413: ("Error", "The request body is larger than the server accepts."),
    415: ("Error", "The body is not in a media type the operation reads."),
    429: ("Error", "Too many requests: the Retry-After header says when to try again."),
    502: ("Error", "A provider the operation needs (a bank feed, Stripe) did not answer, or refused."),
}


class AutoSchema(SpectacularAutoSchema):
    """Adds to every operation the errors it can answer.

    Inferred from the view: 400 when it reads a body or query parameters, 401 and 403 when it
    needs a token, 404 for a record in the path or a page number, 413 and 415 with a body, 429
    with a throttle. A view adds what cannot be inferred in `error_statuses` (a public sign-in
    answers 401 to wrong credentials).
    """

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in sorted(self.error_statuses(operation)):
            name, description = ERROR_DESCRIPTIONS[code]
            responses.setdefault(str(code), {
                "description": description,
                "content": {"application/json": {"schema": self._error_component(name)}},
            })
        return operation

    def error_statuses(self, operation: dict) -> set[int]:
        statuses = set(getattr(self.view, "error_statuses", ()))
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        if has_body or any(parameter["in"] == "query" for parameter in parameters):
            statuses.add(400)
        if not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            statuses |= {401, 403}
        if {"id", "page"} & {parameter["name"] for parameter in parameters}:
            statuses.add(404)
        if has_body:
            statuses |= {413, 415}
        if self.view.get_throttles():
            statuses.add(429)
        return statuses

    def get_request_serializer(self):
        # ServiceViewSet-style views (core/api.py) read with one serializer and write with another.
        write_serializer_class = getattr(self.view, "write_serializer_class", None)
        if write_serializer_class is not None and self.method in ("POST", "PUT", "PATCH"):
            if self._is_create_operation():
                return getattr(self.view, "create_serializer_class", None) or write_serializer_class
            return write_serializer_class
        return super().get_request_serializer()

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request":
            return schema
        if type(field) is serializers.CharField and "pattern" not in schema:
            if validate_single_line in field.validators:
                schema["pattern"] = SINGLE_LINE_TEXT
            else:
                schema["pattern"] = TEXT if field.allow_blank or not field.trim_whitespace else NOT_BLANK_TEXT
        if isinstance(field, serializers.ListSerializer):  # nested records (an invoice's items)
            minimum = max(field.min_length or 0, 0 if field.allow_empty else 1)
            if minimum:
                schema["minItems"] = minimum
            if field.max_length is not None:
                schema["maxItems"] = field.max_length
        if isinstance(field, NumberField):  # a JSON number within the field's limits (it names both)
            described = {"description": schema["description"]} if "description" in schema else {}
            return {**described, "type": "number", "minimum": float(field.min_value), "maximum": float(field.max_value)}
        if isinstance(field, serializers.DecimalField) and field.min_value is not None and field.min_value >= 0:
            schema["pattern"] = amount_pattern(
                field.max_digits - field.decimal_places, field.decimal_places, positive=field.min_value > 0
            )
        elif isinstance(field, serializers.DecimalField) and field.min_value is None:
            # Any sign (an opening balance): DRF's own pattern would let "" and "-" through.
            unsigned = amount_pattern(field.max_digits - field.decimal_places, field.decimal_places, positive=False)
            schema["pattern"] = "^-?" + unsigned.removeprefix("^")
        return schema

    def _error_component(self, name: str) -> dict:
        schema = VALIDATION_ERROR if name == "ValidationError" else DETAIL_ERROR
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref


class FilterExtension(DjangoFilterExtension):
    """django-filter parameters with the limits their form fields enforce."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        for parameter in parameters:
            schema = parameter["schema"]
            _constrain(schema["items"] if schema.get("type") == "array" else schema, filter_field)
            if isinstance(filter_field, filters.CharFilter):
                schema["pattern"] = TEXT
            if isinstance(filter_field, filters.BaseCSVFilter):
                schema["minItems"] = 1  # `status=new,contacted`: one value at least
        return parameters


def _constrain(schema: dict, filter_field) -> None:
    if isinstance(filter_field, DayFilter):
        schema.clear()
        schema.update({
            "type": "string", "pattern": FILTER_YEAR_PATTERN, "anyOf": [{"format": "date"}, {"format": "date-time"}]
        })
        return
    if isinstance(filter_field, AmountFilter):
        schema.clear()
        schema.update({"type": "string", "pattern": AMOUNT_PATTERN, "example": "5000.00"})
        return
    if issubclass(filter_field.field_class, forms.IntegerField) and not issubclass(
        filter_field.field_class, forms.DecimalField
    ):
        schema["type"] = "integer"
    for limit, keyword in (("min_value", "minimum"), ("max_value", "maximum")):
        if filter_field.extra.get(limit) is not None:
            schema[keyword] = filter_field.extra[limit]

"""Input serializers that take JSON's types as the OpenAPI schema states them.

DRF coerces: `"name": 0` becomes "0", `"score": "7"` becomes 7, `"completed": "yes"` becomes
True, `"value": 5000` becomes Decimal("5000"). The schema says string, integer, boolean and a
decimal string, so client generators and fuzzers send exactly those; whatever else is refused
with the field's own (translated) "invalid" message, as the schema promises.
Form-encoded input (file uploads) carries only strings and is left to DRF's coercion.
"""

from collections.abc import Mapping

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from .phones import E164_PATTERN


class NumberField(serializers.DecimalField):
    """A decimal the API takes as a JSON number, as the spec writes quantities and tax rates (40,
    1.5, 18): a float is read as the number it was written as (its shortest text: 0.1, not
    0.1000000000000000055), then held to the field's digits and limits like any decimal; more
    decimals than the field keeps are refused, never rounded. Text is refused, as the schema
    (`number`) says."""

    def to_internal_value(self, data):
        if isinstance(data, float):
            data = repr(data)
        return super().to_internal_value(data)


# (DRF already refuses anything but a string for choices, dates and times.)
_JSON_TYPES: list[tuple[type, tuple[type, ...], str]] = [
    (serializers.BooleanField, (bool,), "invalid"),
    (NumberField, (int, float), "invalid"),
    (serializers.DecimalField, (str,), "invalid"),
    (serializers.IntegerField, (int,), "invalid"),
    (serializers.CharField, (str,), "invalid"),
    (serializers.PrimaryKeyRelatedField, (int,), "incorrect_type"),
]


def _type_error(field: serializers.Field, value) -> list | dict | None:
    if value is None:
        return None  # allow_null decides
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return None  # DRF's own "not a list"
        errors = {index: error for index, item in enumerate(value) if (error := _type_error(field.child, item))}
        return errors or None
    for field_class, types, message in _JSON_TYPES:
        if isinstance(field, field_class):
            wrong = not isinstance(value, types) or (bool not in types and isinstance(value, bool))
            # DRF reads a blank decimal as null where null is allowed; the schema's pattern refuses it.
            wrong = wrong or (field_class is serializers.DecimalField and not value.strip())
            if not wrong:
                return None
            try:
                field.fail(message, input=value, data_type=type(value).__name__)
            except serializers.ValidationError as error:
                return error.detail
    return None


class JSONTypesMixin:
    """Put first among a serializer's bases."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not html.is_html_input(data):
            errors = {}
            for field in self._writable_fields:
                if field.field_name in data:
                    error = _type_error(field, data[field.field_name])
                    if error:
                        errors[field.field_name] = error
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class Serializer(JSONTypesMixin, serializers.Serializer):
    """The base of every input serializer."""


class ModelSerializer(JSONTypesMixin, serializers.ModelSerializer):
    """The base of every input model serializer."""


@extend_schema_field({"type": "string", "pattern": E164_PATTERN, "maxLength": 40, "example": "+5511987654321"})
class PhoneField(serializers.CharField):
    """A phone number: E.164 (`+5511987654321`) or empty; the workspace's own national format
    (`(11) 98765-4321` in Brazil) is taken too and stored as E.164."""

    def __init__(self, **kwargs):
        super().__init__(max_length=40, required=False, allow_blank=True, **kwargs)

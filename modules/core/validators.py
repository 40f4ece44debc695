"""Field rules several modules share."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_single_line(value: str) -> None:
    """Names travel into mail subjects and headers, where a line break is an error (or an
    injected header): refuse control characters and line or paragraph separators."""
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise ValidationError(
            _("Enter a single line of text, without line breaks or control characters."), code="single_line"
        )

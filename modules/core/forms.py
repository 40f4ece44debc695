"""Form pieces every module's pages share."""

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, get_decimal_symbol, get_group_symbol, parse_decimal
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _

from .exceptions import DomainError
from .money import format_locale


def add_service_error(form: forms.Form, error: DomainError | ValidationError) -> None:
    """A service's refusal beside the field it names, or above the form when it names none of ours."""
    if isinstance(error, DomainError):
        form.add_error(error.field if error.field in form.fields else None, error.message)
    elif hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def refuse_unchecked(form: forms.Form, message: str) -> None:
    """Show `message` alone, without validating the form: what its validation would tell (the
    password is right, the address has an account) is what a rate limit is holding back."""
    form._errors = ErrorDict({NON_FIELD_ERRORS: form.error_class([message], error_class="nonfield")})
    form.cleaned_data = {}


class ServiceForm(forms.Form):
    """A form whose data a service checks further: its refusals are shown like the form's own."""

    def add_service_error(self, error: DomainError | ValidationError) -> None:
        add_service_error(self, error)


# --- Numbers typed by people ---------------------------------------------------------------------
# A browser's number field reads "12.500,00" as 12.5 in a pt-BR Chromium: money and quantities
# are text fields read and written in the reader's locale (money.format_locale), strictly.


class LocalNumberInput(forms.TextInput):
    """A text field for a number, written back in the locale's signs (`12.500,00` in pt-BR); phones
    offer their number keyboard."""

    input_type = "text"

    def __init__(self, attrs=None, *, decimal_places: int | None = 2):
        self.decimal_places = decimal_places
        numeric = decimal_places == 0
        super().__init__({"inputmode": "numeric" if numeric else "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return number_in_locale(value, self.decimal_places)
        return super().format_value(value)


def number_in_locale(value: Decimal | int, decimal_places: int | None) -> str:
    """`12.500,00` in pt-BR, `12,500.00` in en; `decimal_places` None writes the digits it has."""
    fraction = ".######" if decimal_places is None else "." + "0" * decimal_places if decimal_places else ""
    return format_decimal(value, format=f"#,##0{fraction}", locale=format_locale(), decimal_quantization=False)


# Currency signs and spaces around a pasted amount ("R$ 12.500,00", "12,500.50 MXN") say nothing
# about the number.
_AROUND_NUMBER = re.compile(r"^[^\d.,+-]*(.*?)[^\d.,]*$", re.DOTALL)
# A thousands separator alone before three digits ("1.234" in pt-BR, "1,234" in en) is how
# another locale writes decimals.
_GROUPED_ONCE = re.compile(r"[+-]?(\d{1,3})([.,])(\d{3})")
# Digits and the locale's signs only: Babel would also take "1e5" and "NaN".
_NUMBER_CHARACTERS = re.compile(r"[+-]?[\d.,]+")


class LocalDecimalField(forms.DecimalField):
    """An amount or a quantity as the reader writes it: `12.500,00` or `12500,50` in pt-BR,
    `12,500.00` in en, read with Babel's strict parser, so "12500,50" in en is refused rather
    than read as 1250050.

    "1.234" is 1234 in pt-BR and 1.234 in en. Where the field takes three decimals, so that
    either reading fits, the locale's thousands separator alone before three digits is refused
    and the message names both forms; in a money field (two decimals) only the thousands
    reading fits, and the locale's decimal sign always means decimals."""

    widget = LocalNumberInput

    def __init__(self, *, max_digits=14, decimal_places=2, **kwargs):
        kwargs.setdefault("widget", LocalNumberInput(decimal_places=decimal_places))
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def widget_attrs(self, widget):
        # DecimalField adds step and min/max, which a text field has no use for.
        return forms.Field.widget_attrs(self, widget)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = _AROUND_NUMBER.match(str(value).strip()).group(1).strip()
        locale = format_locale()
        if not _NUMBER_CHARACTERS.fullmatch(text):
            raise ValidationError(self._expected(), code="invalid")
        grouped = _GROUPED_ONCE.fullmatch(text)
        fits_both = self.decimal_places is None or self.decimal_places >= 3
        if grouped and grouped[2] == get_group_symbol(locale) and fits_both:
            whole, fraction = grouped[1], grouped[3]
            raise ValidationError(
                _("“%(typed)s” could be %(whole)s or %(decimal)s: write the one you mean without a thousands "
                  "separator.") % {
                    "typed": text, "whole": whole + fraction,
                    "decimal": f"{whole}{get_decimal_symbol(locale)}{fraction}",
                },
                code="ambiguous",
            )
        try:
            return parse_decimal(text, locale=locale, strict=True)
        except NumberFormatError:
            raise ValidationError(self._expected(), code="invalid") from None

    def _expected(self) -> str:
        example = number_in_locale(Decimal("12500.5"), 2 if self.decimal_places is None else self.decimal_places)
        return _("Enter a number such as %(example)s.") % {"example": example}


class LocalIntegerField(LocalDecimalField):
    """A whole number (a score, a percentage, a count) typed in the reader's locale."""

    def __init__(self, *, max_digits=None, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=0, **kwargs)

    def to_python(self, value):
        number = super().to_python(value)
        if number is not None and number != number.to_integral_value():
            raise ValidationError(self._expected(), code="invalid")
        return number

    def clean(self, value) -> int | None:
        number = super().clean(value)
        return None if number is None else int(number)

    def _expected(self) -> str:
        return _("Enter a whole number such as %(example)s.") % {"example": number_in_locale(Decimal(12500), 0)}


class FilePickerInput(forms.FileInput):
    """A file input whose button and "no file" text are in the page's language, not the browser's."""

    template_name = "core/widgets/file_picker.html"

    def __init__(self, attrs=None):
        attrs = dict(attrs or {})
        attrs["class"] = f"visually-hidden {attrs.get('class', '')}".strip()
        super().__init__(attrs)

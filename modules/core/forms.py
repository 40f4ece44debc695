"""Form pieces every module's pages share."""

from django import forms
from django.core.exceptions import ValidationError

from .exceptions import DomainError


def add_service_error(form: forms.Form, error: DomainError | ValidationError) -> None:
    """A service's refusal beside the field it names, or above the form when it names none of ours."""
    if isinstance(error, DomainError):
        form.add_error(error.field if error.field in form.fields else None, error.message)
    elif hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ServiceForm(forms.Form):
    """A form whose data a service checks further: its refusals are shown like the form's own."""

    def add_service_error(self, error: DomainError | ValidationError) -> None:
        add_service_error(self, error)

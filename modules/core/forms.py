"""Form pieces every module's pages share."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import ErrorDict

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


def refuse_unchecked(form: forms.Form, message: str) -> None:
    """Show `message` alone, without validating the form: what its validation would tell (the
    password is right, the address has an account) is what a rate limit is holding back."""
    form._errors = ErrorDict({NON_FIELD_ERRORS: form.error_class([message], error_class="nonfield")})
    form.cleaned_data = {}


class ServiceForm(forms.Form):
    """A form whose data a service checks further: its refusals are shown like the form's own."""

    def add_service_error(self, error: DomainError | ValidationError) -> None:
        add_service_error(self, error)

"""The page kit (workspace/pages.py): a service's refusal of what a form sent is shown on the
form, beside the field it names, and the page answers 422; a form nobody refused answers 200."""

from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from modules.core.exceptions import DomainError
from modules.core.forms import ServiceForm
from modules.workspace import pages


class PersonForm(ServiceForm):
    name = forms.CharField()
    email = forms.EmailField()


def refused_by(error):
    """A create service that says no."""

    def create(*, actor, **fields):
        raise error

    return create


def submit(create):
    request = RequestFactory().post("/people/new/", {"name": "Ana", "email": "ana@example.com"})
    request.htmx = HtmxDetails(request)
    request.user = None
    form = PersonForm(request.POST)
    return pages.created(request, form, create, "unused:person"), form


def test_a_services_validation_error_is_shown_beside_each_field_it_names():
    answer, form = submit(refused_by(ValidationError({"email": ["This email is taken."], "notes": ["Too long."]})))

    assert answer is None
    assert form.errors["email"] == ["This email is taken."]
    assert form.non_field_errors() == ["Too long."]  # a field the form does not have: above the form
    assert pages.status(form) == 422


def test_a_domain_error_is_shown_beside_its_field_with_a_422():
    answer, form = submit(refused_by(DomainError("Pick another name.", field="name")))

    assert answer is None
    assert form.errors == {"name": ["Pick another name."]}
    assert pages.status(form) == 422


def test_a_domain_error_about_the_whole_record_is_shown_above_the_form():
    answer, form = submit(refused_by(DomainError("This lead was already converted.")))

    assert answer is None
    assert form.non_field_errors() == ["This lead was already converted."]
    assert pages.status(form) == 422


def test_a_page_whose_forms_nobody_refused_answers_200():
    assert pages.status(None, PersonForm(), PersonForm({"name": "Ana", "email": "ana@example.com"})) == 200

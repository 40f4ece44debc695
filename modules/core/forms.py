"""Form pieces every module's pages share."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import assignable
from .exceptions import DomainError
from .money import number_in_locale, parse_amount


def add_service_error(form: forms.Form, error: DomainError | ValidationError) -> None:
    """A service's refusal beside the field it names, or above the form when it names none of ours."""
    if isinstance(error, DomainError):
        form.add_error(_form_field(form, error.field), error.message)
    elif hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(_form_field(form, field), messages)
    else:
        form.add_error(None, error.messages)


def _form_field(form: forms.Form, name: str | None) -> str | None:
    """The form's field a service's error names. Services name a related record as the API does
    (`category_id`); a form's field is the record itself (`category`)."""
    if name in form.fields:
        return name
    if name and name.endswith("_id") and name.removesuffix("_id") in form.fields:
        return name.removesuffix("_id")
    return None


def refuse_unchecked(form: forms.Form, message: str) -> None:
    """Show `message` alone, without validating the form: what its validation would tell (the
    password is right, the address has an account) is what a rate limit is holding back."""
    form._errors = ErrorDict({NON_FIELD_ERRORS: form.error_class([message], error_class="nonfield")})
    form.cleaned_data = {}


def changed_values(form: forms.BaseForm, names=None) -> dict:
    """Only what the person changed (of `names`, when given): services record each change, old → new."""
    return {name: form.cleaned_data[name] for name in form.changed_data if names is None or name in names}


class ServiceForm(forms.Form):
    """A form whose data a service checks further: its refusals are shown like the form's own."""

    def add_service_error(self, error: DomainError | ValidationError) -> None:
        add_service_error(self, error)


class RecordForm(ServiceForm):
    """A record's fields, for its create and edit forms: offers for `assigned_to` whom the actor
    may assign (access.assignable), and the record's current assignee, who stays as long as
    nobody changes the field."""

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if "assigned_to" in self.fields:
            current = get_user_model().objects.filter(pk=self.initial.get("assigned_to") or None)
            self.fields["assigned_to"].queryset = (assignable(actor) | current).order_by("name")

    @classmethod
    def initial_from(cls, record) -> dict:
        """The record's values for an edit form (`assigned_to` as its id, tags as a list)."""
        meta = record._meta
        return {name: getattr(record, meta.get_field(name).attname) for name in cls.base_fields}

    def changes(self) -> dict:
        return changed_values(self)


class ControlForm(ServiceForm):
    """One control posted on its own (a status, a score): all it holds is the change."""

    def changes(self) -> dict:
        return dict(self.cleaned_data)


def teammates(actor):
    """The workspace's active members, by name: the assignee filter of every list."""
    return get_user_model().objects.filter(tenant_id=actor.tenant_id, is_active=True).order_by("name")


class TeammateField(forms.ModelChoiceField):
    """`assigned_to`: RecordForm fills its choices with whom the actor may assign."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=get_user_model().objects.none(), required=False, label=gettext_lazy("Assigned to"),
            empty_label=gettext_lazy("Nobody"), **kwargs,
        )

    def label_from_instance(self, user) -> str:
        return user.name


class TagsField(forms.CharField):
    """`vip, retail` ↔ ["vip", "retail"]; the service trims and drops repeats."""

    def __init__(self, **kwargs):
        super().__init__(
            label=gettext_lazy("Tags"), required=False, help_text=gettext_lazy("Separate tags with commas."),
            **kwargs,
        )

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        return [tag for tag in (part.strip() for part in super().to_python(value).split(",")) if tag]


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RecordSelect(forms.Select):
    """A select of a few records with a search box that refills it over htmx from `lookup_url`
    (the module's lookup view): a workspace's thousands of contacts never ride along with the
    page. The record type is fixed (`record_type`, sent as `type_field`) or read from the
    form's `type_field` select. The form fills `choices` with the few it shows first."""

    template_name = "core/widgets/record_select.html"

    def __init__(self, *, lookup_url: str, record_type: str = "", type_field: str = "related_to_type", attrs=None):
        super().__init__(attrs)
        self.lookup_url, self.record_type, self.type_field = lookup_url, record_type, type_field

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            lookup_url=str(self.lookup_url), record_type=self.record_type, type_field=self.type_field
        )
        return context


# --- Numbers typed by people ---------------------------------------------------------------------
# A browser's number field reads "12.500,00" as 12.5 in a pt-BR Chromium: money and quantities
# are text fields read and written in the reader's locale (money.money_locale), strictly, by
# money.parse_amount, which the imports read amounts with too.


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


class LocalDecimalField(forms.DecimalField):
    """An amount or a quantity as the reader writes it: `12.500,00` or `12500,50` in pt-BR,
    `12,500.00` in en, read strictly by money.parse_amount ("12500,50" in en is refused, and
    "1.234" where three decimals fit is refused as ambiguous)."""

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
        return parse_amount(value, decimal_places=self.decimal_places)


class LocalIntegerField(LocalDecimalField):
    """A whole number (a score, a percentage, a count) typed in the reader's locale."""

    def __init__(self, *, max_digits=None, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=0, **kwargs)

    def to_python(self, value):
        try:
            number = super().to_python(value)
        except ValidationError as error:
            if error.code == "invalid":
                raise ValidationError(self._expected(), code="invalid") from None
            raise
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

"""The projects pages' forms: they parse what a person typed (budget and hours in their locale);
the services decide what may be stored."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from modules.core.forms import LocalDecimalField, RecordForm, RecordSelect, ServiceForm, TeammateField, date_input
from modules.core.money import Currency
from modules.crm.forms import record_choices
from modules.crm.models import Contact, RelatedType

from .models import ProjectStatus, Task, TaskPriority, TaskStatus


class ProjectForm(RecordForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Contact.objects.all(), required=False,
        widget=RecordSelect(lookup_url=reverse_lazy("crm:lookup"), record_type=RelatedType.CONTACT),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices, initial=ProjectStatus.PLANNING)
    start_date = forms.DateField(label=_("Start date"), widget=date_input())
    end_date = forms.DateField(label=_("End date"), widget=date_input(), required=False)
    budget = LocalDecimalField(label=_("Budget"), required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].widget.choices = [
            ("", "---------"), *record_choices(RelatedType.CONTACT, selected=self["customer"].value())
        ]


class DependenciesField(forms.ModelMultipleChoiceField):
    """The tasks of the same project this one waits for (the service refuses a cycle); as ids."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Task.objects.none(), required=False, label=_("Depends on"), **kwargs)

    def clean(self, value) -> list[int]:
        return [task.pk for task in super().clean(value)]

    def has_changed(self, initial, data) -> bool:
        return sorted(map(str, initial or [])) != sorted(map(str, data or []))


class TaskForm(RecordForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices, initial=TaskStatus.TODO)
    priority = forms.ChoiceField(label=_("Priority"), choices=TaskPriority.choices, initial=TaskPriority.MEDIUM)
    assigned_to = TeammateField()
    start_date = forms.DateField(label=_("Start date"), widget=date_input(), required=False)
    due_date = forms.DateField(label=_("Due date"), widget=date_input(), required=False)
    estimated_hours = LocalDecimalField(label=_("Estimated hours"), max_digits=7, required=False)
    dependencies = DependenciesField()
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, project, task: Task | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if task is None:
            # The board's new-task form: a select of every task of a 500-task project would cost
            # more than the board itself. Dependencies are set on the task's own page.
            del self.fields["dependencies"]
        else:
            self.fields["dependencies"].queryset = Task.objects.filter(project=project).exclude(pk=task.pk).order_by(
                "title", "id"
            )

    @classmethod
    def initial_of(cls, task: Task) -> dict:
        initial = {name: getattr(task, task._meta.get_field(name).attname) for name in cls.base_fields
                   if name != "dependencies"}
        return {**initial, "dependencies": list(task.dependencies.values_list("pk", flat=True))}


class BoardMoveForm(forms.Form):
    """A card dropped on the board: its column and its place in it (0 is the top)."""

    status = forms.ChoiceField(choices=TaskStatus.choices)
    # Past the column's last card is its bottom.
    position = forms.IntegerField(min_value=0, max_value=100_000)


class TaskDatesForm(forms.Form):
    """A bar dragged or stretched on the Gantt chart."""

    start_date = forms.DateField()
    due_date = forms.DateField()


class TimeEntryForm(ServiceForm):
    hours = LocalDecimalField(label=_("Hours"), max_digits=4, help_text=_("For example 1.5 for an hour and a half."))
    day = forms.DateField(label=_("Date"), widget=date_input())
    description = forms.CharField(label=_("What was done"), max_length=500, required=False)

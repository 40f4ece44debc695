"""/api/v1/projects/: projects, their tasks (the Kanban's moves are PATCHes of `status` and
`position`), the hours logged on tasks and the Gantt chart's bars. Parse, call a service,
serialize.

Records are written out by the functions below, over the payload builders of events.py plus what
depends on the reader or on other records: a project's progress and customer, its budget in the
reader's locale. The read serializers declare those fields for the OpenAPI schema.
"""

from decimal import Decimal

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from modules.core import serializers as input_serializers
from modules.core.api import RecordViewSet, ServiceViewSet, TeammateField, UserRefSerializer
from modules.core.filters import ID_MAX
from modules.core.money import Currency, format_money
from modules.crm.models import Contact
from modules.finance.api import CustomerSerializer, customer_json
from modules.tenancy.plans import Feature

from . import access, events, selectors, services
from .filters import ProjectFilter, TaskFilter
from .models import Project, ProjectStatus, Task, TaskPriority, TaskStatus, TimeEntry

# --- Reading -------------------------------------------------------------------------------------


def task_representation(task: Task) -> dict:
    """A task as the API shows it; its `dependencies` prefetched by lists (selectors.task_list)."""
    payload = events.task_json(task, [dependency.pk for dependency in task.dependencies.all()])
    del payload["project_id"]
    return {"id": payload.pop("id"), "project": {"id": task.project_id, "name": task.project.name}, **payload}


def project_representation(project: Project, *, tasks: list[Task] | None = None) -> dict:
    payload = events.project_json(project)
    del payload["customer_id"]
    represented = {
        **payload,
        "customer": customer_json(project.customer),
        "budget_formatted": None if project.budget is None else format_money(project.budget, project.currency),
        "progress": selectors.project_progress(project),
    }
    if tasks is not None:
        represented["tasks"] = [task_representation(task) for task in tasks]
    return represented


def tasks_of(project: Project) -> list[Task]:
    return list(task_queryset().filter(project=project))


def task_queryset():
    return selectors.task_list().select_related("project").prefetch_related(
        Prefetch("dependencies", queryset=Task.objects.only("id"))
    )


class ProjectRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "name"]


def _hours_field(help_text: str, **kwargs) -> serializers.FloatField:
    return serializers.FloatField(read_only=True, help_text=help_text, **kwargs)


class TaskSerializer(serializers.ModelSerializer):
    project = ProjectRefSerializer(read_only=True)
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)
    estimated_hours = _hours_field("Hours (a JSON number).", allow_null=True)
    actual_hours = _hours_field("The sum of the task's time entries (a JSON number).")
    dependencies = serializers.ListField(
        child=serializers.IntegerField(), read_only=True,
        help_text="The ids of the tasks of the same project that must be done before this one.",
    )
    position = serializers.IntegerField(read_only=True, help_text="Its place in its status's Kanban column, from 0.")

    class Meta:
        model = Task
        fields = [
            "id", "project", "title", "description", "status", "priority", "assigned_to", "start_date", "due_date",
            "estimated_hours", "actual_hours", "position", "dependencies", "completed_at", "created_at", "updated_at",
        ]

    def to_representation(self, instance: Task) -> dict:
        return task_representation(instance)


class ProjectListSerializer(serializers.ModelSerializer):
    customer = CustomerSerializer(read_only=True, allow_null=True)
    budget_formatted = serializers.CharField(
        read_only=True, allow_null=True, help_text="The budget in the request's locale."
    )
    progress = serializers.IntegerField(
        read_only=True, min_value=0, max_value=100,
        help_text="The share of the project's tasks that are done, in whole percent rounded down (0 without tasks).",
    )

    class Meta:
        model = Project
        fields = [
            "id", "name", "description", "customer", "start_date", "end_date", "budget", "currency",
            "budget_formatted", "status", "progress", "completed_at", "created_at", "updated_at",
        ]

    def to_representation(self, instance: Project) -> dict:
        return project_representation(instance)


class ProjectSerializer(ProjectListSerializer):
    tasks = TaskSerializer(many=True, read_only=True, help_text="Every task of the project, in board order.")

    class Meta(ProjectListSerializer.Meta):
        fields = [*ProjectListSerializer.Meta.fields, "tasks"]

    def to_representation(self, instance: Project) -> dict:
        return project_representation(instance, tasks=tasks_of(instance))


class TimeEntrySerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True)
    hours = _hours_field("Hours (a JSON number).")

    class Meta:
        model = TimeEntry
        fields = ["id", "task_id", "user", "hours", "description", "date", "created_at"]

    def to_representation(self, instance: TimeEntry) -> dict:
        return events.time_entry_json(instance)


GanttSerializer = inline_serializer("ProjectGantt", {
    "tasks": inline_serializer("GanttTask", {
        "id": serializers.IntegerField(),
        "title": serializers.CharField(),
        "start": serializers.DateField(help_text="The task's start date, else the project's."),
        "end": serializers.DateField(help_text=(
            "The due date; else the start plus the estimate in working days of 8 hours; else the start."
        )),
        "progress": serializers.FloatField(
            min_value=0, max_value=1,
            help_text="1 for a done task; else the share of its estimate logged, at most 0.99 (0 without one).",
        ),
        "dependencies": serializers.ListField(child=serializers.IntegerField()),
        "status": serializers.ChoiceField(choices=TaskStatus.choices),
    }, many=True),
})

# --- Writing -------------------------------------------------------------------------------------


class ProjectWriteSerializer(input_serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    customer_id = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), source="customer", required=False, allow_null=True, help_text="A CRM contact.",
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, help_text="Not before the start date.")
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0), required=False,
                                      allow_null=True)
    currency = serializers.ChoiceField(
        choices=Currency.choices, required=False, help_text="The budget's; the company's currency when left out.",
    )
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False)


class TaskWriteSerializer(input_serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    priority = serializers.ChoiceField(choices=TaskPriority.choices, required=False)
    assigned_to_id = TeammateField(source="assigned_to", required=False, allow_null=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True, help_text="Not before the start date.")
    estimated_hours = input_serializers.NumberField(
        max_digits=7, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("99999.99"), required=False,
        allow_null=True,
    )
    position = serializers.IntegerField(
        min_value=0, max_value=100_000, required=False,
        help_text="Its place in its status's column, from 0; the column's other tasks make room. "
        "Left out, a task goes to the end of its column.",
    )
    dependencies = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), max_length=500, required=False,
        help_text="Ids of tasks of the same project that must be done first; no cycles.",
    )


class TimeEntryWriteSerializer(input_serializers.Serializer):
    hours = input_serializers.NumberField(max_digits=4, decimal_places=2, min_value=Decimal("0.01"),
                                          max_value=Decimal(24))
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    date = serializers.DateField(required=False, help_text="The day worked; today when left out.")


# --- Views ---------------------------------------------------------------------------------------


@extend_schema(tags=["Projects"])
class ProjectViewSet(ServiceViewSet):
    feature = Feature.PROJECTS
    lookup_value_regex = "[0-9]+"  # projects/tasks/ is the tasks' own route
    serializer_class = ProjectSerializer
    write_serializer_class = ProjectWriteSerializer
    filterset_class = ProjectFilter
    queryset = Project.objects.none()

    def get_queryset(self):
        return selectors.project_list()

    def get_serializer_class(self):
        return ProjectListSerializer if self.action == "list" else super().get_serializer_class()

    access_record = staticmethod(access.access_project)

    def create_record(self, data):
        return services.project_create(actor=self.request.user, **data)

    def update_record(self, project, data):
        return services.project_update(actor=self.request.user, project=project, changes=data)

    def delete_record(self, project):
        services.project_delete(actor=self.request.user, project=project)

    @extend_schema(methods=["get"], responses=TaskSerializer(many=True), description="The project's tasks.",
                   operation_id="projects_project_tasks_list")
    @extend_schema(methods=["post"], request=TaskWriteSerializer, responses={201: TaskSerializer},
                   operation_id="projects_project_tasks_create", description=(
        "A new task of the project: at `position` in its status's column, or at the end of it."
    ))
    # Each action names what it lists: the schema reads the filters' model off `queryset`.
    @action(detail=True, methods=["get", "post"], serializer_class=TaskSerializer, filterset_class=TaskFilter,
            queryset=Task.objects.none())
    def tasks(self, request: Request, pk=None) -> Response:
        if request.method == "POST":
            project = self.access(for_write=True)  # tasks are placed and checked against the whole project
            data = self.validated(TaskWriteSerializer)
            task = services.task_create(actor=request.user, project=project, **data)
            return self.answer(task_queryset().get(pk=task.pk), status.HTTP_201_CREATED)
        project = self.access()
        tasks = self.filter_queryset(task_queryset().filter(project=project))
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=TimeEntrySerializer(many=True), description="The hours logged on the project's tasks.")
    @action(detail=True, methods=["get"], url_path="time-entries", serializer_class=TimeEntrySerializer,
            filterset_class=None, filter_backends=[], queryset=TimeEntry.objects.none())
    def time_entries(self, request: Request, pk=None) -> Response:
        entries = selectors.time_entry_list(project=self.access())
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=GanttSerializer, description=(
        "The project's tasks as Gantt bars, by start. Each bar starts on the task's start date, else the project's; "
        "ends on its due date, else after its estimate in working days of 8 hours, else the day it starts."
    ))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None, filter_backends=[])
    def gantt(self, request: Request, pk=None) -> Response:
        return Response({"tasks": selectors.gantt(self.access())})


@extend_schema(tags=["Projects: tasks"])
class TaskViewSet(RecordViewSet):
    """Tasks are created under their project (`/projects/{id}/tasks/`); here they are read,
    changed (a move on the board is a PATCH of `status` and `position`) and deleted, and listed
    across projects."""

    feature = Feature.PROJECTS
    lookup_value_regex = "[0-9]+"
    serializer_class = TaskSerializer
    write_serializer_class = TaskWriteSerializer
    filterset_class = TaskFilter
    queryset = Task.objects.none()

    def get_queryset(self):
        return task_queryset()

    access_record = staticmethod(access.access_task)

    def update_record(self, task, data):
        services.task_update(actor=self.request.user, task=task, changes=data)
        return task_queryset().get(pk=task.pk)

    def delete_record(self, task):
        services.task_delete(actor=self.request.user, task=task)

    @extend_schema(methods=["get"], responses=TimeEntrySerializer(many=True), description="The task's time entries.")
    @extend_schema(methods=["post"], request=TimeEntryWriteSerializer, responses={201: TimeEntrySerializer},
                   description=(
                       "Hours the caller worked on the task: more than 0, and at most 24 a day with what they "
                       "already logged that day, in every project (400 beyond). The task's `actual_hours` "
                       "grows by as much."
                   ))
    @action(detail=True, methods=["get", "post"], url_path="time-entries", serializer_class=TimeEntrySerializer,
            filterset_class=None, filter_backends=[])
    def time_entries(self, request: Request, pk=None) -> Response:
        task = self.access()
        if request.method == "POST":
            data = self.validated(TimeEntryWriteSerializer)
            entry = services.time_entry_create(
                actor=request.user, task=task, hours=data["hours"], day=data.get("date"),
                description=data.get("description", ""),
            )
            return self.answer(entry, status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.time_entry_list(task=task))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


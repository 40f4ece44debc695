"""Projects tables: projects for the CRM's customers, their tasks (a Kanban column each status,
ordered by `position`; dependencies within the project) and the hours logged on tasks.

A task's `actual_hours` is the sum of its time entries, kept by the service that writes them; a
project's progress is read from its tasks (selectors.py), never stored.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from modules.core.models import user_link
from modules.core.money import AmountField, Currency
from modules.core.search import SearchableManager, search_document


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class TaskStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    REVIEW = "review", _("Review")
    DONE = "done", _("Done")


class TaskPriority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Hours are kept to the minute's neighbourhood: 0.25 is a quarter of an hour.
HOURS_DIGITS = 2


class Project(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    customer = models.ForeignKey(
        "crm.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="projects",
        verbose_name=_("customer"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = AmountField(_("budget"), null=True, blank=True)
    # The budget's currency: the company's unless the project says otherwise.
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNING)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_by = user_link()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    search_document = models.GeneratedField(
        expression=search_document("name"), output_field=SearchVectorField(), db_persist=True,
    )

    objects = SearchableManager()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="projects_project_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0), name="projects_budget_sign"),
        ]
        indexes = [
            models.Index(fields=["status", "start_date"], name="projects_project_status_idx"),
            models.Index(fields=["customer"], name="projects_project_customer_idx"),
            GinIndex(fields=["search_document"], name="projects_project_search_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.TODO)
    priority = models.CharField(
        _("priority"), max_length=8, choices=TaskPriority.choices, default=TaskPriority.MEDIUM
    )
    assigned_to = user_link(verbose_name=_("assigned to"))
    # When work starts; the Gantt chart takes the project's start when it is empty.
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    estimated_hours = models.DecimalField(
        _("estimated hours"), max_digits=7, decimal_places=HOURS_DIGITS, null=True, blank=True
    )
    # The sum of the task's time entries (services.time_entry_create keeps it).
    actual_hours = models.DecimalField(_("actual hours"), max_digits=9, decimal_places=HOURS_DIGITS, default=0)
    # Its place in its status's Kanban column, from 0 (core/board.py).
    position = models.PositiveIntegerField(_("position"), default=0)
    # The tasks that must be finished before this one: in the same project, never in a cycle.
    dependencies = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents", verbose_name=_("depends on")
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_by = user_link()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["status", "position", "-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(start_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="projects_task_due_after_start",
            ),
            models.CheckConstraint(
                condition=Q(estimated_hours__isnull=True) | Q(estimated_hours__gt=0),
                name="projects_task_estimate_positive",
            ),
            models.CheckConstraint(condition=Q(actual_hours__gte=0), name="projects_task_actual_hours_sign"),
        ]
        indexes = [
            # The board: a project's column in order (core/board.py breaks ties by the last change).
            models.Index(fields=["project", "status", "position"], name="projects_task_board_idx"),
            models.Index(fields=["assigned_to", "status"], name="projects_task_assignee_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class TimeEntry(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="time_entries", verbose_name=_("task"))
    user = user_link(verbose_name=_("user"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=HOURS_DIGITS)
    description = models.CharField(_("description"), max_length=500, blank=True)
    date = models.DateField(_("date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = _("time entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="projects_time_entry_hours_within_a_day"
            ),
        ]
        indexes = [
            # The 24 hours a day rule sums one person's day.
            models.Index(fields=["user", "date"], name="projects_time_user_day_idx"),
            models.Index(fields=["task", "date"], name="projects_time_task_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h"

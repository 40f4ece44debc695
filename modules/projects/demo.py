"""The demo workspace's projects: a website redesign half-way through (a board with work in
every column, dependencies, hours logged by the team), an ERP rollout being planned and a
finished scanner roll-out, all dated around today so the board and the Gantt chart have
something to show. Everything goes through the services (the same events as a real
workspace). Runs inside the demo tenant's schema, after the CRM's demo (its contacts are the
customers).
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from modules.accounts.models import User
from modules.crm.models import Contact

from . import services
from .models import Project, ProjectStatus, TaskStatus


@dataclass(frozen=True)
class _Task:
    title: str
    status: str
    priority: str
    starts: int  # days after the project's start
    days: int
    hours: str  # estimated
    after: tuple[str, ...] = ()  # titles of the tasks it waits for
    description: str = ""


@dataclass(frozen=True)
class _Project:
    name: str
    description: str
    status: str
    starts: int  # days from today
    days: int
    budget: str
    tasks: tuple[_Task, ...] = field(default_factory=tuple)


_PROJECTS = (
    _Project(
        "Website redesign", "A new site with an online catalogue and a quote form that feeds the CRM.",
        ProjectStatus.IN_PROGRESS, -21, 56, "48000.00", (
            _Task("Discovery workshop", TaskStatus.DONE, "high", 0, 2, "12",
                  description="Goals, audiences and the pages people use most."),
            _Task("Sitemap and wireframes", TaskStatus.DONE, "high", 3, 6, "24", ("Discovery workshop",)),
            _Task("Visual design", TaskStatus.REVIEW, "high", 10, 8, "40", ("Sitemap and wireframes",)),
            _Task("Front-end build", TaskStatus.IN_PROGRESS, "urgent", 19, 15, "80", ("Visual design",)),
            _Task("CMS set-up", TaskStatus.IN_PROGRESS, "medium", 19, 5, "16", ("Sitemap and wireframes",)),
            _Task("Content migration", TaskStatus.TODO, "medium", 26, 10, "30", ("CMS set-up",)),
            _Task("Quote form into the CRM", TaskStatus.TODO, "high", 30, 6, "18", ("Front-end build",)),
            _Task("Accessibility review", TaskStatus.TODO, "medium", 40, 4, "10", ("Front-end build",)),
            _Task("QA and launch", TaskStatus.TODO, "urgent", 48, 7, "20",
                  ("Content migration", "Quote form into the CRM", "Accessibility review")),
        ),
    ),
    _Project(
        "ERP rollout, phase 1", "Purchasing and stock on the new ERP, with two weeks of parallel running.",
        ProjectStatus.PLANNING, 14, 75, "120000.00", (
            _Task("Process mapping", TaskStatus.TODO, "high", 0, 10, "40"),
            _Task("Data clean-up", TaskStatus.TODO, "medium", 5, 15, "60", ("Process mapping",)),
            _Task("Configuration", TaskStatus.TODO, "high", 12, 20, "90", ("Process mapping",)),
            _Task("User training", TaskStatus.TODO, "medium", 40, 10, "32", ("Configuration",)),
            _Task("Parallel running", TaskStatus.TODO, "urgent", 55, 14, "56", ("User training", "Data clean-up")),
        ),
    ),
    _Project(
        "Warehouse barcode scanners", "Handheld scanners for receiving and picking.",
        ProjectStatus.COMPLETED, -60, 30, "15500.00", (
            _Task("Pick the hardware", TaskStatus.DONE, "medium", 0, 5, "8"),
            _Task("Label the shelves", TaskStatus.DONE, "low", 6, 8, "24", ("Pick the hardware",)),
            _Task("Train the warehouse team", TaskStatus.DONE, "medium", 15, 3, "6", ("Label the shelves",)),
        ),
    ),
)


def projects_demo_load(*, actor: User, team: list[User]) -> None:
    rng = random.Random(2028)  # the same demo on every machine
    today = timezone.localdate()
    people = [actor, *team]
    customers = list(Contact.objects.order_by("id")[: len(_PROJECTS)])
    for index, spec in enumerate(_PROJECTS):
        start = today + timedelta(days=spec.starts)
        project = services.project_create(
            actor=actor, name=spec.name, description=spec.description, start_date=start,
            end_date=start + timedelta(days=spec.days), budget=Decimal(spec.budget),
            customer=customers[index] if index < len(customers) else None, status=spec.status,
        )
        project = Project.objects.select_for_update().get(pk=project.pk)  # task_create's caller locks it
        made = {}
        for task in spec.tasks:
            begins = start + timedelta(days=task.starts)
            made[task.title] = services.task_create(
                actor=actor, project=project, title=task.title, description=task.description, status=task.status,
                priority=task.priority, assigned_to=rng.choice(people), start_date=begins,
                due_date=begins + timedelta(days=task.days - 1), estimated_hours=Decimal(task.hours),
                dependencies=[made[title].pk for title in task.after],
            )
            _hours_log(made[task.title], spec=task, begins=begins, today=today, people=people, rng=rng)


def _hours_log(task, *, spec: _Task, begins: date, today: date, people: list[User], rng: random.Random) -> None:
    """Hours on the work days already past: all the estimate, give or take, for a finished task;
    part of it for one under way."""
    share = {TaskStatus.DONE: Decimal("1.1"), TaskStatus.REVIEW: Decimal("0.9"),
             TaskStatus.IN_PROGRESS: Decimal("0.5")}.get(spec.status)
    days = [begins + timedelta(days=offset) for offset in range(spec.days)]
    days = [day for day in days if day < today and day.weekday() < 5]
    if share is None or not days:
        return
    left = (Decimal(spec.hours) * share).quantize(Decimal("0.5"))
    for day in days:
        if left <= 0:
            break
        hours = min(left, Decimal(rng.choice(["2", "3", "4", "5.5", "6"])))
        services.time_entry_create(actor=rng.choice(people), task=task, hours=hours, day=day,
                                   description=rng.choice(["", "Pairing session", "Review notes", "Client call"]))
        left -= hours

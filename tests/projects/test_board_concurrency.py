"""Cards moved on one board at the same moment, each request on its own connection and committing
for real through access_task and task_move as the API and the pages do: every move lands, and
each column is numbered 0, 1, 2… with no place taken twice and none skipped."""

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.events.models import AuditEntry, Event
from modules.projects import access, services
from modules.projects.models import Project, Task, TaskStatus
from modules.tenancy.scope import tenant_scope
from tests.conftest import on_own_connection


def test_concurrent_moves_keep_every_column_numbered(team_a):
    started = timezone.now()

    def in_alpha(work):
        def run():
            with tenant_context(team_a.tenant), tenant_scope(team_a.tenant):
                return work()

        return on_own_connection(run)

    @transaction.atomic
    def make():
        project = services.project_create(actor=team_a.admin, name="Busy board", start_date=date(2025, 11, 1))
        locked = Project.objects.select_for_update().get(pk=project.pk)
        tasks = [services.task_create(actor=team_a.admin, project=locked, title=f"Card {number}")
                 for number in range(12)]
        return project, [task.pk for task in tasks]

    project, task_ids = in_alpha(make)
    chance = random.Random(14)
    moves = [(task_id, chance.choice(TaskStatus.values), chance.randrange(0, 6)) for task_id in task_ids * 2]

    def move(planned):
        task_id, status, position = planned
        try:
            with tenant_context(team_a.tenant), tenant_scope(team_a.tenant), transaction.atomic():
                task = access.access_task(team_a.admin, task_id, for_write=True)
                services.task_move(actor=team_a.admin, task=task, status=status, position=position)
        finally:
            connection.close()

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(move, moves))

        def columns():
            found = {}
            for status, position in Task.objects.filter(project_id=project.pk).values_list("status", "position"):
                found.setdefault(status, []).append(position)
            return found

        for status, positions in in_alpha(columns).items():
            assert sorted(positions) == list(range(len(positions))), status
        # Each card's last move is where it is (the moves of one card ran in order, a card's two apart).
        assert sum(len(positions) for positions in in_alpha(columns).values()) == 12
    finally:
        def clean():
            Project.objects.filter(pk=project.pk).delete()
            Event.objects.filter(occurred_at__gte=started).delete()
            AuditEntry.objects.filter(occurred_at__gte=started).delete()

        in_alpha(clean)

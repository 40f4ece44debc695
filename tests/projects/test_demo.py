"""The demo workspace's projects: a board with work in every column, dependencies, hours, and a
Gantt chart for each project."""

from collections import Counter

from django_tenants.utils import tenant_context

from modules.demo.loader import demo_tenant_ensure
from modules.projects import selectors
from modules.projects.models import Project, Task, TimeEntry
from modules.tenancy.scope import tenant_scope


def test_the_demo_workspace_has_projects_to_explore(db):
    tenant = demo_tenant_ensure()

    with tenant_context(tenant), tenant_scope(tenant):
        projects = {project.name: project for project in selectors.project_list()}
        redesign = projects["Website redesign"]
        columns = Counter(Task.objects.filter(project=redesign).values_list("status", flat=True))
        waiting = Task.objects.filter(project=redesign, dependencies__isnull=False).distinct().count()
        logged = TimeEntry.objects.filter(task__project=redesign).count()
        bars = selectors.gantt(redesign)
        progress = {name: selectors.project_progress(project) for name, project in projects.items()}
        statuses = set(Project.objects.values_list("status", flat=True))

    assert set(projects) == {"Website redesign", "ERP rollout, phase 1", "Warehouse barcode scanners"}
    assert set(columns) == {"todo", "in_progress", "review", "done"}
    assert waiting >= 6
    assert logged >= 10
    assert 0 < progress["Website redesign"] < 100
    assert progress["Warehouse barcode scanners"] == 100
    assert len(bars) == 9 and all(bar["start"] <= bar["end"] for bar in bars)
    assert {"planning", "in_progress", "completed"} <= statuses

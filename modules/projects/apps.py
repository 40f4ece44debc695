from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from modules.tenancy.plans import Feature
from modules.workspace.registry import ApiRoute, ModuleDescriptor, SidebarEntry


class ProjectsConfig(AppConfig):
    name = "modules.projects"
    label = "projects"
    descriptor = ModuleDescriptor(
        key="projects",
        feature=Feature.PROJECTS,
        sidebar=SidebarEntry(
            _("Projects"),
            "view-columns",
            _("Plan the work, track the time and deliver on schedule."),
            (
                _("Organise tasks on a Kanban board"),
                _("Track time per task and per person"),
                _("Follow deadlines on a Gantt chart"),
            ),
        ),
        urls="modules.projects.urls",
        api_routes=(
            # Before `projects`: its detail route (`{id}/`) would otherwise take `tasks/` for an id.
            ApiRoute("projects/tasks", "modules.projects.api.TaskViewSet", "projects-task"),
            ApiRoute("projects", "modules.projects.api.ProjectViewSet", "projects-project"),
        ),
        demo="modules.projects.demo.projects_demo_load",
        enum_names={
            "ProjectStatusEnum": "modules.projects.models.ProjectStatus",
            "TaskStatusEnum": "modules.projects.models.TaskStatus",
            "TaskPriorityEnum": "modules.projects.models.TaskPriority",
        },
    )

    def ready(self) -> None:
        from modules.core.references import referrer_register
        from modules.crm.models import Contact

        from .services import contact_projects_count, contact_projects_refusal

        # A CRM contact that is a project's customer stays while the project does.
        referrer_register(Contact, "projects.projects", count=contact_projects_count, message=contact_projects_refusal)

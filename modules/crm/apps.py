from celery.schedules import crontab
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from modules.tenancy.plans import Feature
from modules.workspace.registry import ApiRoute, ModuleDescriptor, SidebarEntry


class CrmConfig(AppConfig):
    name = "modules.crm"
    label = "crm"
    descriptor = ModuleDescriptor(
        key="crm",
        feature=Feature.CRM,
        sidebar=SidebarEntry(
            _("CRM"),
            "users",
            _("Keep every lead, contact and deal in one place and never miss a follow-up."),
            (
                _("Capture leads and import them from CSV"),
                _("Move deals across a drag-and-drop pipeline"),
                _("Schedule calls, meetings and tasks with reminders"),
            ),
        ),
        urls="modules.crm.urls",
        api_routes=(
            ApiRoute("crm/leads", "modules.crm.api.LeadViewSet", "crm-lead"),
            ApiRoute("crm/contacts", "modules.crm.api.ContactViewSet", "crm-contact"),
            ApiRoute("crm/deals", "modules.crm.api.DealViewSet", "crm-deal"),
            ApiRoute("crm/activities", "modules.crm.api.ActivityViewSet", "crm-activity"),
        ),
        beat={
            "refresh-lead-scores": {"task": "crm.lead_scores_refresh_all", "schedule": crontab(hour=3, minute=30)},
        },
        demo="modules.crm.demo.crm_demo_load",
        enum_names={
            "DealStageEnum": "modules.crm.models.Stage",
            "LeadStatusEnum": "modules.crm.models.LeadStatus",
            "NewLeadStatusEnum": "modules.crm.api.NEW_LEAD_STATUSES",
            "ContactCountryEnum": "modules.crm.services.COUNTRY_CODES",  # any ISO country, not a company's
            # Named for what they are, now that other modules have fields called "type" and "source".
            "ActivityTypeEnum": "modules.crm.models.ActivityType",
            "LeadSourceEnum": "modules.crm.models.Source",
        },
        dashboard="modules.crm.selectors.dashboard_figures",
    )

    def ready(self) -> None:
        from modules.core.references import referrer_register

        from . import tasks  # noqa: F401  (the services queue them by name: registered in every process)
        from .models import Contact
        from .services import contact_deals_count, contact_deals_refusal

        # Deleting a contact asks every module that refers to it: here, its deals.
        referrer_register(Contact, "crm.deals", count=contact_deals_count, message=contact_deals_refusal)

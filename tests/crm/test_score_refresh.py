from django_tenants.utils import tenant_context

from modules.crm.models import Lead, LeadScoreModel
from modules.crm.tasks import lead_scores_refresh_all


def test_the_nightly_refresh_retrains_every_workspace_in_its_own_schema(crm_a, crm_b):
    for team_crm in (crm_a, crm_b):
        lead = team_crm.lead()
        with tenant_context(team_crm.team.tenant):
            Lead.objects.filter(pk=lead.pk).update(score=0)  # a stale score the refresh must fix

    refreshed = lead_scores_refresh_all()

    assert refreshed >= 2
    for team_crm in (crm_a, crm_b):
        with tenant_context(team_crm.team.tenant):
            assert LeadScoreModel.objects.count() == 1
            assert Lead.objects.get().score > 0

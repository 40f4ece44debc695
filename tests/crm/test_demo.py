import logging

from django.db import connection
from django_tenants.utils import tenant_context

from modules.crm.models import Activity, Deal, Lead, LeadScoreModel, LeadStatus, Stage
from modules.crm.scoring import lead_score_explain
from modules.demo.loader import demo_tenant_ensure


def test_the_demo_workspace_has_a_living_pipeline_and_a_trained_score(db):
    tenant = demo_tenant_ensure()

    with tenant_context(tenant):
        stages = set(Deal.objects.values_list("stage", flat=True))
        currencies = set(Deal.objects.values_list("currency", flat=True))
        open_leads = Lead.objects.filter(status__in=[LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED])
        explanation = lead_score_explain(open_leads.order_by("-score").first())
        scores = set(open_leads.values_list("score", flat=True))
        activities = Activity.objects.count()

    assert stages == set(Stage.values)
    assert currencies == {"USD", "BRL", "MXN"}
    assert explanation["cold_start"] is False
    assert len(scores) > 5  # the model tells leads apart
    assert activities > 10


def test_loading_the_demo_retrains_the_score_in_the_demos_schema_after_commit(
    db, django_capture_on_commit_callbacks, caplog
):
    """`make run` loads the demo in one transaction: what it queues for after the commit (the
    score retrain) must run in the demo's schema, not in `public` where the loader ends."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tenant = demo_tenant_ensure()
    with tenant_context(tenant):
        trained_before = LeadScoreModel.objects.get().trained_at

    connection.set_schema_to_public()
    for callback in callbacks:
        callback()

    with tenant_context(tenant):
        assert LeadScoreModel.objects.get().trained_at > trained_before
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
